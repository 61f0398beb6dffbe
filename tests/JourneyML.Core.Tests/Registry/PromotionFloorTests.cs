using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Registry;

/// <summary>A model at chance, or no better than one of its own columns, is never promoted and never served without a warning.</summary>
public sealed class PromotionFloorTests
{
    private static TrainingRunResult Train(string table, string registry, bool force = false, int day = 1) => TrainingRun.Run(new TrainingOptions
    {
        Features = new FeatureTableSource(table) { IdColumn = "customerID", LabelColumn = "Churn" },
        RegistryPath = registry,
        Candidates = [CandidateSpec.Default],
        Force = force,
        Clock = new FixedClock(new DateTime(2030, 1, day, 0, 0, 0, DateTimeKind.Utc)),
    }, NullLogger.Instance);

    /// <summary>The telco table with its Churn column replaced by coin tosses: nothing in the table predicts it.</summary>
    private static string AtChance(string dir)
    {
        var random = new Random(11);
        var lines = File.ReadAllLines(ReadyTables.Telco(dir, rows: 600));
        var tossed = lines.Select((l, i) => i == 0 ? l : l[..(l.LastIndexOf(',') + 1)] + (random.NextDouble() < 0.3 ? "Yes" : "No"));
        var path = Path.Combine(dir, "telco-at-chance.csv");
        File.WriteAllLines(path, tossed);
        return path;
    }

