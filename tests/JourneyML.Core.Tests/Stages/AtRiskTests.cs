using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Tests.Stages;

/// <summary>The At-risk stage's cut: derived from the churn model by default, or a fixed value or the top N from stages.json.</summary>
public sealed class AtRiskTests
{
    private static readonly string[] s_features = [.. FeatureNames.Definitions.Select(d => d.Name)];

    /// <summary>A model cut as training would store it, with holdout percentiles 0.01..0.99 (risk = percentile).</summary>
    internal static AtRiskCut Cut(double threshold) =>
        new("twice-base-rate", threshold, threshold / 2, threshold, 200, 20, 10, 30, [.. Enumerable.Range(1, 99).Select(p => p / 100.0)]);

    private static StageModel Stages(string atRisk, AtRiskCut? cut = null) => StageModel.Parse($$"""
        { "stages": [ { "name": "Lead" }, { "name": "Customer", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
          { "name": "At-risk", "kind": "off-path", "when": [ [ { "signal": "churn_risk", {{atRisk}} } ] ] } ] }
        """, "stages.json", new StageSignals(s_features) { AtRisk = cut, ChurnPopulation = 1000 });

    private static string StageOf(StageModel model, float risk) => model.StageOf(s => s == "churn_risk" ? risk : float.NaN, "customer");

    [Fact]
    public void The_default_at_risk_rule_reads_the_cut_the_model_stored_not_a_fixed_0_4()
    {
        var model = StageModel.Default(new StageSignals(s_features) { AtRisk = Cut(0.25) });
        Assert.Equal("At-risk", StageOf(model, 0.26f));
        Assert.Equal("Awareness", model.StageOf(s => s == "churn_risk" ? 0.24f : float.NaN, "lead"));
        Assert.NotEqual("At-risk", StageOf(model, 0.24f));
        Assert.Contains("churn_risk >= 0.250 (the model's At-risk cut: twice the base rate)", StageModel.Describe(model.OffPath.Single(s => s.Name == "At-risk")));
    }

    [Fact]
    public void Without_a_model_cut_the_at_risk_rule_is_left_out_and_says_why()
    {
        var model = StageModel.Default(s_features);
        Assert.DoesNotContain("At-risk", model.Names);
        Assert.Contains(model.Notes(), n => n.Contains("At-risk") && n.Contains("the churn model records none"));
    }

    [Fact]
    public void A_fixed_value_in_stages_json_still_works()
    {
        var model = Stages("\"op\": \">=\", \"value\": 0.6", Cut(0.2));
        Assert.Equal("Customer", StageOf(model, 0.5f));
        Assert.Equal("At-risk", StageOf(model, 0.6f));
        Assert.Equal("churn_risk >= 0.6", StageModel.Describe(model.OffPath[0]));
    }

    [Fact]
    public void Top_n_lists_the_n_riskiest_of_a_scoring_run_and_reads_the_holdout_where_no_run_is_at_hand()
    {
        var model = Stages("\"top\": 2", Cut(0.2));
        float[] risks = [0.9f, 0.2f, 0.8f, float.NaN, 0.7f];
        var run = model.ForRun(risks);
        Assert.Equal(["At-risk", "Customer", "At-risk", "Customer", "Customer"], risks.Select(r => StageOf(run, r)));
        Assert.Contains("the 2 highest of this run", StageModel.Describe(run.OffPath[0]));
        // A live prediction: the top 100 of the 1,000 paying customers trained on are those above the holdout's 90th percentile.
        var live = Stages("\"top\": 100", Cut(0.2));
        Assert.Equal("At-risk", StageOf(live, 0.91f));
        Assert.Equal("Customer", StageOf(live, 0.89f));
    }

    [Fact]
    public void A_scoring_run_keeps_the_models_cut_so_the_snapshot_and_live_predictions_agree_and_counts_its_list()
    {
        var model = StageModel.Default(new StageSignals(s_features) { AtRisk = Cut(0.4) });
        // A calmer run (mean risk 0.095): the cut stays 0.4, the run says how many it lists and that its mean moved.
        float[] risks = [.. Enumerable.Repeat(0.05f, 90), .. Enumerable.Repeat(0.5f, 10)];
        var run = model.ForRun(risks);
        Assert.NotNull(run.AtRiskRun);
        Assert.Equal(0.4, run.AtRiskRun!.Threshold, 6);
        Assert.Equal(10, run.AtRiskRun.Listed);
        Assert.Equal(0.095, run.AtRiskRun.MeanRisk, 3);
        static float Signals(string s, float risk) => s switch { "churn_risk" => risk, "days_since_last_activity" => 3, _ => float.NaN };
        foreach (var risk in new[] { 0.25f, 0.39f, 0.4f, 0.6f })
        {
            Assert.Equal(model.StageOf(s => Signals(s, risk), "customer"), run.StageOf(s => Signals(s, risk), "customer"));
        }
        Assert.Equal("At-risk", run.StageOf(s => Signals(s, 0.4f), "customer"));
    }

