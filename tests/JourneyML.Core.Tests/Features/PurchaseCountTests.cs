using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using JourneyML.Core.Tests.SampleData;
using JourneyML.SampleData;

namespace JourneyML.Core.Tests.Features;

/// <summary>A small retail world and a product-led one (with a subscription world beside them), generated once.</summary>
public sealed class PurchaseCountWorlds : IDisposable
{
    public PurchaseCountWorlds()
    {
        Retail = Generate(GeneratorWorld.Retail, 400);
        ProductLed = Generate(GeneratorWorld.ProductLed, 300);
        Subscription = Generate(GeneratorWorld.Subscription, 300);
    }

    public string Root { get; } = TempFolder.Create("purchase-counts");
    public string Retail { get; }
    public string ProductLed { get; }
    public string Subscription { get; }

    public void Dispose() => TempFolder.TryDelete(Root);

    private string Generate(GeneratorWorld world, int customers)
    {
        var directory = Path.Combine(Root, GeneratorWorlds.NameOf(world));
        new SampleGenerator(new GeneratorOptions { World = world, Customers = customers, Seed = 2 }).Generate(directory);
        return directory;
    }
}

/// <summary>purchases_90d and days_since_last_purchase: written where customers order again and again, and only there.</summary>
public sealed class PurchaseCountTests(PurchaseCountWorlds worlds) : IClassFixture<PurchaseCountWorlds>
{
    private static readonly DateTime s_asOf = new GeneratorOptions().ReferenceAsOf;

    [Fact]
    public void On_a_retail_export_the_order_counts_are_the_orders_of_the_last_90_days()
    {
        var dataset = Dataset.Open(worlds.Retail, new ValidationReport());
        var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = s_asOf });
        var counts = table.Numbers(FeatureNames.Purchases90d);
        var since = table.Numbers(FeatureNames.DaysSinceLastPurchase);
        var orders = TableFiles.ReadCsv(Path.Combine(worlds.Retail, "events.csv")).Where(e => e["type"] == "order_placed")
            .Select(e => (Id: e["customer_id"], At: DateTime.Parse(e["occurred_at"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)))
            .Where(o => o.At < s_asOf).ToLookup(o => o.Id, o => o.At);
        for (int r = 0; r < table.RowCount; r++)
        {
            var mine = orders[table.CustomerIds[r]].ToList();
            Assert.Equal(mine.Count(t => t >= s_asOf.AddDays(-90)), counts[r]);
            Assert.Equal(mine.Count == 0 ? float.NaN : (float)(s_asOf - mine.Max()).TotalDays, since[r], 3);
        }
        // Not vacuous: repeat buyers with several orders in 90 days, and buyers silent for months.
        Assert.Contains(counts, v => v >= 3);
        Assert.Contains(since, v => v > 90);
    }

    [Fact]
    public void The_sliding_feature_builder_gives_the_same_order_counts_at_every_date()
    {
        var dataset = Dataset.Open(worlds.Retail, new ValidationReport());
        var rolling = new RollingFeatures(EventTimeline.Build(dataset, withChannels: false));
        for (var date = s_asOf.AddDays(-100); date <= s_asOf; date = date.AddDays(25))
        {
            var slid = rolling.Advance(date);
            var (reference, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = date });
            Assert.Contains(FeatureNames.Purchases90d, slid.Columns.Select(c => c.Name));
            FeatureAssert.SameFeatures(slid, reference, labels: false);
        }
    }

    [Fact]
    public void Exports_whose_customers_buy_once_or_only_again_after_cancelling_keep_their_feature_tables()
    {
        // The committed B2B sample (one purchase per contract), a subscription (a comeback follows a cancellation) and a
        // product-led export (an upgrade again after a downgrade to free) hold purchases, but no repeat orders.
        foreach (var directory in new[] { Samples.Sample, worlds.Subscription, worlds.ProductLed })
        {
            var dataset = Dataset.Open(directory, new ValidationReport());
            var (table, summary) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = s_asOf });
            Assert.DoesNotContain(table.Columns, c => FeatureNames.RepeatPurchases.Contains(c.Name));
            Assert.False(summary.Plan!.RepeatPurchases, directory);
            Assert.False(EventTimeline.Build(dataset, withChannels: false).HasRepeatPurchases, directory);
        }
    }

    [Fact]
    public void A_retail_feature_table_written_by_features_is_reused_with_its_order_counts()
    {
        // The plan's order counts are decided by the events, so the table's description must carry that decision: without
        // it, reuse would plan no order counts and refuse the table as having other columns.
        var path = Path.Combine(worlds.Root, "retail-features.parquet");
        var options = new FeatureRunOptions { DataDirectory = worlds.Retail, OutputPath = path };
        var built = FeatureRun.Run(options, NullLogger.Instance);
        Assert.True(built.Summary.Plan!.RepeatPurchases);

        var reused = FeatureRun.Run(options with { OutputPath = null, FeaturesFile = path }, NullLogger.Instance);
        Assert.True(reused.Summary.Plan!.RepeatPurchases);
        Assert.Equal(built.Table.Columns.Select(c => c.Name), reused.Table.Columns.Select(c => c.Name));
        Assert.Contains(reused.Table.Columns, c => c.Name == FeatureNames.Purchases90d);
    }

    [Theory]
    [InlineData(100, 4, false)] // a few stray second purchases among 100 buyers: not a retail business
    [InlineData(100, 5, true)]
    [InlineData(0, 0, false)]
    public void Repeat_purchases_need_5_percent_of_the_buyers(int buyers, int repeat, bool holds)
    {
        var purchases = Enumerable.Range(0, buyers + 10).Select(c => c < repeat ? 3 : c < buyers ? 1 : 0).ToArray();
        // Purchases again after cancelling are comebacks, not repeat orders.
        var comebacks = Enumerable.Range(0, buyers + 10).Select(c => c >= buyers ? 0 : c >= repeat && c % 2 == 0 ? 1 : 0).ToArray();
        for (int c = repeat; c < buyers; c += 2)
        {
            purchases[c] = 2;
        }
        Assert.Equal(holds, EventValues.HoldsRepeatPurchases(purchases, comebacks));
    }
}
