using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Tests.Stages;

public sealed class StageModelTests
{
    private static readonly string[] s_features = [.. FeatureNames.Definitions.Select(d => d.Name)];

    private static string StageOf(StageModel model, string status, params (string Signal, float Value)[] signals)
    {
        var values = signals.ToDictionary(s => s.Signal, s => s.Value);
        return model.StageOf(s => values.TryGetValue(s, out var v) ? v : 0, status);
    }

    [Fact]
    public void The_default_stages_place_customers_as_a_b2b_saas_team_would()
    {
        var model = StageModel.Default(new StageSignals(s_features) { AtRisk = AtRiskTests.Cut(0.3) });
        Assert.Equal(["Awareness", "Interest", "MQL", "SQL", "Opportunity", "Customer-Onboarding", "Adoption", "Renewal/Expansion", "Churned", "Dormant", "At-risk"], model.Names);
        Assert.Equal("Awareness", StageOf(model, "lead"));
        Assert.Equal("Interest", StageOf(model, "lead", ("content_90d", 5)));
        Assert.Equal("MQL", StageOf(model, "lead", ("content_90d", 5), ("pricing_views_14d", 3)));
        Assert.Equal("MQL", StageOf(model, "lead", ("lead_score", 0.7f)));
        Assert.Equal("Opportunity", StageOf(model, "lead", ("sales_touches_90d", 4), ("lead_score", 0.7f)));
        // A nurture lead's month of reading, with the odd webinar and download, is not marketing-qualified.
        Assert.Equal("Interest", StageOf(model, "lead", ("content_90d", 30), ("content_30d", 8), ("webinars_90d", 1), ("downloads_90d", 1)));
        Assert.Equal("Interest", StageOf(model, "lead", ("content_90d", 30), ("content_30d", 12)));
        Assert.Equal("MQL", StageOf(model, "lead", ("content_90d", 30), ("content_30d", 10), ("webinars_90d", 1), ("downloads_90d", 1)));
        Assert.Equal("Customer-Onboarding", StageOf(model, "customer", ("days_as_customer", 20), ("logins_30d", 12)));
        Assert.Equal("Adoption", StageOf(model, "customer", ("days_as_customer", 100), ("logins_30d", 12)));
        // Active days (the evaluation's reading before the purchase among them) without logins are not adoption.
        Assert.Equal("Customer-Onboarding", StageOf(model, "customer", ("days_as_customer", 40), ("active_days_90d", 30)));
        Assert.Equal("Renewal/Expansion", StageOf(model, "customer", ("days_as_customer", 400), ("logins_30d", 12)));
        Assert.Equal("At-risk", StageOf(model, "customer", ("days_as_customer", 100), ("logins_30d", 12), ("churn_risk", 0.55f)));
        Assert.Equal("Dormant", StageOf(model, "customer", ("days_since_last_activity", 120)));
        Assert.Equal("Churned", StageOf(model, "churned", ("churn_risk", 0.9f)));
    }

    [Theory]
    [InlineData("""{ "stages": [ { "name": "A" }, { "name": "B", "when": [ [ { "signal": "logins_per_day", "op": ">=", "value": 1 } ] ] } ] }""", "stages[1] 'B', rule 1 (logins_per_day >= 1): unknown signal 'logins_per_day'")]
    [InlineData("""{ "stages": [ { "name": "A" }, { "name": "B", "when": [ [ { "signal": "logins_30d", "op": "=>", "value": 1 } ] ] } ] }""", "unknown comparison '=>'")]
    [InlineData("""{ "stages": [ { "name": "A" }, { "name": "a" } ] }""", "stages[1] 'a': the name is used twice")]
    [InlineData("""{ "stages": [ { "name": "A" }, { "name": "Gone", "kind": "off-path" } ] }""", "an off-path stage needs a rule")]
    [InlineData("""{ "stages": [ { "name": "A" }, { "name": "Risky", "kind": "off-path", "when": [ [ { "signal": "churn_risk", "op": ">=", "value": 40 } ] ] } ] }""", "scores are probabilities between 0 and 1")]
    [InlineData("""{ "stages": [ { "name": "A", "kind": "sideways" } ] }""", "kind must be 'path' or 'off-path'")]
    [InlineData("""{ "stages": [ { "name": "A", "colour": "red" } ] }""", "not a valid stage config")]
    [InlineData("""{ "stages": [] }""", "names no stages")]
    public void Invalid_stage_configs_are_rejected_at_load_with_the_rule_and_the_reason(string json, string expected)
    {
        var ex = Assert.Throws<DataFileException>(() => StageModel.Parse(json, "stages.json", s_features));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("stages.json", ex.Message);
    }

    [Fact]
    public void A_business_names_its_own_stages()
    {
        var model = StageModel.Parse("""
            { "stages": [
                { "name": "Visitor" },
                { "name": "Trialist", "when": [ [ { "signal": "logins_30d", "op": ">=", "value": 1 }, { "signal": "status", "op": "==", "value": "lead" } ] ] },
                { "name": "Paying", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
                { "name": "Silent", "kind": "off-path", "when": [ [ { "signal": "days_since_last_login", "op": ">", "value": 30 } ] ] } ] }
            """, "stages.json", s_features);
        Assert.Equal("Trialist", StageOf(model, "lead", ("logins_30d", 3)));
        Assert.Equal("Paying", StageOf(model, "customer", ("logins_30d", 3)));
        Assert.Equal("Silent", StageOf(model, "customer", ("days_since_last_login", 45)));
        // Unknown (missing) signals are never evidence: a customer who never logged in is not "Silent" by this rule.
        Assert.Equal("Paying", model.StageOf(s => s == "days_since_last_login" ? float.NaN : 0, "customer"));
    }

