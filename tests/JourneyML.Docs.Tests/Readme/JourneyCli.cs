namespace JourneyML.Docs.Tests.Readme;

/// <summary>The journeyml CLI (and journeyml-tools) built beside the tests, run as a process exactly as a user or a scheduled job runs it.</summary>
internal static class JourneyCli
{
    public const string Product = "journeyml";
    public const string Tools = "journeyml-tools";

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static ProcessResult Run(string workingDirectory, params string[] args) => Run(Product, workingDirectory, args);

    /// <param name="program"><see cref="Product"/> or <see cref="Tools"/>.</param>
    public static ProcessResult Run(string program, string workingDirectory, params string[] args) =>
        Processes.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, program + ".dll"), .. args], workingDirectory, Timeout);

    /// <summary>A scratch copy of what the README's commands need: the sample data, and a marker that makes the folder the CLI's repository root (so models/ and out/ land here).</summary>
    public static string Sandbox()
    {
        var dir = Directory.CreateTempSubdirectory("journeyml-readme-").FullName;
        File.WriteAllText(Path.Combine(dir, "JourneyML.sln"), "");
        Copy(Repo.Path("data-samples"), Path.Combine(dir, "data-samples"));
        return dir;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
