using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>The process analysis in a whole journey run: on the small generated world, and on the Japanese export with its own stage names.</summary>
public sealed class JourneyAnalysisRunTests
{
    [Fact]
    public void On_the_small_world_the_map_carries_the_analysis_and_says_where_the_numbers_are_too_few()
    {
        using var root = new TempFolder("analysis-small");
        var data = Path.Combine(root.Path, "data");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Small, Customers = 300, Seed = 5 }).Generate(data);
        var result = JourneyRun.Run(new JourneyOptions
        {
            DataDirectory = data, RegistryPath = Path.Combine(root.Path, "models"), StepDays = 14,
            OutputDirectory = Path.Combine(root.Path, "map"), FunnelWindowDays = [60],
        }, NullLogger.Instance);
        var map = result.Map;
        Assert.Equal([60], map.Funnel.WindowDays);
        Assert.NotEmpty(map.Funnel.Cells);
        Assert.All(map.Funnel.Cells, c => Assert.True(c.Observed <= c.Entered && c.Reached <= c.Observed));
        Assert.Contains(map.Funnel.Cells, c => c.TooSmall);                         // 300 customers: months and late stages are thin
        Assert.Equal(map.Kpis.Customers, map.Variants.Customers);                  // every mapped customer has one path
        Assert.Equal(map.Variants.Customers, map.Variants.Top.Sum(v => v.Customers) + map.Variants.OtherCustomers);
        Assert.Equal(map.Kpis.Customers, map.Conformance.Customers);
        Assert.InRange(map.Conformance.Share!.Value, 0, 1);
        Assert.Equal(map.Transitions.Sum(t => t.Customers), map.Conformance.Moves); // the same moves the flow counts
        Assert.Contains(map.TimeInStage, d => d.Finished.TooSmall is not null);
        var markdown = File.ReadAllText(Path.Combine(result.Directory, JourneyMapFolders.MarkdownFile));
        Assert.Contains("### Within 60 days", markdown);
        Assert.Contains("rough", markdown);
        var json = File.ReadAllText(Path.Combine(result.Directory, JourneyMapFolders.JsonFile));
        Assert.Contains("\"conformance\"", json);
    }

    [Fact]
    public void On_the_japanese_export_the_analysis_speaks_the_users_stage_names()
    {
        using var root = new TempFolder("analysis-ja");
        var registry = Path.Combine(root.Path, "models");
        Directory.CreateDirectory(registry);
        File.WriteAllText(Path.Combine(registry, "stages.json"), """
            {
              "stages": [
                { "name": "見込み客", "kind": "path" },
                { "name": "顧客", "kind": "path", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
                { "name": "解約", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] }
              ]
            }
            """);
        var result = JourneyRun.Run(new JourneyOptions
        {
            DataDirectory = Samples.Path("ja-export"), MappingFile = Samples.Path("ja-export", "journeyml.json"), RegistryPath = registry,
            StepDays = 14, OutputDirectory = Path.Combine(root.Path, "map"),
        }, NullLogger.Instance);
        var map = result.Map;
        Assert.Contains(map.Funnel.Cells, c => c is { FromStage: "見込み客", ToStage: "顧客" });
        Assert.Contains(map.Conformance.TopDeviatingMoves.Concat<object>(map.Bottlenecks.SlowestMoves), m => m.ToString()!.Contains("解約", StringComparison.Ordinal));
        var html = File.ReadAllText(Path.Combine(result.Directory, JourneyMapFolders.HtmlFile));
        Assert.Contains("data-stage=\"顧客\"", html);
        Assert.Contains("見込み客 → 顧客", html);
    }
}
