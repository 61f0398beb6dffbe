using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Survival;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Features;

/// <summary>A retail world with planted interventions (repeat purchases, intervention features), its events in several Parquet row groups; generated once.</summary>
public sealed class RetailInterventionWorld : IDisposable
{
    public RetailInterventionWorld()
    {
        // Small row groups: several partitions, so the pass runs on two workers whose counters are merged.
        new SampleGenerator(new GeneratorOptions
        {
            World = GeneratorWorld.Retail, Customers = 600, Seed = 3, Interventions = true, Format = TableFormat.Parquet, RowGroupSize = 10_000,
        }).Generate(Directory);
    }

    public string Directory { get; } = TempFolder.Create("as-of-pass");

    public void Dispose() => TempFolder.TryDelete(Directory);
}

/// <summary>
/// One pass over the events for several as-of dates (<see cref="BehaviourFeatures.BuildAt"/>) gives every date the table
/// its own pass gives, and a training run's backtest and survival model take their dates from that one pass.
/// </summary>
public sealed class AsOfPassTests(RetailInterventionWorld retail) : IClassFixture<RetailInterventionWorld>
{
    private static readonly DateTime s_asOf = new GeneratorOptions().ReferenceAsOf;

    public static TheoryData<string> Worlds => ["sample", "retail with interventions"];

    private string Folder(string world) => world == "sample" ? Samples.Sample : retail.Directory;

