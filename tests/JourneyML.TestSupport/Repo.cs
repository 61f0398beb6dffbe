namespace JourneyML.TestSupport;

/// <summary>The repository the tests run in: its root (where JourneyML.sln is) and paths inside it.</summary>
public static class Repo
{
    /// <summary>The file that marks the repository root (and the CLI's root: a scratch folder holding one is a repository to it).</summary>
    public const string SolutionFile = "JourneyML.sln";

    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"repository root ({SolutionFile}) not found above {AppContext.BaseDirectory}");
    });

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The build configuration of the tests (this library is built with them), so generated programs build the library as the tests did.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif
}

/// <summary>The committed sample data under data-samples/.</summary>
public static class Samples
{
    /// <summary>data-samples/ itself.</summary>
    public static string Root => Repo.Path("data-samples");

    /// <summary>The 2,000-customer behaviour-log sample (data-samples/sample) most tests train and score on.</summary>
    public static string Sample => Path("sample");

    /// <summary>The CRM export with its mapping file (data-samples/crm-export).</summary>
    public static string CrmExport => Path("crm-export");

    /// <summary>A folder of deliberately broken data (data-samples/bad/NAME).</summary>
    public static string Bad(string name) => Path("bad", name);

    public static string Path(params string[] parts) => Repo.Path(["data-samples", .. parts]);
}