    [Fact]
    public void A_stage_reads_in_words_as_its_rules_are_written()
    {
        var model = StageModel.Default(s_features);
        Assert.Equal("always (the entry stage)", StageModel.Describe(model.Path[0]));
        var mql = model.Path.Single(s => s.Name == "MQL");
        Assert.Equal("lead_score >= 0.6, or pricing_views_14d >= 3, or webinars_90d >= 1 and downloads_90d >= 1 and content_30d >= 10, or content_30d >= 14 and status == lead",
            StageModel.Describe(mql));
        Assert.Equal("stays while lead_score >= 0.4, or content_30d >= 6", StageModel.DescribeExit(mql));
        var churned = model.OffPath.Single(s => s.Name == "Churned");
        Assert.Equal("status == churned", StageModel.Describe(churned));
        Assert.Null(StageModel.DescribeExit(churned));
        var withCut = StageModel.Default(new StageSignals(s_features) { AtRisk = AtRiskTests.Cut(0.3) });
        Assert.Equal("for at least 28 days", StageModel.DescribeExit(withCut.OffPath.Single(s => s.Name == "At-risk")));
    }

    [Fact]
    public void On_a_table_without_the_signals_the_rules_read_the_rules_are_left_out_and_no_one_is_put_in_the_entry_stage()
    {
        string[] telco = ["gender", "tenure", "Contract", "MonthlyCharges", "TotalCharges"];
        var model = StageModel.Default(new StageSignals(telco) { HasStatus = false, HasLeadScore = false, AtRisk = AtRiskTests.Cut(0.4) });

        Assert.False(model.PathAvailable);
        Assert.True(model.Available);
        Assert.Equal(["Awareness", "At-risk"], model.Names);
        Assert.Equal(StageModel.Unavailable, StageOf(model, "customer", ("churn_risk", 0.1f), ("tenure", 3)));
        Assert.Equal("At-risk", StageOf(model, "customer", ("churn_risk", 0.7f)));
        var notes = string.Join("\n", model.Notes());
        Assert.Contains("Interest (content_90d)", notes);
        Assert.Contains("Churned (status: no status column)", notes);
        Assert.Contains("Dormant (days_since_last_activity)", notes);
        Assert.Contains("path stages unavailable", notes);
        Assert.Contains(model.LeftOut, l => l is { Stage: "MQL", Rule: 1, WholeStage: true } && l.Missing.SequenceEqual(["lead_score"]));

        // Without a churn model either, no rule can apply: stages are unavailable, not everyone in Awareness.
        var none = StageModel.Default(new StageSignals(telco) { HasStatus = false, HasLeadScore = false, HasChurnRisk = false });
        Assert.False(none.Available);
        Assert.Equal(StageModel.Unavailable, StageOf(none, "customer", ("churn_risk", 0.9f)));
        Assert.Contains(none.Notes(), n => n.StartsWith("stages unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_missing_one_signal_is_left_out_and_the_stage_keeps_its_other_rules()
    {
        // Single-contact or product-led data: no pricing-page feature, no account roll-ups.
        var features = s_features.Where(f => f is not ("pricing_views_14d" or "account_engaged_roles_30d")).ToArray();
        var cut = AtRiskTests.Cut(0.4);
        var model = StageModel.Default(new StageSignals(features) { AtRisk = cut });
        Assert.True(model.PathAvailable);
        Assert.Equal(StageModel.Default(new StageSignals(s_features) { AtRisk = cut }).Names, model.Names);
        var rule = Assert.Single(model.LeftOut);
        Assert.Equal(("MQL", 2, false), (rule.Stage, rule.Rule, rule.WholeStage));
        Assert.Equal("stage MQL: rule 2 left out (the data lacks pricing_views_14d); its other rules apply", Assert.Single(model.Notes()));
        Assert.Equal("MQL", StageOf(model, "lead", ("content_90d", 5), ("lead_score", 0.7f)));
        Assert.Equal("Interest", StageOf(model, "lead", ("content_90d", 5), ("pricing_views_14d", 9)));

        // A business's own config: its user-named column is a signal where the table has it, and a misspelling stays an error.
        const string Own = """{ "stages": [ { "name": "New" }, { "name": "Big spender", "when": [ [ { "signal": "MonthlyCharges", "op": ">=", "value": 80 } ] ] } ] }""";
        Assert.Equal("Big spender", StageOf(StageModel.Parse(Own, "stages.json", ["MonthlyCharges"]), "customer", ("MonthlyCharges", 95)));
        var ex = Assert.Throws<DataFileException>(() => StageModel.Parse(Own, "stages.json", ["tenure"]));
        Assert.Contains("unknown signal 'MonthlyCharges'", ex.Message);
    }
}
