using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>
/// Holds the champion being served and switches to a new one without a restart: it watches the registry's champion
/// pointer, loads and warms the new version completely, and only then swaps one reference. A request takes the
/// predictor once and uses it to the end, so no request fails or mixes two versions during a switch. A version that
/// fails to load is refused, and the one before keeps serving.
/// </summary>
public sealed class ModelHost(ServingPaths paths, IOptions<ServingOptions> options, ILogger<ModelHost> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CustomerPredictor? _current;

    public ModelRegistry Registry { get; } = new(paths.Registry);

    /// <summary>The predictor serving now; null until a champion exists and has loaded.</summary>
    public CustomerPredictor? Current => _current;

    /// <summary>The last version that was the champion but could not be loaded, and why.</summary>
    public (string Version, string Reason)? Refused { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first champion is loaded before the server takes requests, so a ready service answers from the start.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReloadSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Serves the registry's champion if it is not the one serving already. Returns the predictor serving afterwards.</summary>
    public async Task<CustomerPredictor?> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ChampionPointer? pointer;
            try
            {
                pointer = Registry.Champion();
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                // A pointer being replaced right now, or damaged: keep serving what we have and look again next time.
                logger.LogWarning("Could not read the champion pointer: {Reason}", e.Message);
                return _current;
            }
            if (pointer is null || pointer.Version == _current?.ModelVersion || pointer.Version == Refused?.Version)
            {
                return _current;
            }
            try
            {
                var predictor = Load(pointer.Version);
                var before = _current?.ModelVersion;
                _current = predictor;
                Refused = null;
                logger.LogInformation("Serving model {Version} (was {Previous})", predictor.ModelVersion, before ?? "none");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Refused = (pointer.Version, e.Message);
                logger.LogError("Model {Version} is the champion but failed to load; still serving {Current}: {Reason}",
                    pointer.Version, _current?.ModelVersion ?? "nothing", e.Message);
            }
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

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
    public void ForgetRefusal() => Refused = null;
}
