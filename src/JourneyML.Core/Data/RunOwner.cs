using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace JourneyML.Core.Data;

/// <summary>
/// The process that writes a temporary file or folder (a hidden <c>.partial</c> file, a version's staging folder), carried
/// in its name as <c>p&lt;pid&gt;-t&lt;start&gt;</c>: the next run removes a leftover as soon as its writer is gone, instead of
/// waiting hours in case it is still at work. The name is the lock file: it is created in the same step as the file, so
/// there is no moment when a leftover has no owner. The start time is part of it because process ids are reused.
/// </summary>
public static partial class RunOwner
{
    /// <summary>Leftovers without an owner in their name (written by an older JourneyML) go once they are this old.</summary>
    public static readonly TimeSpan UnownedAge = TimeSpan.FromHours(6);

    private static readonly Lazy<string> s_current = new(() => Tag(Environment.ProcessId, StartSeconds(Process.GetCurrentProcess())));

    /// <summary>This process's tag, for a name.</summary>
    public static string Current => s_current.Value;

    public static string Tag(int processId, long startSeconds) => string.Create(CultureInfo.InvariantCulture, $"p{processId}-t{startSeconds}");

    // Right to left: the tag comes after the file's own name, which might hold something that looks like one.
    [GeneratedRegex(@"(?:^|[.-])p([0-9]{1,10})-t([0-9]{1,19})(?:[.-]|$)", RegexOptions.RightToLeft)]
    private static partial Regex TagPattern();

    /// <summary>Whether a leftover may go: its writer has exited (or its pid now belongs to a later process), or, without a tag, it is old.</summary>
    public static bool IsAbandoned(string path, DateTime now)
    {
        var match = TagPattern().Match(Path.GetFileName(path));
        if (!match.Success
            || !int.TryParse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture, out var start))
        {
            return LastWrite(path) < now - UnownedAge;
        }
        return !IsRunning(pid, start);
    }

    /// <summary>Removes the abandoned leftovers among <paramref name="candidates"/>; one that cannot be removed now goes next time.</summary>
    public static int RemoveAbandoned(IEnumerable<string> candidates, DateTime now)
    {
        int removed = 0;
        foreach (var path in candidates.ToList())
        {
            if (!IsAbandoned(path, now))
            {
                continue;
            }
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already (another run cleaned it) or not ours to remove: left for next time.
            }
        }
        return removed;
    }

    private static bool IsRunning(int pid, long startSeconds)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // Start times are read from the system's clock ticks by each process: allow a second either way.
            return !process.HasExited && Math.Abs(StartSeconds(process) - startSeconds) <= 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // no such process
        }
    }

    private static long StartSeconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    private static DateTime LastWrite(string path) =>
        Directory.Exists(path) ? Directory.GetLastWriteTimeUtc(path) : File.GetLastWriteTimeUtc(path);
}
