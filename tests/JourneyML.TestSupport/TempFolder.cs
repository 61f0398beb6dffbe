using System.Security.Cryptography;
using System.Text;

namespace JourneyML.TestSupport;

/// <summary>
/// A fresh folder under the system's temporary folder, named journeyml-PURPOSE-…; disposing it removes it. A folder
/// that cannot be removed (a file still open) is left: leftovers in the temporary folder are harmless.
/// </summary>
public sealed class TempFolder(string purpose) : IDisposable
{
    public string Path { get; } = Create(purpose);

    public static implicit operator string(TempFolder folder) => folder.Path;

    /// <summary>A fresh folder for a test that does not remove it (a failing test's files stay to look at).</summary>
    public static string Create(string purpose) => Directory.CreateTempSubdirectory($"journeyml-{purpose}-").FullName;

    /// <summary>
    /// A temporary folder that stays the same from run to run for this checkout (so .NET's build cache for generated
    /// programs is reused) and differs between checkouts (so two worktrees on one machine never share it).
    /// </summary>
    public static string Stable(string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Repo.Root)))[..10];
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"journeyml-{name}-{hash}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Copies a folder with everything below it; returns the copy.</summary>
    public static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return to;
    }

    /// <summary>Removes a folder and what is in it, if it can.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    public void Dispose() => TryDelete(Path);
}
