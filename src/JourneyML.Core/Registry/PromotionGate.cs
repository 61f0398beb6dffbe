using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Registry;

/// <summary>How strict the gate is.</summary>
public sealed record PromotionGateOptions
{
    /// <summary>How much worse (PR-AUC and ROC AUC) a challenger may be than the champion on the same holdout and still be promoted.</summary>
    public double Tolerance { get; init; } = 0.01;
    /// <summary>Promote even when the gate says no (recorded as forced).</summary>
    public bool Force { get; init; }
    /// <summary>Seed of the paired bootstrap.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// The promotion gate: a challenger is promoted when it is not worse than the champion beyond the tolerance on the
/// challenger's own holdout, where the champion scores exactly the rows the challenger was measured on. "Worse" must be
/// beyond holdout noise: the upper end of a 95% paired-bootstrap interval of the difference is below minus the tolerance.
/// A champion that cannot score the new data (a feature it needs is gone), or a task the champion has and the challenger
/// lacks, keeps the champion unless forced.
/// </summary>
public static class PromotionGate
{
    /// <summary>Paired resamples of the holdout behind each interval.</summary>
    public const int BootstrapResamples = 200;

    /// <param name="churn">This run's churn classifier, null where the run has none; <paramref name="lead"/> likewise.</param>
    /// <param name="floor">
    /// This run's models that fail the promotion floor (<see cref="PromotionFloor"/>), withheld from the version or forced
    /// through. A withheld model never replaces a champion's model of its task: the version is kept, so the champion's
    /// model stays in service (it is still compared, so the reason says how it stands against the champion). Where the
    /// champion has no model of that task (or there is no champion) the rest of the version may still be promoted, and
    /// serves no model for that task.
    /// </param>
    public static PromotionDecision Decide(LoadedModels? champion, FeatureTable table, ClassifierResult? churn, ClassifierResult? lead,
        PromotionGateOptions options, IReadOnlyList<FloorFailure>? floor = null)
    {
        floor ??= [];
        if (champion is null)
        {
            return FirstModel(floor);
        }
        var comparisons = new List<GateComparison>();
        var problems = new List<string>();
        var notes = new List<string>();
        foreach (var (challenger, incumbent, task) in new[] { (churn, champion.Churn, PredictionTask.Churn), (lead, champion.Lead, PredictionTask.Lead) })
        {
            if (floor.FirstOrDefault(f => f.Task == task) is { } failure)
            {
                string why = $"the {task} model fails the promotion floor: {failure.Reason}";
                if (!failure.Withheld)
                {
                    problems.Add(why); // forced: the force overrides it, and the reason keeps it
                }
                else if (incumbent is not null)
                {
                    problems.Add($"{why}; the champion's {task} model stays in service");
                }
                else
                {
                    notes.Add($"{why}; it is withheld, and no {task} model is served");
                    continue;
                }
            }
            if (challenger is null)
            {
                if (incumbent is not null)
                {
                    problems.Add($"the champion has a {incumbent.Info.Task} model and this run has none");
                }
                continue;
            }
            if (incumbent is null)
            {
                continue;
            }
            float[] championScores;
            try
            {
                championScores = incumbent.Predict(table, challenger.HoldoutRows);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"the champion's {challenger.Task} model cannot score this data ({ex.Message})");
                continue;
            }
            var truth = challenger.HoldoutRows.Select(r => table.Labels[challenger.Model.Info.Label][r]).ToArray();
            comparisons.AddRange(Compare(challenger.Task, challenger.HoldoutPredictions, championScores, truth, options));
        }
        var decision = Decide(champion.Metadata.Version, comparisons, problems, options);
        return notes.Count == 0 ? decision : decision with { Reason = $"{decision.Reason}; {string.Join("; ", notes)}" };
    }

    /// <summary>The first champion: promoted, since something must serve; a model below the floor is left out of it unless forced.</summary>
    private static PromotionDecision FirstModel(IReadOnlyList<FloorFailure> floor)
    {
        if (floor.Count == 0)
        {
            return new PromotionDecision(true, "first model in the registry", null, [], false);
        }
        var why = string.Join("; ", floor.Select(f => f.Withheld
            ? $"the {f.Task} model fails the promotion floor: {f.Reason}; it is withheld, and no {f.Task} model is served"
            : $"forced (--force) although the {f.Task} model fails the promotion floor: {f.Reason}"));
        return new PromotionDecision(true, $"first model in the registry, with warnings: {why}", null, [], floor.Any(f => !f.Withheld));
    }