    [Fact]
    public void A_first_model_at_chance_is_withheld_and_every_output_says_so()
    {
        var dir = TempFolder.Create("floor");
        var registry = Path.Combine(dir, "models");
        var trained = Train(AtChance(dir), registry);

        var m = trained.Metadata;
        Assert.Null(m.Churn);
        var withheld = Assert.Single(m.Withheld);
        Assert.False(withheld.Floor!.Passed);
        Assert.True(withheld.Intervals!.Auc.Low <= 0.5, $"{withheld.Intervals.Auc}");
        Assert.Contains("cannot tell this model from a coin toss", withheld.Floor.Reason);
        // The segments are served as the first champion; the churn model is not in the version at all.
        Assert.True(m.Promotion!.Promoted);
        Assert.Contains("no churn model is served", m.Promotion.Reason);
        Assert.Empty(Directory.GetFiles(trained.VersionDirectory, ModelRegistry.ChurnModel + "*"));
        Assert.Null(new ModelRegistry(registry).LoadChampion()!.Churn);
        Assert.Contains(ModelWarnings.Of(m), w => w.StartsWith("the churn model is not served: it fails the promotion floor", StringComparison.Ordinal));
        Assert.True(ModelWarnings.BelowFloor(m));
        var report = File.ReadAllText(Path.Combine(trained.VersionDirectory, "report.md"));
        Assert.Contains("Not served:", report);
        Assert.Contains("the churn model is not served", report);
        var json = File.ReadAllText(Path.Combine(trained.VersionDirectory, "metadata.json"));
        Assert.Contains("\"withheld\"", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_model_at_chance_never_replaces_the_champion_and_forced_it_is_served_with_a_warning()
    {
        var dir = TempFolder.Create("floor");
        var registry = Path.Combine(dir, "models");
        var good = Train(ReadyTables.Telco(dir, rows: 900), registry, day: 1);
        Assert.True(good.Metadata.Churn!.Floor!.Passed, good.Metadata.Churn.Floor.Reason);
        Assert.False(ModelWarnings.BelowFloor(good.Metadata));
        // The report's headline figures carry their intervals and the counts the top of the list rests on.
        var top5 = good.Metadata.Churn.Intervals!.Top5;
        var goodReport = File.ReadAllText(Path.Combine(good.VersionDirectory, "report.md"));
        Assert.Contains($"holdout ROC AUC {IntervalText.Ratio(good.Metadata.Churn.Holdout.Auc, good.Metadata.Churn.Intervals.Auc)}", goodReport);
        Assert.Matches($@"of the 5% highest-risk customers, [0-9.]+% churned \({top5.Hits} of {top5.Count}; 95% CI \d+–\d+%\)", goodReport);

        var chance = AtChance(dir);
        var kept = Train(chance, registry, day: 2);
        Assert.False(kept.Metadata.Promotion!.Promoted);
        Assert.Contains("fails the promotion floor", kept.Metadata.Promotion.Reason);
        Assert.Contains("the champion's churn model stays in service", kept.Metadata.Promotion.Reason);
        Assert.Equal(good.Metadata.Version, new ModelRegistry(registry).Champion()!.Version);

        var forced = Train(chance, registry, force: true, day: 3);
        Assert.True(forced.Metadata.Promotion!.Promoted);
        Assert.True(forced.Metadata.Promotion.Forced);
        Assert.False(forced.Metadata.Churn!.Floor!.Passed);
        Assert.Contains(ModelWarnings.Of(forced.Metadata), w => w.Contains("served only because it was forced", StringComparison.Ordinal));
        Assert.Contains("served only because it was forced", File.ReadAllText(Path.Combine(forced.VersionDirectory, "report.md")));
    }

    [Fact]
    public void The_floor_withholds_a_coin_toss_and_a_model_below_its_best_feature_beyond_noise_but_not_one_within_noise()
    {
        var baseline = new FeatureBaseline("days_since_last_login", "lower values first, missing last", 0.80, 0.82);
        // A coin toss is withheld whatever the baseline.
        var toss = PromotionFloor.Check(0.62, new Interval95(0.50, 0.74), baseline, new Interval95(-0.30, -0.10));
        Assert.False(toss.Passed);
        Assert.Contains("cannot tell this model from a coin toss", toss.Reason);
        Assert.False(PromotionFloor.Check(0.62, new Interval95(0.50, 0.74), null, null).Passed);
        // Clearly below the feature: the gap's interval lies wholly below 0.
        var below = PromotionFloor.Check(0.76, new Interval95(0.70, 0.82), baseline, new Interval95(-0.10, -0.02));
        Assert.False(below.Passed);
        Assert.Contains("is worse than days_since_last_login alone (lower values first, missing last: holdout ROC AUC 0.820", below.Reason);
        Assert.Contains("beyond noise: model − feature −0.06 [−0.10, −0.02]", below.Reason);
        // Below the feature's point estimate but within noise: served, and the caveat says so in words.
        var within = PromotionFloor.Check(0.80, new Interval95(0.74, 0.86), baseline, new Interval95(-0.06, 0.03));
        Assert.True(within.Passed, within.Reason);
        Assert.True(within.WithinNoiseOfBaseline);
        Assert.Equal("no better than days_since_last_login alone within noise: −0.02 [−0.06, 0.03]", within.Caveat);
        Assert.Contains(within.Caveat!, within.Reason);
        // Above it beyond noise: served with no caveat.
        var passed = PromotionFloor.Check(0.85, new Interval95(0.79, 0.90), baseline, new Interval95(0.01, 0.05));
        Assert.True(passed.Passed, passed.Reason);
        Assert.False(passed.WithinNoiseOfBaseline);
        Assert.Null(passed.Caveat);
        Assert.Contains("ROC AUC 0.850 (95% CI 0.79–0.90)", passed.Reason);
        Assert.Contains("beyond noise: +0.03 [0.01, 0.05]", passed.Reason);
    }

    [Fact]
    public void The_paired_gap_is_narrower_than_either_interval_and_resamples_whole_accounts()
    {
        // A model that is the feature plus a little noise: the two AUCs wander together from resample to resample, so
        // their gap's interval is far narrower than either AUC's, and it holds 0.
        var random = new Random(3);
        const int n = 300;
        var labels = new float[n];
        var feature = new float[n];
        var model = new float[n];
        var accounts = new string?[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = random.NextDouble() < 0.25 ? 1 : 0;
            feature[i] = labels[i] + (float)(random.NextDouble() * 1.6);
            model[i] = feature[i] + (float)(random.NextDouble() * 0.2);
            accounts[i] = "A" + (i / 5).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var gap = HoldoutIntervals.AucDifference(model, feature, labels);
        var alone = HoldoutIntervals.Compute(model, labels).Auc;
        Assert.True(gap.Low <= 0 && gap.High >= 0, $"{gap}");
        Assert.True(gap.Width < alone.Width / 2, $"gap {gap}, model alone {alone}");
        // Deterministic; given accounts, whole accounts are the units resampled.
        Assert.Equal(gap, HoldoutIntervals.AucDifference(model, feature, labels));
        var byAccount = HoldoutIntervals.AucDifference(model, feature, labels, groups: accounts);
        Assert.NotEqual(gap, byAccount);
        // A model that ranks the customers in reverse is below the feature beyond noise.
        var reversed = HoldoutIntervals.AucDifference([.. model.Select(s => -s)], feature, labels);
        Assert.True(reversed.High < 0, $"{reversed}");
    }

    [Fact]
    public void The_baseline_finds_the_best_column_and_its_direction_on_the_training_rows_only()
    {
        var random = new Random(4);
        const int n = 1000;
        var quiet = new float[n];
        var noise = new float[n];
        var plan = new string?[n];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            quiet[i] = random.Next(0, 60);
            noise[i] = (float)random.NextDouble();
            plan[i] = random.Next(3) switch { 0 => "basic", 1 => "pro", _ => null };
            // Churn rises with days of silence; "basic" adds a little; a tenth of the silence is unknown (NaN).
            double p = 0.05 + quiet[i] / 80 + (plan[i] == "basic" ? 0.1 : 0);
            labels[i] = random.NextDouble() < p ? 1 : 0;
            if (i % 10 == 0)
            {
                quiet[i] = float.NaN;
            }
        }
        var table = new FeatureTable([.. Enumerable.Range(0, n).Select(i => $"C{i:D5}")],
        [
            FeatureColumn.Numeric("days_quiet", "", [.. quiet.Select(q => -q)]),
            FeatureColumn.Numeric("noise", "", noise),
            FeatureColumn.Categorical("plan", "", plan),
        ]);
        var train = Enumerable.Range(0, 800).ToArray();
        var holdout = Enumerable.Range(800, 200).ToArray();
        var best = SingleFeatureBaseline.Best(table, ["noise", "plan", "days_quiet"], labels, train, holdout)!;
        Assert.Equal("days_quiet", best.Feature);
        Assert.StartsWith("lower values first", best.Direction);
        Assert.InRange(best.HoldoutAuc, 0.65, 0.9);
        var onlyPlan = SingleFeatureBaseline.Best(table, ["plan"], labels, train, holdout)!;
        Assert.Equal("categories by their outcome rate", onlyPlan.Direction);
        Assert.InRange(onlyPlan.TrainAuc, 0.5, 0.7);
    }

    [Fact]
    public void A_first_champion_leaves_out_only_the_model_below_the_floor()
    {
        var decision = PromotionGate.Decide(null, new FeatureTable(["a"], []), null, null, new PromotionGateOptions(),
            [new FloorFailure(PredictionTask.Lead, "holdout ROC AUC 0.074 (95% CI 0.00–0.31): the interval's lower bound is at or below 0.5")]);
        Assert.True(decision.Promoted);
        Assert.False(decision.Forced);
        var forced = PromotionGate.Decide(null, new FeatureTable(["a"], []), null, null, new PromotionGateOptions { Force = true },
            [new FloorFailure(PredictionTask.Churn, "holdout ROC AUC 0.52 (95% CI 0.41–0.63)", Withheld: false)]);
        Assert.True(forced.Forced);
        Assert.Contains("forced (--force) although the churn model fails the promotion floor", forced.Reason);
        Assert.Contains("the lead model fails the promotion floor", decision.Reason);
        Assert.Contains("no lead model is served", decision.Reason);
        Assert.DoesNotContain("churn", decision.Reason);
    }
}
