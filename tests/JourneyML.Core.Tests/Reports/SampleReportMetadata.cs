using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Tests.Reports;

/// <summary>
/// A realistic run's metadata built by hand (no training pipeline): two tasks, three segments, eleven k candidates,
/// drift with one flagged feature and a promotion decision. Holdout metrics are computed from synthetic scores, so
/// ROC, lift and reliability tables are consistent with each other.
/// </summary>
internal static class SampleReportMetadata
{
    public const string TrickySegmentName = "Power users <b>&</b> \"pipes\" | 'quotes'";
    public const string FlaggedFeature = "logins_30d_trend";
    public const string ChurnTrainer = "LightGbm";
    public const string LeadTrainer = "FastTree";

    public static ModelMetadata Create()
    {
        var profiles = new List<SegmentProfile>
        {
            Segment(0, "Quiet decliners", 3120, 0.312, 0.241, 0.021, [("logins_30d", 2.1, 9.4, -1.3), ("days_since_last_login", 41, 12.5, 1.6), ("tickets_14d", 1.8, 0.6, 0.9)], false),
            Segment(1, TrickySegmentName, 4270, 0.427, 0.038, 0.094, [("logins_30d", 17.2, 9.4, 1.4), ("page_views_30d", 310, 140, 1.1), ("webinars_90d", 1.2, 0.4, 0.8)], false),
            Segment(2, "Pricing-page researchers", 2610, 0.261, 0.087, 0.231, [("pricing_views_30d", 4.4, 1.1, 2.2), ("whitepaper_downloads_90d", 2.0, 0.5, 1.2), ("tenure_days", 35, 410, -1.0)], true),
        };
        var kCandidates = Enumerable.Range(2, 11).Select(k => new KCandidate(k,
            Silhouette: 0.42 - 0.02 * Math.Abs(k - 3) + (k == 3 ? 0.03 : 0),
            Inertia: 120_000.0 / k,
            CalinskiHarabasz: 5200 - 180 * Math.Abs(k - 3),
            Gap: 0.8 + 0.15 * Math.Min(k, 3) - 0.01 * k,
            GapError: 0.02)).ToList();
        return new ModelMetadata
        {
            Version = "20250614-0300",
            CreatedAt = new DateTime(2025, 6, 14, 3, 0, 12, DateTimeKind.Utc),
            Mode = TrainingMode.BehaviourLogs,
            AsOf = new DateTime(2025, 6, 1),
            HorizonDays = 90,
            DataFingerprint = "a3f9c21e",
            Rows = new RowCounts(10_000, new Dictionary<string, int> { ["active"] = 8_230, ["churned"] = 1_170, ["trial"] = 600 }, 212, 1_843_221, 96_112, 37),
            Features =
            [
                new("logins_30d", "numeric", "Logins in the 30 days before the as-of date"),
                new(FlaggedFeature, "numeric", "Logins in the last 30 days against the previous 30"),
                new("tickets_14d", "numeric", "Support tickets in the last 14 days"),
                new("plan", "categorical", "Plan at the as-of date"),
            ],
            Segmentation = new SegmentationMetadata(3, "k = 3 has the highest silhouette (0.450) and the gap statistic levels off there.", kCandidates, profiles, [2], [4]),
            Churn = Task(PredictionTask.Churn, "churned", "customers active at the as-of date", ChurnTrainer, seed: 1, baseRate: 0.12, separation: 1.6, oracleAuc: 0.87),
            Lead = Task(PredictionTask.Lead, "converted", "leads not yet customers at the as-of date", LeadTrainer, seed: 2, baseRate: 0.08, separation: 1.3, oracleAuc: 0.83),
            Distributions = [new FeatureDistribution("logins_30d", [1, 3, 6, 9, 12, 15, 19, 24, 31], Enumerable.Repeat(0.1, 10).ToList(), 0.0)],
            Drift =
            [
                new DriftEntry(FlaggedFeature, 0.31, true),
                new DriftEntry("logins_30d", 0.12, false),
                new DriftEntry("tickets_14d", 0.04, false),
                new DriftEntry("score:churn", 0.08, false),
            ],
            Promotion = new PromotionDecision(true, "Every gate passed: churn and lead PR-AUC are not worse than the champion's within 0.01.", "20250607-0300",
            [
                new GateComparison(PredictionTask.Churn, "PR-AUC", 0.512, 0.498, 0.01, true),
                new GateComparison(PredictionTask.Churn, "ROC AUC", 0.842, 0.845, 0.01, true),
                new GateComparison(PredictionTask.Lead, "PR-AUC", 0.301, 0.296, 0.01, true),
            ], Forced: false),
            GroundTruth = new GroundTruthComparison(0.912, 0.87, 0.842, 0.83, 0.801),
            TrainingSeconds = 48.3,
            Complete = true,
        };
    }

    private static SegmentProfile Segment(int id, string name, int size, double share, double churn, double conversion,
        (string Feature, double Mean, double Population, double Z)[] features, bool isNew) =>
        new(id, name, $"{name}: described in plain words for marketing.", size, share,
            features.Select(f => new FeatureStat(f.Feature, f.Mean, f.Population, f.Z)).ToList(), churn, conversion,
            features.Select(f => f.Feature).ToList(), isNew);

    private static TaskMetadata Task(PredictionTask task, string label, string population, string trainer, int seed, double baseRate, double separation, double oracleAuc)
    {
        var random = new Random(seed);
        const int n = 2_000;
        var scores = new float[n];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = random.NextDouble() < baseRate;
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            double logit = Math.Log(baseRate / (1 - baseRate)) + gaussian + (positive ? separation : 0);
            scores[i] = (float)(1 / (1 + Math.Exp(-logit)));
            labels[i] = positive ? 1 : 0;
        }
        var holdout = ClassificationMetrics.Compute(scores, labels);
        var candidates = new List<CandidateResult>
        {
            new($"{CandidateSpec.LightGbm}(iterations=200, leaves=15, learningRate=0.05, minLeaf=20)", 0.50, 0.84, 0.012, 6.1, trainer == CandidateSpec.LightGbm),
            new($"{CandidateSpec.FastTree}(leaves=15, trees=150, learningRate=0.1, minLeaf=20)", trainer == CandidateSpec.FastTree ? 0.52 : 0.49, 0.83, 0.015, 9.4, trainer == CandidateSpec.FastTree),
            new($"{CandidateSpec.FastForest}(leaves=31, trees=100, minLeaf=20)", 0.45, 0.81, 0.018, 7.7, false),
            new($"{CandidateSpec.LogisticRegression}(l1=0, l2=0.1)", 0.41, 0.79, 0.011, 2.3, false),
        };
        return new TaskMetadata(task, label, population, 8_000, n, trainer,
            new Dictionary<string, double> { ["leaves"] = 15, ["learningRate"] = 0.05 },
            $"{trainer} has the highest cross-validated PR-AUC.", candidates, holdout, oracleAuc,
            [new("days_since_last_login", 0.081), new(FlaggedFeature, 0.052), new("tickets_14d", 0.031), new("plan", 0.004)],
            new PlattCalibration(1.7, -2.1),
            new FeatureDistribution("score:" + task, [0.05, 0.1, 0.2], [0.4, 0.3, 0.2, 0.1], 0));
    }
}
