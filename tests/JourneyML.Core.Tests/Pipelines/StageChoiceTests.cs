using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Stages;
using JourneyML.TestSupport;

namespace JourneyML.Core.Tests.Pipelines;

/// <summary>Runs with no stages.json use the suggestion for their data, store it once in the registry, and say so.</summary>
public sealed class StageChoiceTests
{
    [Fact]
    public void A_run_without_stages_json_suggests_stages_stores_them_and_the_api_reads_the_same()
    {
        using var folder = new TempFolder("stage-choice");
        var data = Path.Combine(folder, "data");
        var registry = Path.Combine(folder, "models");
        ShapeWorlds.WriteRepeatPurchase(data, customers: 250);
        var logger = new ListLogger();

        var first = JourneyRun.Run(new JourneyOptions { DataDirectory = data, RegistryPath = registry }, logger);

        var stored = Path.Combine(registry, StageModel.SuggestedFileName);
        Assert.True(File.Exists(stored));
        Assert.StartsWith("stages: suggested for a repeat-purchase retailer (no stages.json)", first.Map.Notes[0], StringComparison.Ordinal);
        Assert.Contains(logger.Lines, l => l.StartsWith("stages: suggested for a repeat-purchase retailer", StringComparison.Ordinal));
        Assert.Contains(first.Map.StageRules, s => s.Stage == "Returning" && s.Why!.Contains("gap between two purchases", StringComparison.Ordinal));
        Assert.Contains("## The stages and why they are there", File.ReadAllText(Path.Combine(first.Directory, JourneyMapFolders.MarkdownFile)), StringComparison.Ordinal);
        // The API reads stages from the registry without the data: the same stages as the run.
        var served = StageModel.ForRegistry(registry, [.. FeatureNames.Definitions.Select(d => d.Name)]);
        Assert.Equal(first.Map.StageRules.Select(s => s.Stage), served.Names);

        // A later run reads the stored suggestion rather than suggesting again.
        var written = File.GetLastWriteTimeUtc(stored);
        var bytes = File.ReadAllBytes(stored);
        JourneyRun.Run(new JourneyOptions { DataDirectory = data, RegistryPath = registry }, logger);
        Assert.Equal(bytes, File.ReadAllBytes(stored));
        Assert.Equal(written, File.GetLastWriteTimeUtc(stored));
    }

    [Fact]
    public void The_registry_stages_json_wins_and_nothing_is_suggested()
    {
        using var folder = new TempFolder("stage-choice");
        var data = Path.Combine(folder, "data");
        var registry = Path.Combine(folder, "models");
        ShapeWorlds.WriteRepeatPurchase(data, customers: 150);
        Directory.CreateDirectory(registry);
        File.WriteAllText(Path.Combine(registry, StageModel.DefaultFileName), StageModel.DefaultJson);

        var run = JourneyRun.Run(new JourneyOptions { DataDirectory = data, RegistryPath = registry }, new ListLogger());

        Assert.False(File.Exists(Path.Combine(registry, StageModel.SuggestedFileName)));
        Assert.Equal("stages: stages.json", run.Map.Notes[0]);
        // The built-in stages (with their own whys), not the repeat-purchase suggestion's Visitor.
        Assert.Contains(run.Map.StageRules, s => s.Stage == "Awareness");
        Assert.DoesNotContain(run.Map.StageRules, s => s.Stage == "Visitor");
    }

    [Fact]
    public void Training_stores_the_suggestion_and_scoring_uses_it_and_says_so_in_its_report()
    {
        using var folder = new TempFolder("stage-choice");
        var data = Path.Combine(folder, "data");
        var registry = Path.Combine(folder, "models");
        SteadyWorld.Write(data, customers: 300);
        var logs = new FeatureRunOptions { DataDirectory = data };

        TrainingRun.Run(new TrainingOptions { Features = logs, RegistryPath = registry, Backtest = false, Candidates = [CandidateSpec.Default] }, new ListLogger());
        Assert.True(File.Exists(Path.Combine(registry, StageModel.SuggestedFileName)));
        var scored = ScoringRun.Run(new ScoringOptions { Features = logs, RegistryPath = registry }, new ListLogger());

        var report = File.ReadAllText(scored.ReportPath!);
        // Logins and pricing-page views only, outcomes in their own table: nothing points away from the funnel, and the why says so.
        Assert.Contains("Stages: suggested for a B2B funnel (no stages.json)", report, StringComparison.Ordinal);
        Assert.Contains("- Customer-Onboarding (path): status == customer. Why: A paying customer not yet in Adoption", report, StringComparison.Ordinal);
        var suggested = StageModel.ForRegistry(registry, [.. FeatureNames.Definitions.Select(d => d.Name)]).Names.ToHashSet();
        Assert.All(scored.Snapshot.Stage.Where(s => s.Length > 0), s => Assert.Contains(s, suggested));
    }
}
