using System.Text;

namespace JourneyML.Core.Data;

/// <summary>
/// The one way JourneyML writes a file that someone else may be reading: into a hidden temporary file beside it, then a
/// rename over the old one. A reader sees the old file or the new one, never half of one; a write that fails or is
/// killed leaves the old file as it was (and at most a hidden <c>.partial</c> file, which no reader opens). The temporary
/// file's name carries its writer (<see cref="RunOwner"/>): the next write in the folder removes the leftovers of writers
/// that are gone, so killed runs do not pile up half-written snapshots.
/// </summary>
public static class AtomicFile
{
    /// <summary>Names a temporary file carries: readers and clean-ups recognise it by this ending.</summary>
    public const string PartialSuffix = ".partial";

    public static void WriteAllText(string path, string contents) =>
        Write(path, temporary => File.WriteAllText(temporary, contents, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));

    public static void WriteAllBytes(string path, byte[] contents) => Write(path, temporary => File.WriteAllBytes(temporary, contents));

    /// <summary>Runs <paramref name="writeTo"/> on a temporary path in the same folder, then renames it into place.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        RunOwner.RemoveAbandoned(Directory.EnumerateFiles(directory, "." + "*" + PartialSuffix), DateTime.UtcNow);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{RunOwner.Current}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            writeTo(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
