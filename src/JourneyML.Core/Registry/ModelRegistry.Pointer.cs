using System.Diagnostics;
using System.Text.Json;
using JourneyML.Core.Data;

namespace JourneyML.Core.Registry;

/// <summary>
/// The champion pointer's reads and writes. Every change is read, decided and written while holding <c>champion.lock</c>
/// (an exclusive OS lock on an open file, which the OS releases when its process dies, so a killed run never leaves the
/// registry locked): two processes promoting and rolling back at once each see the other's change, and none is lost.
/// </summary>
public sealed partial class ModelRegistry
{
    public const string LockFile = "champion.lock";
    /// <summary>How long a change waits for another process's promotion or rollback to finish.</summary>
    private static readonly TimeSpan s_lockWait = TimeSpan.FromSeconds(30);

    private readonly record struct PointerRead(ChampionPointer? Pointer, string? Damage);

    /// <summary>The pointer as on disk, or what is wrong with it (unreadable JSON, no version, a version string that is not one).</summary>
    private PointerRead ReadPointer()
    {
        var path = Path.Combine(Root, ChampionFile);
        if (!File.Exists(path))
        {
            return new PointerRead(null, null);
        }
        try
        {
            var pointer = JsonSerializer.Deserialize(File.ReadAllText(path), RegistryJson.Default.ChampionPointer);
            return pointer switch
            {
                null => new PointerRead(null, "it holds no pointer"),
                { Version: null } or { History: null } => new PointerRead(null, "its version or history is missing"),
                _ when !IsValidVersion(pointer.Version) => new PointerRead(null, "its version is not a model version"),
                _ => new PointerRead(pointer, null),
            };
        }
        catch (JsonException e)
        {
            return new PointerRead(null, $"not valid JSON: {e.Message}");
        }
    }

    /// <summary>Reads the pointer, asks <paramref name="next"/> for the new one and writes it, all under the lock.</summary>
    /// <param name="repairs">Whether a damaged pointer may be replaced (a promotion) or stops the change (a rollback: nothing to roll back from).</param>
    private ChampionPointer ChangePointer(Func<ChampionPointer?, ChampionPointer> next, bool repairs)
    {
        Directory.CreateDirectory(Root);
        using var held = AcquireLock();
        var read = ReadPointer();
        if (read.Damage is not null && !repairs)
        {
            _ = Champion(); // throws the damaged-pointer error, with how to repair it
        }
        var pointer = next(read.Pointer);
        var path = Path.Combine(Root, ChampionFile);
        if (read.Damage is not null)
        {
            // Kept for whoever wants to piece the history back together by hand.
            File.Copy(path, path + ".damaged", overwrite: true);
            pointer = pointer with { Repaired = true };
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(pointer, RegistryJson.Default.ChampionPointer));
        return pointer;
    }

    private FileStream AcquireLock()
    {
        var path = Path.Combine(Root, LockFile);
        var waited = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix and a share lock on Windows; the OS drops it with the process.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < s_lockWait)
            {
                Thread.Sleep(Math.Min(5 * (attempt + 1), 100));
            }
            catch (IOException e)
            {
                throw new ConflictException(
                    $"another promotion or rollback has held the registry's {LockFile} for {s_lockWait.TotalSeconds:0} s; nothing changed: try again", e);
            }
        }
    }
}
