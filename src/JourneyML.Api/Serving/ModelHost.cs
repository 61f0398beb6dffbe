using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>
/// Holds the champion being served and switches to a new one without a restart: it watches the registry's champion
/// pointer, loads and warms the new version completely, and only then swaps one reference. A request takes the
/// predictor once and uses it to the end, so no request fails or mixes two versions during a switch. A version that
/// fails to load is refused, and the one before keeps serving; it is tried again as soon as its files change or it is
/// promoted again, and otherwise after a delay that doubles up to five minutes (a disk or share that comes back).
/// </summary>
public sealed class ModelHost(ServingPaths paths, IOptions<ServingOptions> options, ILogger<ModelHost> logger) : BackgroundService
{
    private static readonly TimeSpan s_longestRetryDelay = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CustomerPredictor? _current;
    private volatile Refusal? _refusal;

    public ModelRegistry Registry { get; } = new(paths.Registry);

    /// <summary>The predictor serving now; null until a champion exists and has loaded.</summary>
    public CustomerPredictor? Current => _current;

    /// <summary>The last version that was the champion but could not be loaded, and why (in words without paths: answers show it).</summary>
    public (string Version, string Reason)? Refused => _refusal is { } r ? (r.Version, r.Reason) : null;

    /// <summary>What is wrong with the champion pointer when it cannot be read (without paths); null when it reads.</summary>
    public string? PointerProblem { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first champion is loaded before the server takes requests, so a ready service answers from the start.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Reloading.EveryAsync(options.Value.ReloadSeconds, () => RefreshAsync(stoppingToken), logger, "the champion", stoppingToken);

    /// <summary>Serves the registry's champion if it is not the one serving already. Returns the predictor serving afterwards.</summary>
    public async Task<CustomerPredictor?> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var pointer = ReadPointer();
            if (pointer is null)
            {
                return _current;
            }
            if (pointer.Version == _current?.ModelVersion)
            {
                _refusal = null; // the champion serves: an older refusal no longer matters
                return _current;
            }
            var stamp = FilesStamp(pointer.Version);
            if (_refusal is { } refused && refused.Version == pointer.Version && !refused.DueAgain(pointer, stamp, DateTime.UtcNow))
            {
                return _current;
            }
            TryServe(pointer, stamp);
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    private ChampionPointer? ReadPointer()
    {
        try
        {
            var pointer = Registry.Champion();
            PointerProblem = null;
            return pointer;
        }
        catch (RegistryDamagedException e)
        {
            if (PointerProblem != e.Message)
            {
                logger.LogError("The champion pointer in {Registry} is damaged; still serving {Current}: {Reason}", Registry.Root, _current?.ModelVersion ?? "nothing", e.Message);
            }
            PointerProblem = e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A pointer being replaced right now: keep serving what we have and look again next time.
            logger.LogWarning("Could not read the champion pointer: {Reason}", e.Message);
        }
        return null;
    }

    private void TryServe(ChampionPointer pointer, string stamp)
    {
        try
        {
            var predictor = Load(pointer.Version);
            var before = _current?.ModelVersion;
            _current = predictor;
            _refusal = null;
            logger.LogInformation("Serving model {Version} (was {Previous})", predictor.ModelVersion, before ?? "none");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            int attempts = _refusal is { } r && r.Version == pointer.Version ? r.Attempts + 1 : 1;
            var delay = TimeSpan.FromSeconds(Math.Min(s_longestRetryDelay.TotalSeconds, Math.Max(1, options.Value.ReloadSeconds) * Math.Pow(2, attempts - 1)));
            _refusal = new Refusal(pointer.Version, PublicReason(e), pointer.PromotedAt, stamp, DateTime.UtcNow + delay, attempts);
            logger.LogError("Model {Version} is the champion but failed to load (attempt {Attempt}; next try when its files change or in {Delay:0} s); still serving {Current}: {Reason}",
                pointer.Version, attempts, delay.TotalSeconds, _current?.ModelVersion ?? "nothing", e.Message);
        }
    }

    /// <summary>What changed a version's files (sizes and times of its files and of the registry's stages): a repair shows here.</summary>
    private string FilesStamp(string version)
    {
        try
        {
            var directory = new DirectoryInfo(Registry.VersionDirectory(version));
            var stages = new FileInfo(Path.Combine(Registry.Root, StageModel.DefaultFileName));
            var files = directory.Exists ? directory.EnumerateFiles("*", SearchOption.AllDirectories).Append(stages) : [stages];
            return string.Join('|', files.Select(f => f.Exists ? $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}" : $"{f.FullName}:-").Order(StringComparer.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"not listable: {e.GetType().Name}"; // the load says why; the delay decides when to try again
        }
    }

    /// <summary>Why a version did not load, in words for an answer: the exception's own text names files and folders, so it goes to the log only.</summary>
    internal static string PublicReason(Exception e) => e switch
    {
        NotFoundException => "the version is not in the registry, or not complete",
        FileNotFoundException or DirectoryNotFoundException => "a file of the version is missing (the log names it)",
        UnauthorizedAccessException => "a file of the version may not be read by the service (the log names it)",
        DataFileException { File: var file } when Path.GetFileName(file) == StageModel.DefaultFileName => "the registry's stage rules are invalid (the log says where)",
        _ => "a file of the version is damaged or is not what JourneyML wrote (the log names it)",
    };

    /// <summary>Loads a version and warms it up; throws when it cannot serve.</summary>
    public CustomerPredictor Load(string version) => Prepare(Registry.Load(version));

    /// <summary>A version's loaded models made ready to serve (stages, predictor, warm-up); throws when they cannot serve.</summary>
    public CustomerPredictor Prepare(LoadedModels models)
    {
        var stages = StageModel.ForRegistry(Registry.Root, new StageSignals([.. models.Metadata.Features.Select(f => f.Name)]).WithModel(models.Metadata));
        var predictor = new CustomerPredictor(models, stages);
        predictor.WarmUp();
        return predictor;
    }

    /// <summary>Clears a refusal so the champion is tried again (after a fix, or a promotion of the same version).</summary>
    public void ForgetRefusal() => _refusal = null;

    /// <summary>A champion that did not load: tried again when promoted again, when its files change, or once the delay is over.</summary>
    private sealed record Refusal(string Version, string Reason, DateTime PromotedAt, string Stamp, DateTime RetryAt, int Attempts)
    {
        public bool DueAgain(ChampionPointer pointer, string stamp, DateTime now) => pointer.PromotedAt != PromotedAt || stamp != Stamp || now >= RetryAt;
    }
}