    [Theory]
    [InlineData("\"op\": \">=\", \"value\": \"modle\"", "the value must be a number between 0 and 1, \"model\"")]
    [InlineData("\"op\": \">=\", \"value\": 1.4", "scores are probabilities between 0 and 1")]
    [InlineData("\"top\": 0", "\"top\" must be a number of customers, 1 or more, not 0")]
    [InlineData("\"top\": -3", "1 or more, not -3")]
    [InlineData("\"top\": 10, \"value\": 0.5", "either a value or \"top\", not both")]
    [InlineData("\"op\": \"<\", \"top\": 10", "its comparison is >=, not <")]
    [InlineData("\"op\": \"<=\", \"value\": \"model\"", "compare with >= or >")]
    [InlineData("\"op\": \">=\"", "a value is needed")]
    [InlineData("\"top\": 2.5", "not a valid stage config at 'stages[2].when[0][0].top'")]
    public void Bad_at_risk_values_in_stages_json_get_a_clear_error(string condition, string expected)
    {
        var ex = Assert.Throws<DataFileException>(() => Stages(condition, Cut(0.2)));
        Assert.StartsWith("stages.json", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Top_n_and_model_only_apply_to_churn_risk()
    {
        var ex = Assert.Throws<DataFileException>(() => StageModel.Parse("""
            { "stages": [ { "name": "Lead" }, { "name": "MQL", "when": [ [ { "signal": "lead_score", "top": 50 } ] ] } ] }
            """, "stages.json", s_features));
        Assert.Contains("stages[1] 'MQL', rule 1 (lead_score >= top 50): \"top\" ranks customers by churn risk", ex.Message);
        ex = Assert.Throws<DataFileException>(() => StageModel.Parse("""
            { "stages": [ { "name": "Lead" }, { "name": "MQL", "when": [ [ { "signal": "lead_score", "op": ">=", "value": "model" } ] ] } ] }
            """, "stages.json", s_features));
        Assert.Contains("lead_score takes a number", ex.Message);
    }

    [Fact]
    public void The_cut_is_twice_the_base_rate_and_its_holdout_figures_carry_wilson_intervals()
    {
        // 100 calibrated customers: 20 churn; 10 have risk 0.6 (6 churn), 90 have risk 0.155 (14 churn).
        var risks = Enumerable.Repeat(0.6f, 10).Concat(Enumerable.Repeat(0.155f, 90)).ToArray();
        var churned = risks.Select((_, i) => i < 6 || (i >= 10 && i < 24) ? 1f : 0f).ToArray();
        var cut = AtRiskCut.Derive(risks, churned);
        Assert.Equal("twice-base-rate", cut.Rule);
        Assert.Equal(0.4, cut.Threshold, 6);
        Assert.Equal((10, 6, 20), (cut.Listed, cut.ListedChurners, cut.Churners));
        Assert.Equal(0.6, cut.Precision, 6);
        Assert.Equal(0.3, cut.Recall, 6);
        Assert.Equal(0.313, cut.PrecisionLow95, 3); // Wilson 6 of 10
        Assert.Equal(0.832, cut.PrecisionHigh95, 3);
        Assert.Contains("precision 60.0% (31.3%-83.2%), recall 30.0%", cut.Describe());
        Assert.Contains("fewer than 30 listed", cut.Describe());
    }

    [Fact]
    public void Risks_squeezed_towards_the_base_rate_still_give_a_list_the_riskiest_five_percent()
    {
        var risks = Enumerable.Range(0, 200).Select(i => 0.15f + i * 0.0005f).ToArray(); // never twice the 20% base rate
        var churned = risks.Select((_, i) => i % 5 == 0 ? 1f : 0f).ToArray();
        var cut = AtRiskCut.Derive(risks, churned);
        Assert.Equal("top-5-percent", cut.Rule);
        Assert.Equal(10, cut.Listed);
        Assert.Contains("the riskiest 5%", cut.Describe());
    }
}
