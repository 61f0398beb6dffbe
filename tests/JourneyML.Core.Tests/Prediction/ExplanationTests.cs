using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;

namespace JourneyML.Core.Tests.Prediction;

[Collection(TrainedModelsCollection.Name)]
public sealed class ExplanationTests(TrainedModels trained)
{
    private FeatureTable Table => trained.Result.Table;
    private BinaryModel Churn => trained.Result.Churn!.Model;

    private int HighestRisk() => Enumerable.Range(0, Table.RowCount).Where(r => Table.Status![r] == CustomerStatus.Customer)
        .OrderByDescending(r => Churn.Predict(Table, [r])[0]).First();

    [Fact]
    public void An_explanation_gives_the_score_and_factors_each_way_strongest_first_in_words()
    {
        int row = HighestRisk();
        var explanation = Explanations.Explain(Churn, Table, row, count: 4);
        Assert.Equal(Table.CustomerIds[row], explanation.CustomerId);
        Assert.Equal(Churn.Predict(Table, [row])[0], explanation.Probability, 5);
        Assert.InRange(explanation.Raising.Count, 1, 4);
        Assert.All(explanation.Raising, f => Assert.True(f.Contribution > 0));
        Assert.All(explanation.Lowering, f => Assert.True(f.Contribution < 0));
        Assert.Equal(explanation.Raising.OrderByDescending(f => f.Contribution), explanation.Raising);
        Assert.Equal(explanation.Lowering.OrderBy(f => f.Contribution), explanation.Lowering);
        Assert.All(explanation.Raising, f => Assert.NotEqual(f.Feature, f.Text));
    }

    [Fact]
    public void A_what_if_row_is_explained_with_its_changed_values()
    {
        int row = HighestRisk();
        var changed = WhatIf.Apply(Table, row, [new FeatureChange("logins_30d", SameAs: "logins_prev_30d")], new ValidationReport());
        var explanation = Explanations.Explain(Churn, changed, 0);
        Assert.Equal(Table.CustomerIds[row], explanation.CustomerId);
        Assert.Equal(Churn.Predict(changed, [0])[0], explanation.Probability, 5);
        Assert.NotEqual(Churn.Predict(Table, [row])[0], explanation.Probability);
    }
}
