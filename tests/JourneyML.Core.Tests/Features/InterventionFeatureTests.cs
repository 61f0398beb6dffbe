using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Features;

public sealed class InterventionFeatureTests
{
    private static readonly DateTime SignedUp = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime AsOf = TestExport.AsOf;

    private static string Export(TestExport export)
    {
        export.Customer("c1", SignedUp).Customer("c2", SignedUp).Customer("c3", SignedUp);
        foreach (var id in new[] { "c1", "c2", "c3" })
        {
            export.Event(id, AsOf.AddDays(-20), "login").Event(id, AsOf.AddDays(-3), "ticket_opened").Event(id, AsOf.AddDays(5), "login");
        }
        return export.Write();
    }

    private static FeatureTable Features(string dir) =>
        BehaviourFeatures.Build(Dataset.Open(dir, new ValidationReport()), new FeatureOptions { AsOf = AsOf }).Table;

    private static void Interventions(string dir, params string[] rows) =>
        File.WriteAllLines(Path.Combine(dir, "interventions.csv"), ["customer_id,occurred_at,kind,campaign,arm", .. rows]);

    [Fact]
    public void Only_interventions_strictly_before_the_as_of_date_and_not_on_a_control_arm_count()
    {
        using var export = new TestExport();
        var dir = Export(export);
        Interventions(dir,
            $"c1,{TestExport.Iso(AsOf.AddDays(-100))},cs_call,,",
            $"c1,{TestExport.Iso(AsOf.AddDays(-10))},cs_call,,",
            $"c1,{TestExport.Iso(AsOf)},cs_call,,",
            $"c2,{TestExport.Iso(AsOf.AddDays(3))},cs_call,,",
            $"c3,{TestExport.Iso(AsOf.AddDays(-5))},cs_call,spring,control");
        var table = Features(dir);
        var days = table.Numbers(InterventionFeatures.DaysSince("cs_call"));
        var counts = table.Numbers(InterventionFeatures.Count90d("cs_call"));
        int c1 = Array.IndexOf(table.CustomerIds, "c1"), c2 = Array.IndexOf(table.CustomerIds, "c2"), c3 = Array.IndexOf(table.CustomerIds, "c3");
        Assert.Equal(10f, days[c1], 3);
        Assert.Equal(1f, counts[c1]);
        Assert.True(float.IsNaN(days[c2]));
        Assert.Equal(0f, counts[c2]);
        // A control-arm row says who was held back: nothing was done to c3.
        Assert.True(float.IsNaN(days[c3]));
        Assert.Equal(0f, counts[c3]);
    }

    [Fact]
    public void An_interventions_table_only_adds_its_own_columns_and_without_one_the_table_is_unchanged()
    {
        using var plain = new TestExport();
        using var withTable = new TestExport();
        var before = Features(Export(plain));
        var dir = Export(withTable);
        Interventions(dir, $"c1,{TestExport.Iso(AsOf.AddDays(-10))},電話,,", $"c2,{TestExport.Iso(AsOf.AddDays(-30))},discount,,");
        var after = Features(dir);
        Assert.DoesNotContain(before.Columns, c => InterventionFeatures.TryParse(c.Name, out _, out _));
        Assert.Equal(before.Columns.Select(c => c.Name), after.Columns.Select(c => c.Name).Where(n => !InterventionFeatures.TryParse(n, out _, out _)));
        foreach (var column in before.Columns.OfType<NumericColumn>())
        {
            Assert.Equal(column.Values, after.Numbers(column.Name));
        }
        Assert.Equal(
            [InterventionFeatures.DaysSince("discount"), InterventionFeatures.Count90d("discount"), InterventionFeatures.DaysSince("電話"), InterventionFeatures.Count90d("電話")],
            after.Columns.Select(c => c.Name).Where(n => InterventionFeatures.TryParse(n, out _, out _)));
    }

    [Fact]
    public void Intervention_reasons_read_in_words_with_the_kind_as_written()
    {
        using var export = new TestExport();
        var dir = Export(export);
        Interventions(dir, $"c1,{TestExport.Iso(AsOf.AddDays(-12.5))},電話,,", $"c1,{TestExport.Iso(AsOf.AddDays(-40))},電話,,");
        var table = Features(dir);
        int c1 = Array.IndexOf(table.CustomerIds, "c1"), c2 = Array.IndexOf(table.CustomerIds, "c2");
        Assert.Equal("last '電話' intervention 12 days ago", FactorText.Describe(table, c1, InterventionFeatures.DaysSince("電話")));
        Assert.Equal("2 '電話' interventions in the last 90 days", FactorText.Describe(table, c1, InterventionFeatures.Count90d("電話")));
        Assert.Equal("no '電話' intervention before the as-of date", FactorText.Describe(table, c2, InterventionFeatures.DaysSince("電話")));
        // On a Japanese page the same facts in Japanese, never the feature's code name.
        Assert.Equal("前回の「電話」の実施から12日", FactorText.DescribeJapanese(table, c1, InterventionFeatures.DaysSince("電話")));
        Assert.Equal("直近90日の「電話」の実施 2回", FactorText.DescribeJapanese(table, c1, InterventionFeatures.Count90d("電話")));
        Assert.Equal("基準日までに「電話」の実施なし", FactorText.DescribeJapanese(table, c2, InterventionFeatures.DaysSince("電話")));
    }

    [Fact]
    public void Rolling_timelines_give_the_same_intervention_features_as_the_point_in_time_table_when_a_model_asks_for_them()
    {
        using var export = new TestExport();
        var dir = Export(export);
        Interventions(dir, $"c1,{TestExport.Iso(AsOf.AddDays(-10))},電話,,", $"c2,{TestExport.Iso(AsOf.AddDays(-100))},電話,,", $"c2,{TestExport.Iso(AsOf.AddDays(2))},電話,,");
        var dataset = Dataset.Open(dir, new ValidationReport());
        var asOfTable = Features(dir);
        // What a stage timeline is given: the features the served models read, an intervention feature among them.
        var rolling = new RollingFeatures(EventTimeline.Build(dataset), [FeatureNames.Logins30d, InterventionFeatures.DaysSince("電話"), InterventionFeatures.Count90d("電話")]);
        var table = rolling.Advance(AsOf);
        Assert.Equal(asOfTable.Numbers(InterventionFeatures.DaysSince("電話")), table.Numbers(InterventionFeatures.DaysSince("電話")));
        Assert.Equal(asOfTable.Numbers(InterventionFeatures.Count90d("電話")), table.Numbers(InterventionFeatures.Count90d("電話")));
    }
}