    /// <summary>The decision from the comparisons and problems found: promoted when nothing is worse and nothing is wrong.</summary>
    public static PromotionDecision Decide(string previous, IReadOnlyList<GateComparison> comparisons, IReadOnlyList<string> problems,
        PromotionGateOptions options)
    {
        var worse = comparisons.Where(c => !c.NotWorse).ToList();
        if (comparisons.Count == 0 && problems.Count == 0)
        {
            // Neither side has a classifier (ready tables without a label): the segments are all there is to serve.
            return new PromotionDecision(true, $"neither this version nor champion {previous} has a classifier to compare: the new segments replace the champion's", previous, comparisons, false);
        }
        if (worse.Count == 0 && problems.Count == 0)
        {
            var summary = string.Join("; ", comparisons.Where(c => c.Metric == "PR-AUC").Select(c => $"{c.Task} PR-AUC {c.Challenger:F3} vs champion {c.Champion:F3}"));
            return new PromotionDecision(true, $"not worse than champion {previous} on the same holdout (tolerance {options.Tolerance:F3}, beyond holdout noise): {summary}", previous, comparisons, false);
        }
        var why = string.Join("; ", worse.Select(c => $"{c.Task} {c.Metric} {c.Challenger:F3} is below the champion's {c.Champion:F3} by more than {c.Tolerance:F3}, beyond holdout noise (95% upper bound of the difference {c.DifferenceUpper95:F3})").Concat(problems));
        return options.Force
            ? new PromotionDecision(true, $"forced (--force) although: {why}", previous, comparisons, true)
            : new PromotionDecision(false, $"kept, not promoted: {why}", previous, comparisons, false);
    }

    /// <summary>PR-AUC and ROC AUC of the challenger against the champion on the same rows (<paramref name="truth"/> is 0/1).</summary>
    public static IReadOnlyList<GateComparison> Compare(PredictionTask task, float[] challenger, float[] champion, float[] truth, PromotionGateOptions options)
    {
        var championMetrics = ClassificationMetrics.Compute(champion, truth);
        var challengerMetrics = ClassificationMetrics.Compute(challenger, truth);
        var (prUpper, aucUpper) = BootstrapUpper(challenger, champion, truth, options.Seed);
        return
        [
            Comparison(task, "PR-AUC", challengerMetrics.PrAuc, championMetrics.PrAuc, options.Tolerance, prUpper),
            Comparison(task, "ROC AUC", challengerMetrics.Auc, championMetrics.Auc, options.Tolerance, aucUpper),
        ];
    }

    private static GateComparison Comparison(PredictionTask task, string metric, double challenger, double champion, double tolerance, double upper) =>
        new(task, metric, challenger, champion, tolerance, challenger >= champion - tolerance || upper >= -tolerance) { DifferenceUpper95 = upper };

    /// <summary>
    /// 95th percentile of (challenger - champion) PR-AUC and ROC AUC over paired resamples of the holdout (rows drawn with
    /// replacement). Each resample is measured as how many times each row was drawn, on rankings sorted once
    /// (<see cref="RankedScores"/>): the same figures as the resampled rows written out, without a sort per resample.
    /// </summary>
    internal static (double PrAuc, double Auc) BootstrapUpper(float[] challenger, float[] champion, float[] truth, int seed)
    {
        var random = new Random(seed);
        var prDiffs = new double[BootstrapResamples];
        var aucDiffs = new double[BootstrapResamples];
        int n = truth.Length;
        var a = new RankedScores(challenger, truth);
        var b = new RankedScores(champion, truth);
        var weights = new int[n];
        for (int s = 0; s < BootstrapResamples; s++)
        {
            Array.Clear(weights);
            for (int i = 0; i < n; i++)
            {
                weights[random.Next(n)]++;
            }
            prDiffs[s] = a.AveragePrecision(weights) - b.AveragePrecision(weights);
            aucDiffs[s] = a.RocAuc(weights) - b.RocAuc(weights);
        }
        Array.Sort(prDiffs);
        Array.Sort(aucDiffs);
        int at = (int)(BootstrapResamples * 0.95);
        return (prDiffs[at], aucDiffs[at]);
    }
}