    [Theory]
    [MemberData(nameof(Worlds))]
    public void Every_date_of_one_pass_gets_the_table_and_summary_its_own_pass_gives(string world)
    {
        var dataset = Dataset.Open(Folder(world), new ValidationReport());
        var plan = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = s_asOf }).Summary.Plan!;
        // A training run's dates: T and T-H with its horizon, the survival model's 30-day ones with the run's plan, and
        // one without a plan (the plan then comes from the pass, as a first feature run's does).
        var end = dataset.DataAsOf.Date;
        List<FeatureOptions> dates =
        [
            new() { AsOf = s_asOf, HorizonDays = 90 },
            new() { AsOf = s_asOf.AddDays(-90), HorizonDays = 90, Plan = plan },
            .. Enumerable.Range(1, 8).Select(k => new FeatureOptions { AsOf = end.AddDays(-30 * k), HorizonDays = 30, Plan = plan }),
            new() { AsOf = end.AddDays(-45), HorizonDays = 60 },
        ];

        long before = EventRowsRead(dataset);
        var together = BehaviourFeatures.BuildAt(dataset, dates);
        long onePass = EventRowsRead(dataset) - before;
        // And from the events a first training run reads and groups to suggest stages: no read of its own.
        var timeline = EventTimeline.Build(dataset, withChannels: false);
        long afterTimeline = EventRowsRead(dataset);
        var replayed = BehaviourFeatures.BuildAt(timeline, dates);
        Assert.Equal(afterTimeline, EventRowsRead(dataset));

        Assert.Equal(dates.Count, together.Count);
        for (int k = 0; k < dates.Count; k++)
        {
            var (alone, summary) = BehaviourFeatures.Build(dataset, dates[k]);
            SameTable(alone, summary, together[k]);
            SameTable(alone, summary, replayed[k]);
        }
        // One read of the events for all eleven dates: what one date alone costs.
        Assert.Equal(onePass * dates.Count, EventRowsRead(dataset) - afterTimeline);
        // Not vacuous: paying customers and labels at the survival dates, and on the retail export its order counts and interventions.
        Assert.All(together.Skip(2).Take(8), t => Assert.Contains(t.Table.Status!, s => s == CustomerStatus.Customer));
        Assert.Contains(together[0].Table.Labels[LabelNames.Churn], v => v == 1);
        if (world != "sample")
        {
            Assert.Contains(together[1].Table.Numbers(FeatureNames.Purchases90d), v => v >= 2);
            Assert.Contains(together[0].Table.Columns.OfType<NumericColumn>().Where(c => c.Name.StartsWith("interventions_90d_", StringComparison.Ordinal))
                .SelectMany(c => c.Values), v => v > 0);
        }
    }

    private static void SameTable(FeatureTable alone, FeatureBuildSummary summary, (FeatureTable Table, FeatureBuildSummary Summary) together)
    {
        var (table, shared) = together;
        FeatureAssert.SameFeatures(alone, table, labels: true);
        Assert.Equal(alone.Columns.Select(c => c.Name), table.Columns.Select(c => c.Name));
        Assert.Equal(alone.AccountIds, table.AccountIds);
        Assert.Equal((alone.AsOf, alone.HorizonDays), (table.AsOf, table.HorizonDays));
        Assert.Equal(TrainingRun.Fingerprint(alone), TrainingRun.Fingerprint(table));
        Assert.Equal((summary.Rows, summary.SignedUpOnOrAfterAsOf, summary.EventsBeforeAsOf, summary.EventsOnOrAfterAsOf, summary.LabelsComplete),
            (shared.Rows, shared.SignedUpOnOrAfterAsOf, shared.EventsBeforeAsOf, shared.EventsOnOrAfterAsOf, shared.LabelsComplete));
        Assert.Equal(summary.RowsByStatus.OrderBy(p => p.Key), shared.RowsByStatus.OrderBy(p => p.Key));
        Assert.Equal(summary.Labels.OrderBy(p => p.Key), shared.Labels.OrderBy(p => p.Key));
    }

    [Theory]
    [MemberData(nameof(Worlds))]
    public void A_training_runs_backtest_and_survival_model_read_no_events_beyond_the_one_pass(string world)
    {
        var options = new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = Folder(world), AsOf = s_asOf },
            RegistryPath = Path.Combine(TempFolder.Create("as-of-pass-models"), "models"),
            Candidates = [CandidateSpec.Default],
        };
        var loaded = FeatureSources.ForTraining(options.Features, NullLogger.Instance, CancellationToken.None);
        var dataset = loaded.Dataset!;
        var wanted = OutOfTimeBacktest.FeatureDates(options, loaded).Concat(SurvivalRun.FeatureDates(options, loaded, durations: null)).ToList();
        var asOf = AsOfFeatures.Build(dataset, wanted, CancellationToken.None);
        long afterPass = EventRowsRead(dataset);

        var notTrained = new List<string>();
        var survival = SurvivalRun.Train(options, loaded, loaded.Table, null, null, notTrained, NullLogger.Instance, CancellationToken.None, asOf: asOf);
        var classifier = new ClassifierOptions { Candidates = [CandidateSpec.Default], Screen = [.. loaded.Plan!.Attributes.Select(a => a.Name)] };
        var backtest = OutOfTimeBacktest.Run(new BacktestInputs(dataset, (FeatureRunOptions)options.Features, loaded.Plan, loaded.Table, classifier,
            [PredictionTask.Churn], AsOf: asOf), NullLogger.Instance, CancellationToken.None);

        Assert.Equal(afterPass, EventRowsRead(dataset));
        // The backtest's T-H and every survival date came from the pass, and both steps did their work on them.
        Assert.Equal(1 + SurvivalTraining.AsOfFeatureOptions(dataset, loaded.Plan, new SurvivalOptions()).Count, asOf.Count);
        Assert.Null(backtest.Metadata.Skipped);
        Assert.Equal(s_asOf.AddDays(-90), backtest.Metadata.TrainedAsOf);
        Assert.True(survival is not null, string.Join("; ", notTrained));
        Assert.True(survival.Result.AsOfDates.Count >= 3);
    }

    /// <summary>Event rows read so far (every read of a partition adds its rows): how many passes a step made over the events.</summary>
    private static long EventRowsRead(Dataset dataset) =>
        dataset.Events.Files.Sum(f => dataset.Report.RowsRead.GetValueOrDefault(Path.GetFileName(f)));
}
