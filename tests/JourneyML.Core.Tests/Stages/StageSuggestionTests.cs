using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;
using JourneyML.SampleData;
using JourneyML.TestSupport;

namespace JourneyML.Core.Tests.Stages;

/// <summary>The exports the suggestion is tried on, each read once (the generator's worlds kept small).</summary>
public sealed class ShapeExports : IDisposable
{
    private readonly string _root = TempFolder.Create("stage-shapes");
    private readonly Dictionary<string, Lazy<EventTimeline>> _exports;

    public ShapeExports()
    {
        _exports = new(StringComparer.Ordinal)
        {
            ["b2b-saas"] = Lazy(() => Generated(GeneratorWorld.B2bSaas, 600)),
            ["subscription"] = Lazy(() => Generated(GeneratorWorld.Subscription, 500)),
            ["small"] = Lazy(() => Generated(GeneratorWorld.Small, 300)),
            ["sample"] = Lazy(() => Samples.Sample),
            ["ja-export"] = Lazy(() => Samples.Path("ja-export")),
            ["product-led"] = Lazy(() => Written("product-led", ShapeWorlds.WriteProductLed)),
            ["product-led-world"] = Lazy(() => Generated(GeneratorWorld.ProductLed, 500)),
            ["retail-world"] = Lazy(() => Generated(GeneratorWorld.Retail, 500)),
            ["repeat-purchase"] = Lazy(() => Written("repeat-purchase", ShapeWorlds.WriteRepeatPurchase)),
        };
    }

    public EventTimeline this[string name] => _exports[name].Value;

    public void Dispose() => TempFolder.TryDelete(_root);

    private static Lazy<EventTimeline> Lazy(Func<string> directory) =>
        new(() => EventTimeline.Build(Dataset.Open(directory(), new ValidationReport()), withChannels: false));

    private string Generated(GeneratorWorld world, int customers)
    {
        var directory = Path.Combine(_root, GeneratorWorlds.NameOf(world));
        new SampleGenerator(new GeneratorOptions { World = world, Customers = customers }).Generate(directory);
        return directory;
    }

    private string Written(string name, Action<string, int, int> write)
    {
        var directory = Path.Combine(_root, name);
        write(directory, 400, 7);
        return directory;
    }
}

public sealed class StageSuggestionTests(ShapeExports exports) : IClassFixture<ShapeExports>
{
    [Theory]
    [InlineData("b2b-saas", "b2b-funnel")]
    [InlineData("sample", "b2b-funnel")]
    [InlineData("small", "b2b-funnel")]
    [InlineData("ja-export", "b2b-funnel")]
    [InlineData("subscription", "b2c-subscription")]
    [InlineData("product-led", "product-led")]
    [InlineData("repeat-purchase", "repeat-purchase")]
    [InlineData("product-led-world", "product-led")]
    [InlineData("retail-world", "repeat-purchase")]
    public void The_suggestion_fits_the_business_and_leaves_no_path_stage_empty(string export, string shape)
    {
        var suggestion = StageSuggestion.Suggest(exports[export]);

        Assert.Equal(shape, suggestion.For.Shape);
        Assert.All(suggestion.Stages, s => Assert.False(string.IsNullOrWhiteSpace(s.Why), $"{s.Name} has no why"));
        var path = suggestion.Stages.Where(s => s.Kind == "path").ToList();
        Assert.True(path.Count >= 3, $"only {path.Count} path stages: {string.Join(", ", path.Select(s => s.Name))}");
        // Every path stage has someone in it at the as-of date, or (the entry stage only) says why it is kept.
        Assert.All(path.Skip(1), s => Assert.True(suggestion.CustomersNow.GetValueOrDefault(s.Name) > 0 || s.Why!.Contains("so it stays", StringComparison.Ordinal), $"{s.Name} is empty"));
        Assert.True(suggestion.CustomersNow.GetValueOrDefault(path[0].Name) > 0 || path[0].Why!.Contains("Nobody is in it", StringComparison.Ordinal));
        // Every stage the shape left out is listed with why.
        Assert.All(suggestion.For.LeftOut, l => Assert.Contains(": ", l));
    }

