using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Features;

public sealed class FeatureSummaryTests
{
    private static FeatureTable Table()
    {
        string[] ids = ["a", "b", "c", "d", "e", "f"];
        return new FeatureTable(ids,
        [
            FeatureColumn.Numeric("logins_30d", "logins", [0, 2, 4, 6, 8, float.NaN]),
            FeatureColumn.Numeric("login_trend", "trend", [0.5f, -1.5f, float.NaN, 0.25f, -2.25f, 1]),
            FeatureColumn.Categorical("plan", "plan", ["pro", "basic", "pro", null, "pro", "basic"]),
        ])
        {
            Labels = new Dictionary<string, float[]>
            {
                [LabelNames.Churn] = [0, 1, 0, float.NaN, 1, float.NaN],
                [LabelNames.Conversion] = [float.NaN, float.NaN, float.NaN, 1, float.NaN, 0],
            },
        };
    }

    [Fact]
    public void Describes_numbers_without_their_missing_values_and_categories_by_the_most_common()
    {
        var stats = FeatureSummary.Describe(Table());
        var logins = stats[0];
        Assert.Equal(1 / 6.0, logins.MissingShare, 9);
        Assert.Equal(4, logins.Mean, 9);
        Assert.Equal(4, logins.Median, 9);
        Assert.Equal(7.2, logins.P90, 9);   // between 6 and 8, 60% of the way
        Assert.Equal(8, logins.Max, 9);
        var plan = stats[2];
        Assert.Equal(FeatureKind.Categorical, plan.Kind);
        Assert.Equal(2, plan.Categories);
        Assert.Equal("pro", plan.MostCommon);
        Assert.Equal(1 / 6.0, plan.MissingShare, 9);
    }

    [Fact]
    public void Outcome_groups_hold_only_labelled_rows_and_means_leave_missing_values_out()
    {
        var table = Table();
        var churn = FeatureSummary.ChurnGroups(table);
        Assert.Equal(["customers who stayed", "customers who churned"], churn.Select(g => g.Name));
        Assert.Equal([0, 2], churn[0].Rows);
        Assert.Equal([1, 4], churn[1].Rows);
        var conversion = FeatureSummary.ConversionGroups(table);
        Assert.Equal([5], conversion[0].Rows);
        Assert.Equal([3], conversion[1].Rows);

        var means = FeatureSummary.MeansByOutcome(table, ["logins_30d", "login_trend"], [.. churn, .. conversion]);
        Assert.Equal([2, 5, double.NaN, 6], means[0].Means);
        Assert.Equal([0.5, -1.875, 1, 0.25], means[1].Means);
    }

    [Fact]
    public void Histogram_shares_sum_to_one_per_group_with_one_bin_per_value_for_small_counts()
    {
        var table = Table();
        var histogram = FeatureHistogram.Build(table["logins_30d"], FeatureSummary.ChurnGroups(table));
        Assert.Equal(1, histogram.BinWidth);
        Assert.Equal(0, histogram.BinStarts[0]);
        Assert.Equal(9, histogram.BinStarts.Length);   // 0..8
        Assert.False(histogram.LastBinOpen);
        Assert.All(histogram.Shares, shares => Assert.Equal(1, shares.Sum(), 9));
        Assert.Equal(0.5, histogram.Shares[1][2]);     // the churned: 2 and 8
        Assert.Equal(0.5, histogram.Shares[1][8]);
    }

    [Fact]
    public void Histogram_of_a_long_tail_puts_the_extremes_in_an_open_last_bin()
    {
        var values = Enumerable.Range(0, 1000).Select(i => i < 995 ? i / 10f : 10_000f).ToArray();
        var column = FeatureColumn.Numeric("minutes", "minutes", values);
        var all = new OutcomeGroup("everyone", [.. Enumerable.Range(0, values.Length)]);
        var histogram = FeatureHistogram.Build(column, [all], bins: 10);
        Assert.True(histogram.LastBinOpen);
        Assert.Equal(10, histogram.BinStarts.Length);
        Assert.True(histogram.BinStarts[^1] + histogram.BinWidth < 200, "bins stop near the 99th percentile, not at the maximum");
        Assert.Equal(1, histogram.Shares[0].Sum(), 9);
        Assert.True(histogram.Shares[0][^1] >= 0.005);
    }
}
