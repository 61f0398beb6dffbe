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
        var problems = new List<Sentence>();
        var notes = new List<Sentence>();
        foreach (var (challenger, incumbent, task) in new[] { (churn, champion.Churn, PredictionTask.Churn), (lead, champion.Lead, PredictionTask.Lead) })
        {
            string ja = Sentence.TaskJapanese(task);
            if (floor.FirstOrDefault(f => f.Task == task) is { } failure)
            {
                var why = new Sentence($"the {task} model fails the promotion floor: {failure.Reason}", $"{ja}モデルが昇格の下限を満たしません：{failure.Words.Japanese}");
                if (!failure.Withheld)
                {
                    problems.Add(why); // forced: the force overrides it, and the reason keeps it
                }
                else if (incumbent is not null)
                {
                    problems.Add(new($"{why.English}; the champion's {task} model stays in service", $"{why.Japanese}。チャンピオンの{ja}モデルが引き続き提供されます"));
                }
                else
                {
                    notes.Add(Withheld(task, why));
                    continue;
                }
            }
            if (challenger is null)
            {
                if (incumbent is not null)
                {
                    problems.Add(new($"the champion has a {incumbent.Info.Task} model and this run has none", $"チャンピオンには{Sentence.TaskJapanese(incumbent.Info.Task)}モデルがありますが、今回の学習にはありません"));
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
                problems.Add(new($"the champion's {challenger.Task} model cannot score this data ({ex.Message})",
                    $"チャンピオンの{Sentence.TaskJapanese(challenger.Task)}モデルはこのデータを採点できません（{ex.Message}）"));
                continue;
            }
            var truth = challenger.HoldoutRows.Select(r => table.Labels[challenger.Model.Info.Label][r]).ToArray();
            comparisons.AddRange(Compare(challenger.Task, challenger.HoldoutPredictions, championScores, truth, options));
        }
        var decision = DecideFrom(champion.Metadata.Version, comparisons, problems, options);
        if (notes.Count == 0)
        {
            return decision;
        }
        var all = Sentence.Join(notes);
        return decision with { Reason = $"{decision.Reason}; {all.English}", ReasonJapanese = $"{decision.ReasonJapanese}。{all.Japanese}" };
    }

    /// <summary>"...; it is withheld, and no churn model is served".</summary>
    private static Sentence Withheld(PredictionTask task, Sentence why) =>
        new($"{why.English}; it is withheld, and no {task} model is served", $"{why.Japanese}。このモデルは除外され、{Sentence.TaskJapanese(task)}モデルは提供されません");

    /// <summary>The first champion: promoted, since something must serve; a model below the floor is left out of it unless forced.</summary>
    private static PromotionDecision FirstModel(IReadOnlyList<FloorFailure> floor)
    {
        if (floor.Count == 0)
        {
            return Decision(true, new("first model in the registry", "レジストリで最初のモデル"), null, [], false);
        }
        var why = Sentence.Join(floor.Select(f => f.Withheld
            ? Withheld(f.Task, new($"the {f.Task} model fails the promotion floor: {f.Reason}", $"{Sentence.TaskJapanese(f.Task)}モデルが昇格の下限を満たしません：{f.Words.Japanese}"))
            : new Sentence($"forced (--force) although the {f.Task} model fails the promotion floor: {f.Reason}",
                $"{Sentence.TaskJapanese(f.Task)}モデルは昇格の下限を満たしませんが、強制（--force）されました：{f.Words.Japanese}")));
        return Decision(true, new($"first model in the registry, with warnings: {why.English}", $"レジストリで最初のモデル（警告あり）：{why.Japanese}"), null, [], floor.Any(f => !f.Withheld));
    }

    private static PromotionDecision Decision(bool promoted, Sentence reason, string? previous, IReadOnlyList<GateComparison> comparisons, bool forced) =>
        new(promoted, reason.English, previous, comparisons, forced) { ReasonJapanese = reason.Japanese };

    /// <summary>The decision from the comparisons and problems found: promoted when nothing is worse and nothing is wrong.</summary>
    public static PromotionDecision Decide(string previous, IReadOnlyList<GateComparison> comparisons, IReadOnlyList<string> problems,
        PromotionGateOptions options) => DecideFrom(previous, comparisons, [.. problems.Select(p => new Sentence(p, p))], options);

    private static PromotionDecision DecideFrom(string previous, IReadOnlyList<GateComparison> comparisons, IReadOnlyList<Sentence> problems,
        PromotionGateOptions options)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var worse = comparisons.Where(c => !c.NotWorse).ToList();
        if (comparisons.Count == 0 && problems.Count == 0)
        {
            // Neither side has a classifier (ready tables without a label): the segments are all there is to serve.
            return Decision(true, new($"neither this version nor champion {previous} has a classifier to compare: the new segments replace the champion's",
                $"このバージョンにもチャンピオン {previous} にも比べる分類モデルがありません。新しいセグメントがチャンピオンのものに置き換わります"), previous, comparisons, false);
        }
        if (worse.Count == 0 && problems.Count == 0)
        {
            var summary = Sentence.Join(comparisons.Where(c => c.Metric == "PR-AUC").Select(c => new Sentence(
                string.Create(inv, $"{c.Task} PR-AUC {c.Challenger:F3} vs champion {c.Champion:F3}"),
                string.Create(inv, $"{Sentence.TaskJapanese(c.Task)} PR-AUC {c.Challenger:F3}（チャンピオン {c.Champion:F3}）"))), "; ", "、");
            return Decision(true, new(string.Create(inv, $"not worse than champion {previous} on the same holdout (tolerance {options.Tolerance:F3}, beyond holdout noise): {summary.English}"),
                string.Create(inv, $"同じホールドアウトでチャンピオン {previous} より悪くありません（許容差 {options.Tolerance:F3}、ホールドアウトのばらつきを考慮）：{summary.Japanese}")), previous, comparisons, false);
        }
        var why = Sentence.Join(worse.Select(c => new Sentence(
            string.Create(inv, $"{c.Task} {c.Metric} {c.Challenger:F3} is below the champion's {c.Champion:F3} by more than {c.Tolerance:F3}, beyond holdout noise (95% upper bound of the difference {c.DifferenceUpper95:F3})"),
            string.Create(inv, $"{Sentence.TaskJapanese(c.Task)}の {c.Metric} {c.Challenger:F3} はチャンピオンの {c.Champion:F3} を許容差 {c.Tolerance:F3} より大きく、ホールドアウトのばらつきを超えて下回ります（差の95%上限 {c.DifferenceUpper95:F3}）")))
            .Concat(problems));
        return options.Force
            ? Decision(true, new($"forced (--force) although: {why.English}", $"強制（--force）で昇格。ただし：{why.Japanese}"), previous, comparisons, true)
            : Decision(false, new($"kept, not promoted: {why.English}", $"昇格せず、チャンピオンを維持：{why.Japanese}"), previous, comparisons, false);
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
