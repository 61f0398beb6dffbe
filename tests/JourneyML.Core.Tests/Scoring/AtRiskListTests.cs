using JourneyML.Core.Features;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Tests.Prediction;

namespace JourneyML.Core.Tests.Scoring;

/// <summary>The At-risk list a CS lead gets on a generated world: its cut from the model, its size and its precision.</summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class AtRiskListTests(TrainedModels trained)
{
    [Fact]
    public void The_at_risk_cut_is_derived_at_training_and_stored_with_the_model_version()
    {
        var stored = new ModelRegistry(trained.RegistryPath).Find(trained.Result.Metadata.Version)!.AtRisk;
        Assert.NotNull(stored);
        Assert.Equal(trained.Result.Metadata.AtRisk, stored, (a, b) => a!.Threshold == b!.Threshold && a.Listed == b.Listed);
        Assert.NotEqual(0.4, stored!.Threshold, 3);
        Assert.Equal("twice-base-rate", stored.Rule);
        Assert.Equal(2 * stored.BaseRate, stored.Threshold, 6);
        // The holdout figures are the list's own: its precision beats the base rate, with an interval around it.
        Assert.True(stored.Precision > 1.5 * stored.BaseRate, $"holdout precision {stored.Precision:P1} against base rate {stored.BaseRate:P1}");
        Assert.InRange(stored.Precision, stored.PrecisionLow95, stored.PrecisionHigh95);
        Assert.InRange(stored.Recall, stored.RecallLow95, stored.RecallHigh95);
    }

    [Fact]
    public void The_at_risk_list_holds_a_sensible_share_of_the_paying_customers_and_beats_the_base_rate()
    {
        var models = new ModelRegistry(trained.RegistryPath).Load(trained.Result.Metadata.Version);
        var table = trained.Result.Table;
        var snapshot = BatchScoring.Score(table, models, 1);
        var labels = table.Labels[LabelNames.Churn];
        // Judged on the holdout only: customers the model never saw, with their real outcome in the horizon.
        var paying = trained.Result.Churn!.HoldoutRows.Where(r => snapshot.Status[r] == CustomerStatus.Customer && !float.IsNaN(labels[r])).ToArray();
        var listed = paying.Where(r => snapshot.Stage[r] == "At-risk").ToArray();
        double share = (double)listed.Length / paying.Length;
        double baseRate = paying.Average(r => (double)labels[r]);
        double precision = listed.Average(r => (double)labels[r]);
        Assert.InRange(share, 0.03, 0.4);
        Assert.True(precision > 1.5 * baseRate, $"At-risk precision {precision:P1} against base rate {baseRate:P1} ({listed.Length} of {paying.Length} listed)");
    }
}
