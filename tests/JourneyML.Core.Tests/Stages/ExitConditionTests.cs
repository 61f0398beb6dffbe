using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Tests.Stages;

/// <summary>Exit conditions (stay rules) and minimum stays: a customer leaves a stage because something changed, not because a window slid.</summary>
public sealed class ExitConditionTests
{
    private static readonly string[] s_features = [.. FeatureNames.Definitions.Select(d => d.Name)];

    private const string Stages = """
        { "stages": [
            { "name": "Visitor" },
            { "name": "Qualified", "when": [ [ { "signal": "sales_touches_90d", "op": ">=", "value": 2 } ] ],
              "stay": [ [ { "signal": "content_30d", "op": ">=", "value": 8 } ] ] },
            { "name": "Customer", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
            { "name": "Gone", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] },
            { "name": "Quiet", "kind": "off-path", "when": [ [ { "signal": "days_since_last_activity", "op": ">=", "value": 60 } ] ], "minDays": 28 }
        ] }
        """;

    private static string StageOf(StageModel model, string status, string? current, double daysIn, params (string Signal, float Value)[] signals)
    {
        var values = signals.ToDictionary(s => s.Signal, s => s.Value);
        return model.StageOf(s => values.TryGetValue(s, out var v) ? v : 0, status, current, daysIn);
    }

    [Fact]
    public void A_stay_rule_keeps_a_customer_who_is_in_the_stage_and_admits_no_one_new()
    {
        var model = StageModel.Parse(Stages, "stages.json", s_features);
        // The sales touches slid out of the window, the engagement goes on: still qualified.
        Assert.Equal("Qualified", StageOf(model, "lead", "Qualified", 70, ("content_30d", 10)));
        // The same signals for someone not yet qualified: the entry rule decides.
        Assert.Equal("Visitor", StageOf(model, "lead", "Visitor", 70, ("content_30d", 10)));
        Assert.Equal("Visitor", StageOf(model, "lead", null, 0, ("content_30d", 10)));
        // Engagement stopped too: now they leave.
        Assert.Equal("Visitor", StageOf(model, "lead", "Qualified", 70, ("content_30d", 2)));
        // A real change still moves them on, and an off-path stage still takes them.
        Assert.Equal("Customer", StageOf(model, "customer", "Qualified", 70, ("content_30d", 10)));
        Assert.Equal("Gone", StageOf(model, "churned", "Qualified", 70, ("content_30d", 10)));
    }

    [Fact]
    public void A_minimum_stay_holds_a_customer_for_its_days_then_the_rules_decide()
    {
        var model = StageModel.Parse(Stages, "stages.json", s_features);
        Assert.Equal("Quiet", StageOf(model, "customer", null, 0, ("days_since_last_activity", 61)));
        // Active again a week later: the minimum stay keeps them Quiet until day 28.
        Assert.Equal("Quiet", StageOf(model, "customer", "Quiet", 21, ("days_since_last_activity", 1)));
        Assert.Equal("Customer", StageOf(model, "customer", "Quiet", 28, ("days_since_last_activity", 1)));
        // An off-path stage before it in the order still takes them.
        Assert.Equal("Gone", StageOf(model, "churned", "Quiet", 7, ("days_since_last_activity", 1)));
    }

    [Fact]
    public void Without_stay_rules_or_minimum_stays_the_previous_stage_changes_nothing()
    {
        var plain = StageModel.Parse(Stages, "stages.json", s_features).WithoutExitConditions();
        Assert.False(plain.HasHysteresis);
        Assert.True(StageModel.Default(s_features).HasHysteresis);
        foreach (var current in new[] { null, "Visitor", "Qualified", "Quiet" })
        {
            Assert.Equal("Visitor", StageOf(plain, "lead", current, 3, ("content_30d", 10)));
            Assert.Equal("Customer", StageOf(plain, "customer", current, 3, ("days_since_last_activity", 1)));
        }
    }

    [Theory]
    [InlineData("""{ "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ], "minDays": -3 }""", "stages[1] 'Q', minDays: a number of days from 0 to 3650, not -3")]
    [InlineData("""{ "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ], "stay": [] }""", "stages[1] 'Q', stay: give at least one rule")]
    [InlineData("""{ "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ], "stay": [ [ { "signal": "contnet_30d", "op": ">=", "value": 1 } ] ] }""", "stages[1] 'Q', stay rule 1 (contnet_30d >= 1): unknown signal 'contnet_30d'")]
    [InlineData("""{ "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ], "stay": [ [ { "signal": "content_30d", "op": "=>", "value": 1 } ] ] }""", "stages[1] 'Q', stay rule 1 (content_30d => 1): unknown comparison '=>'")]
    [InlineData("""{ "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ], "stay": [ [ ] ] }""", "stages[1] 'Q', stay rule 1: a rule needs at least one condition")]
    [InlineData("""{ "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ], "minDays": "four weeks" }""", "not a valid stage config at 'stages[1].minDays'")]
    public void A_bad_exit_condition_is_refused_naming_the_stage_and_the_field(string stage, string message)
    {
        var json = $$"""{ "stages": [ { "name": "Visitor" }, {{stage}} ] }""";
        var error = Assert.Throws<DataFileException>(() => StageModel.Parse(json, "stages.json", s_features));
        Assert.Contains(message, error.Message);
        Assert.Contains("stages.json", error.Message);
    }

    [Fact]
    public void The_entry_stage_takes_no_exit_condition()
    {
        const string json = """{ "stages": [ { "name": "Visitor", "minDays": 7 }, { "name": "Q", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 1 } ] ] } ] }""";
        Assert.Contains("stages[0] 'Visitor', minDays: the entry stage", Assert.Throws<DataFileException>(() => StageModel.Parse(json, "stages.json", s_features)).Message);
    }

    [Fact]
    public void A_stay_rule_the_data_cannot_evaluate_is_left_out_and_said_and_the_entry_rules_keep_customers()
    {
        const string json = """
            { "stages": [ { "name": "Visitor" },
              { "name": "Hot", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 5 } ] ],
                "stay": [ [ { "signal": "lead_score", "op": ">=", "value": 0.3 } ] ] } ] }
            """;
        var model = StageModel.Parse(json, "stages.json", new StageSignals(s_features) { HasLeadScore = false });
        Assert.Contains(model.Notes(), n => n.Contains("stage Hot: stay rule 1 left out", StringComparison.Ordinal) && n.Contains("lead_score", StringComparison.Ordinal));
        Assert.Equal("Hot", StageOf(model, "lead", "Hot", 7, ("content_30d", 5)));
        Assert.Equal("Visitor", StageOf(model, "lead", "Hot", 7, ("content_30d", 4)));
    }

    [Fact]
    public void A_stages_file_without_exit_conditions_reads_as_before()
    {
        const string json = """{ "stages": [ { "name": "Visitor" }, { "name": "Reader", "when": [ [ { "signal": "content_30d", "op": ">=", "value": 3 } ] ] } ] }""";
        var model = StageModel.Parse(json, "stages.json", s_features);
        Assert.False(model.HasHysteresis);
        Assert.Equal("Visitor", StageOf(model, "lead", "Reader", 200, ("content_30d", 2)));
    }
}
