using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>
/// What counts the events for a feature table: the C# builder (<see cref="BehaviourFeatures.Build"/>, the default and the
/// reference) or another engine with the same definitions (the SQL engine in JourneyML.Sql, <c>features --engine duckdb</c>).
/// Every engine returns the same table and summary for the same export.
/// </summary>
public interface IFeatureEngine
{
    /// <summary>The engine's name as the CLI spells it (<c>csharp</c>, <c>duckdb</c>).</summary>
    string Name { get; }

    (FeatureTable Table, FeatureBuildSummary Summary) Build(Dataset dataset, FeatureOptions options, IProgress<double>? progress, CancellationToken cancellationToken);
}

/// <summary>The C# builder as an engine.</summary>
public sealed class CSharpFeatureEngine : IFeatureEngine
{
    public static CSharpFeatureEngine Instance { get; } = new();

    public string Name => "csharp";

    public (FeatureTable Table, FeatureBuildSummary Summary) Build(Dataset dataset, FeatureOptions options, IProgress<double>? progress, CancellationToken cancellationToken) =>
        BehaviourFeatures.Build(dataset, options, progress, cancellationToken);
}
