using JourneyML.SampleData;

namespace JourneyML.Core.Tests.SampleData;

/// <summary>Generates the folders the tests read once per test run, in a temporary directory removed afterwards.</summary>
public sealed class GeneratedSamples : IDisposable
{
    private readonly Lazy<(string Directory, GenerationSummary Summary, GeneratedDataset Data)> _small;
    private readonly Lazy<(string Directory, GenerationSummary Summary, GeneratedDataset Data)> _large;

    public GeneratedSamples()
    {
        Root = TempFolder.Create("gen-tests");
        _small = new(() => Generate("small", SmallOptions));
        _large = new(() => Generate("large", LargeOptions));
    }

    public string Root { get; }

    public static GeneratorOptions SmallOptions { get; } = new() { Customers = 400, Seed = 11 };

    public static GeneratorOptions LargeOptions { get; } = new() { Customers = 2000, Seed = 3 };

    /// <summary>400 contacts, canonical CSV.</summary>
    internal (string Directory, GenerationSummary Summary, GeneratedDataset Data) Small => _small.Value;

    /// <summary>2000 contacts, canonical CSV: enough for rates and clustering.</summary>
    internal (string Directory, GenerationSummary Summary, GeneratedDataset Data) Large => _large.Value;

    public string NewDirectory(string name) => Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => TempFolder.TryDelete(Root);

    private (string, GenerationSummary, GeneratedDataset) Generate(string name, GeneratorOptions options)
    {
        string directory = Path.Combine(Root, name);
        var summary = new SampleGenerator(options).Generate(directory);
        return (directory, summary, GeneratedDataset.Load(directory));
    }
}

[CollectionDefinition(Name)]
public sealed class GeneratedSamplesCollection : ICollectionFixture<GeneratedSamples>
{
    public const string Name = "Generated samples";
}