    [Theory]
    [InlineData("subscription")]
    [InlineData("repeat-purchase")]
    [InlineData("sample")]
    public void The_same_data_gives_the_same_file_and_the_file_reads_back_with_its_whys(string export)
    {
        var json = StageSuggestion.Suggest(exports[export]).ToJson();

        Assert.Equal(json, StageSuggestion.Suggest(exports[export]).ToJson());
        var model = StageModel.Parse(json, "stages.json", new StageSignals([.. FeatureNames.Definitions.Select(d => d.Name)]) { AtRisk = AtRiskTests.Cut(0.3) });
        var suggestion = StageSuggestion.Suggest(exports[export]);
        Assert.Equal(suggestion.Stages.Select(s => s.Name), model.Names);
        Assert.Equal(suggestion.Stages.Select(s => s.Why), model.Path.Concat(model.OffPath).Select(s => s.Why));
        Assert.NotNull(model.Suggested);
        Assert.StartsWith("stages.json: suggested for", model.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void The_subscription_world_no_longer_puts_long_standing_subscribers_in_onboarding()
    {
        var events = exports["subscription"];
        var table = events.FeaturesAt(events.Dataset.DataAsOf);
        var features = new StageSignals([.. table.Columns.Select(c => c.Name)]) { HasChurnRisk = false, HasLeadScore = false };
        var tenure = table.Numbers(FeatureNames.DaysAsCustomer);
        var yearPlus = Enumerable.Range(0, table.RowCount).Where(r => tenure[r] >= 365).ToList();
        Assert.True(yearPlus.Count >= 20, $"only {yearPlus.Count} subscribers of a year or more");

        string[] Stages(StageModel model)
        {
            var none = Enumerable.Repeat(float.NaN, table.RowCount).ToArray();
            return StageModel.AssignAll(model, table, table.Status!, none, none);
        }
        // The B2B default leaves its lead funnel empty here (no MQL, SQL or Opportunity in a subscription business).
        var byDefault = Stages(StageModel.Default(features));
        Assert.True(StageModel.Default(features).Path.Skip(1).Count(s => !byDefault.Contains(s.Name)) >= 3);
        var suggested = StageModel.Parse(StageSuggestion.Suggest(events).ToJson(), "stages.json", features);
        var firstPaying = suggested.Path.First(s => s.When.Any(rule => rule.Any(c => c.Signal == "status" && c.Value.GetString() == "customer"))).Name;
        var stages = Stages(suggested);
        Assert.All(suggested.Path.Skip(1), s => Assert.True(stages.Contains(s.Name) || s.Why!.Contains("so it stays", StringComparison.Ordinal), s.Name));
        Assert.DoesNotContain(yearPlus, r => stages[r] == firstPaying);
        // The export spans 15 months, so its longest-standing subscribers are past the Loyal cut, and every one of them is Loyal (or Dormant).
        double loyal = suggested.Path.Single(s => s.Name == "Loyal").When[0].Single(c => c.Signal == FeatureNames.DaysAsCustomer).Value.GetDouble();
        var longest = yearPlus.Where(r => tenure[r] >= loyal).ToList();
        Assert.True(longest.Count >= 20, $"{longest.Count} subscribers past {loyal} days");
        Assert.All(longest, r => Assert.Contains(stages[r], new[] { "Loyal", "Dormant" }));
    }

    [Theory]
    [InlineData("product-led-world")]
    [InlineData("retail-world")]
    public void On_the_generated_worlds_every_rule_reads_a_signal_the_export_has_and_the_whys_fit_the_business(string export)
    {
        var timeline = exports[export];
        var suggestion = StageSuggestion.Suggest(timeline);
        var columns = timeline.FeaturesAt(timeline.Dataset.DataAsOf).Columns.Select(c => c.Name).Concat(["status", "churn_risk", "lead_score"]).ToHashSet();
        foreach (var stage in suggestion.Stages)
        {
            foreach (var condition in stage.When.Concat(stage.Stay ?? []).SelectMany(rule => rule))
            {
                Assert.Contains(condition.Signal, columns);
            }
            // Neither business has a sales funnel: no why speaks of one.
            Assert.DoesNotContain("sales touch", stage.Why, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("MQL", stage.Why, StringComparison.Ordinal);
        }
        var byName = suggestion.Stages.ToDictionary(s => s.Name);
        if (export == "product-led-world")
        {
            // A trial is product use (sessions), not newsletters opened; a team member uses the product too.
            Assert.Equal(FeatureNames.Logins30d, byName["Activated"].When[0][1].Signal);
            Assert.Contains("session_started", byName["Trial"].Why, StringComparison.Ordinal);
            Assert.Contains(byName["Team"].When[0], c => c.Signal == FeatureNames.Logins30d);
            Assert.Contains("downgraded_to_free", byName["Churned"].Why, StringComparison.Ordinal);
        }
        else
        {
            // Orders are counted; churn is the retailer's lapse, not a cancellation.
            Assert.Contains(byName["Returning"].When[0], c => c.Signal == FeatureNames.Purchases90d);
            Assert.Contains(byName["Loyal"].When[0], c => c.Signal == FeatureNames.Purchases90d);
            Assert.StartsWith("Lapsed, as the export records it", byName["Churned"].Why, StringComparison.Ordinal);
            Assert.DoesNotContain("ancel", byName["Churned"].Why!.Replace("no cancellation events", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains(suggestion.For.LeftOut, l => l.StartsWith("Lapsed: the export records its own lapses", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void On_a_retailer_without_its_own_lapses_lapsed_is_a_silence_in_orders()
    {
        // The hand-built retail export records no churn: Lapsed reads the days since the last purchase, not the last visit.
        var suggestion = StageSuggestion.Suggest(exports["repeat-purchase"]);
        var lapsed = suggestion.Stages.Single(s => s.Name == "Lapsed");
        Assert.Equal(FeatureNames.DaysSinceLastPurchase, lapsed.When[0][0].Signal);
        Assert.True(lapsed.When[0][0].Value.GetDouble() >= 90);
    }

    [Fact]
    public void Thresholds_come_from_the_data_and_say_so()
    {
        var subscription = StageSuggestion.Suggest(exports["subscription"]);
        var loyal = subscription.Stages.Single(s => s.Name == "Loyal");
        Assert.Contains("p75 of days as a customer", loyal.Why, StringComparison.Ordinal);
        double cut = loyal.When[0].Single(c => c.Signal == FeatureNames.DaysAsCustomer).Value.GetDouble();
        Assert.Contains($"{cut:0} days as a customer", loyal.Why, StringComparison.Ordinal);

        var sample = StageSuggestion.Suggest(exports["sample"]);
        var adoption = sample.Stages.Single(s => s.Name == "Adoption");
        Assert.Contains("the median days from the first purchase to the", adoption.Why, StringComparison.Ordinal);
        Assert.Contains("over", adoption.Why, StringComparison.Ordinal);

        var retail = StageSuggestion.Suggest(exports["repeat-purchase"]);
        Assert.Contains("gap between two purchases", retail.Stages.Single(s => s.Name == "Returning").Why, StringComparison.Ordinal);
        Assert.DoesNotContain(retail.Stages, s => s.Name == "Churned"); // a retailer records no churn: a long silence is Lapsed
        Assert.Contains(retail.For.LeftOut, l => l.StartsWith("Churned: the export records no churned customer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_japanese_export_keeps_english_stage_names_and_names_its_own_events_in_the_whys()
    {
        var suggestion = StageSuggestion.Suggest(exports["ja-export"]);

        Assert.Contains("フォーム送信", suggestion.For.Why, StringComparison.Ordinal);
        Assert.Contains(suggestion.Stages, s => s.Why!.Contains("解約", StringComparison.Ordinal));
        Assert.All(suggestion.Stages, s => Assert.True(s.Name.All(char.IsAscii), s.Name));
        // The file keeps the Japanese readable, not as \u escapes.
        var json = suggestion.ToJson();
        Assert.Contains("フォーム送信", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_names_and_whys_may_be_japanese_and_a_config_without_whys_still_reads()
    {
        const string json = """
            { "stages": [
                { "name": "認知", "why": "登録した全員" },
                { "name": "顧客", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ], "why": "契約中" },
                { "name": "解約", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] } ] }
            """;
        var model = StageModel.Parse(json, "stages.json", [.. FeatureNames.Definitions.Select(d => d.Name)]);

        Assert.Equal(["認知", "顧客", "解約"], model.Names);
        Assert.Equal(["登録した全員", "契約中", null], model.Path.Concat(model.OffPath).Select(s => s.Why));
        Assert.Null(model.Suggested);
        Assert.Equal("顧客", model.StageOf(_ => float.NaN, "customer"));
    }
}
