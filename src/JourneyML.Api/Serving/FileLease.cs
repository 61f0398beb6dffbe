using System.Diagnostics;
using System.Text.Json;
using JourneyML.Core.Data;

namespace JourneyML.Api.Serving;

/// <summary>
/// The service instance that holds a lease: an id of its own (several hosts can run in one process, as in the tests),
/// the machine and the process, so an instance on the same machine can tell at once that a holder's process is gone.
/// </summary>
public sealed record LeaseHolder(string Instance, string Host, int Pid, DateTime ProcessStartedAt)
{
    public static LeaseHolder ForThisProcess()
    {
        using var process = Process.GetCurrentProcess();
        return new(Guid.NewGuid().ToString("N")[..12], Environment.MachineName, Environment.ProcessId, process.StartTime.ToUniversalTime());
    }

    /// <summary>
    /// True when the holder is certainly gone: it ran on this machine and its process has ended (or its process id now
    /// belongs to a process started at another time). A holder on another machine is only known gone once its lease expires.
    /// </summary>
    public bool IsCertainlyGone()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(Pid);
            return Math.Abs((process.StartTime.ToUniversalTime() - ProcessStartedAt).TotalSeconds) > 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }
}

/// <summary>A lease as written in its file: who holds it, for what (a job id, a delivery), until when.</summary>
public sealed record LeaseState(LeaseHolder Holder, string? Subject, DateTime TakenAt, DateTime ExpiresAt)
{
    /// <summary>Held: not expired, and its holder not certainly gone.</summary>
    public bool IsLive(DateTime now) => ExpiresAt > now && !Holder.IsCertainlyGone();
}

/// <summary>
/// A lease shared by every instance on one registry folder, so that one of them does a thing (deliver a webhook for a
/// snapshot, run a retraining job) and the others do not. Files, like the rest of the registry: the lease is a
/// series of generation files <c>NAME.1</c>, <c>NAME.2</c>, ..., each created exclusively (create-new fails when the
/// file exists, on every file system the registry can live on), and the highest generation is the lease. Taking a
/// free lease creates generation 1; taking over an expired one (or one whose holder's process is gone) creates the next
/// generation, which only one of the instances racing for it can create. The holder renews by rewriting its own
/// generation file atomically, and releases by deleting it.
/// </summary>
public sealed class FileLease
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _file;

    private FileLease(string file, LeaseState state)
    {
        _file = file;
        State = state;
    }

    public LeaseState State { get; private set; }

    /// <summary>Takes the lease at <paramref name="path"/> when it is free or no longer held; null when another holds it.</summary>
    public static FileLease? TryTake(string path, LeaseHolder holder, TimeSpan duration, string? subject = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var now = DateTime.UtcNow;
        var (generation, current) = Current(path);
        if (current is not null && current.IsLive(now))
        {
            return null;
        }
        var state = new LeaseState(holder, subject, now, now + duration);
        var file = $"{path}.{generation + 1}";
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            JsonSerializer.Serialize(stream, state, s_json);
        }
        catch (IOException) when (File.Exists(file))
        {
            return null; // another instance created this generation first: the lease is theirs
        }
        foreach (var (older, _) in Generations(path).Where(g => g.Number <= generation))
        {
            TryDelete(older);
        }
        return new FileLease(file, state);
    }

    /// <summary>The lease as its files show it now (null when nobody has taken it or its holder released it).</summary>
    public static LeaseState? Read(string path) => Current(path).State;

    /// <summary>Extends the lease; false when it was taken over meanwhile (the holder was thought gone).</summary>
    public bool Renew(TimeSpan duration)
    {
        if (!StillOurs())
        {
            return false;
        }
        State = State with { ExpiresAt = DateTime.UtcNow + duration };
        AtomicFile.WriteAllText(_file, JsonSerializer.Serialize(State, s_json));
        return true;
    }

    /// <summary>Gives the lease up, so another instance can take it at once.</summary>
    public void Release()
    {
        if (StillOurs())
        {
            TryDelete(_file);
        }
    }

    private bool StillOurs() => ReadFile(_file) is { } state && state.Holder == State.Holder && state.TakenAt == State.TakenAt;

    private static (long Generation, LeaseState? State) Current(string path)
    {
        var generations = Generations(path).ToList();
        if (generations.Count == 0)
        {
            return (0, null);
        }
        var (file, number) = generations.MaxBy(g => g.Number);
        return (number, ReadFile(file) ?? Unreadable(file));
    }

    /// <summary>
    /// A generation file that cannot be read is being written this very moment (it is a few bytes, written right after
    /// its creation) or was cut short by a crash: held while fresh, expired once a minute old.
    /// </summary>
    private static LeaseState Unreadable(string file)
    {
        var written = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
        var nobody = new LeaseHolder("unknown", "unknown", 0, DateTime.MinValue);
        return new LeaseState(nobody, null, written, written == DateTime.MinValue ? DateTime.MinValue : written.AddMinutes(1));
    }

    private static LeaseState? ReadFile(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<LeaseState>(File.ReadAllText(file), s_json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<(string File, long Number)> Generations(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var prefix = Path.GetFileName(path) + ".";
        if (!Directory.Exists(directory))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            if (long.TryParse(Path.GetFileName(file)[prefix.Length..], out long number) && number > 0)
            {
                yield return (file, number);
            }
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover older generation is ignored: only the highest counts.
        }
    }
}
