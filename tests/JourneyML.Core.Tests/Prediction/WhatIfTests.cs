using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

[Collection(TrainedModelsCollection.Name)]
public sealed class WhatIfTests(TrainedModels trained)
{
    private FeatureTable Table => trained.Result.Table;
    private BinaryModel Churn => trained.Result.Churn!.Model;

    private int[] Customers() => [.. Enumerable.Range(0, Table.RowCount).Where(r => Table.Status![r] == CustomerStatus.Customer)];

    [Fact]
    public void Changing_nothing_changes_no_score_and_the_original_table_is_left_as_it_was()
    {
        int row = Customers()[0];
        var before = Table["logins_30d"].Numbers![row];
        var same = WhatIf.Predict(Churn, Table, row, new Dictionary<string, float>());
        Assert.Equal(same.Before, same.After);

        var changed = WhatIf.Predict(Churn, Table, row, new Dictionary<string, float> { ["logins_30d"] = before + 50 });
        Assert.Equal(before, Table["logins_30d"].Numbers![row]);
        Assert.Equal(before + 50, changed.Changed["logins_30d"].Numbers![0]);
        Assert.Equal(Table.CustomerIds[row], changed.Changed.CustomerIds.Single());
        Assert.Equal(Table["plan"].Categories![row], changed.Changed["plan"].Categories![0]);
    }

    [Fact]
    public void Giving_a_customer_another_customers_numbers_gives_them_that_customers_score()
    {
        var rows = Customers();
        var categorical = Table.Columns.Where(c => c.Kind == FeatureKind.Categorical).ToList();
        var high = rows.OrderByDescending(r => Churn.Predict(Table, [r])[0]).First();
        // A low-risk customer with the same plan, role and region: only the numbers differ.
        var low = rows.Where(r => r != high && categorical.All(c => c.Categories![r] == c.Categories![high]))
            .OrderBy(r => Churn.Predict(Table, [r])[0]).First();
        var numbers = Table.Columns.Where(c => c.Kind == FeatureKind.Numeric).ToDictionary(c => c.Name, c => c.Numbers![low]);

        var result = WhatIf.Predict(Churn, Table, high, numbers);

        Assert.Equal(Churn.Predict(Table, [low])[0], result.After, 5);
        Assert.True(result.Difference < 0, $"risk {result.Before:0.000} -> {result.After:0.000}");
    }

    [Fact]
    public void Unknown_or_categorical_features_cannot_be_changed()
    {
        Assert.Throws<ArgumentException>(() => WhatIf.Apply(Table, 0, new Dictionary<string, float> { ["no_such_feature"] = 1 }));
        Assert.Throws<ArgumentException>(() => WhatIf.Apply(Table, 0, new Dictionary<string, float> { ["plan"] = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => WhatIf.Apply(Table, Table.RowCount, new Dictionary<string, float>()));
    }

    [Fact]
    public void An_explanation_gives_the_score_and_factors_each_way_strongest_first()
    {
        int row = Customers().OrderByDescending(r => Churn.Predict(Table, [r])[0]).First();
        var explanation = WhatIf.Explain(Churn, Table, row, count: 4);
        Assert.Equal(Churn.Predict(Table, [row])[0], explanation.Probability, 5);
        Assert.NotEmpty(explanation.Raising);
        Assert.InRange(explanation.Raising.Count, 1, 4);
        Assert.All(explanation.Raising, f => Assert.True(f.Contribution > 0));
        Assert.All(explanation.Lowering, f => Assert.True(f.Contribution < 0));
        Assert.Equal(explanation.Raising.OrderByDescending(f => f.Contribution), explanation.Raising);
        Assert.All(explanation.Raising, f => Assert.DoesNotContain("_", f.Text.Split(' ')[0]));
    }
}
