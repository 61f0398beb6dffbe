using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Uplift;

/// <summary>One kind's measured effect, its uplift model's Qini curves on the holdout, and why a part is missing.</summary>
/// <param name="ByUplift">Ranking the holdout by predicted uplift; <paramref name="ByRisk"/> by churn risk without contact (the risk list).</param>
public sealed record KindUplift(string Kind, InterventionEffect Effect, QiniCurve? ByUplift, QiniCurve? ByRisk, int HoldoutCustomers, string? QiniTooSmall)
{
    /// <summary>The effect in each segment (on the training accounts), when segments were given.</summary>
    public IReadOnlyList<SegmentEffect> Segments { get; init; } = [];
}

/// <summary>
/// An intervention kind's effect in one segment: the reduction in churn within the horizon, shrunk toward the kind's
/// overall effect by the segment's own precision (<see cref="SegmentShrinkage"/>), with its 95% interval; null when too
/// small to say.
/// </summary>
public sealed record SegmentEffect(string Segment, int Treated, int Comparison, double? Effect, Interval95? Interval, string? TooSmall)
{
    /// <summary>The segment's own estimate before shrinkage (the mean AIPW score of its training customers), for the data scientist.</summary>
    public double? Unshrunken { get; init; }

    /// <summary>The interval of <see cref="Unshrunken"/>.</summary>
    public Interval95? UnshrunkenInterval { get; init; }

    /// <summary>The weight the segment's own estimate kept (1: not shrunk; near 0: the kind's overall effect).</summary>
    public double? OwnWeight { get; init; }

    /// <summary>Whether the interval excludes no effect: a customer of this segment ranked by it is ranked on a clear effect.</summary>
    public bool Clear => Interval is { } i && (i.Low > 0 || i.High < 0);
}

/// <summary>Every kind's effect and the per-customer uplift of each, for the paying customers of the table.</summary>
/// <param name="CustomerIds">The customers scored (paying at the as-of date, label known), in table order.</param>
/// <param name="Uplift">Per kind, each customer's expected reduction in churn risk if given it now (NaN where no model could be fitted).</param>
/// <param name="RiskWithout">Per kind, the churn risk without it (the outcome model of the untreated).</param>
/// <param name="BestAction">The kind with the largest positive uplift among those whose effect could be measured; null when none helps.</param>
public sealed record UpliftResult(
    IReadOnlyList<KindUplift> Kinds,
    string[] CustomerIds,
    IReadOnlyDictionary<string, float[]> Uplift,
    IReadOnlyDictionary<string, float[]> RiskWithout,
    string?[] BestAction,
    UpliftOptions Options);

/// <summary>
/// Measures what each intervention kind does to churn within the horizon, and whom it would keep (docs/models.md,
/// "Interventions and uplift"). Randomised holdouts give a plain difference in churn rates; kinds without a control arm a
/// doubly robust (AIPW) estimate, cross-fitted over accounts, which is unbiased only if no unmeasured reason both sends
/// CS to a customer and makes them churn (no unmeasured confounders) and if like customers were both contacted and not
/// (overlap: propensities near 0 or 1 are trimmed and counted).
/// </summary>
public static class InterventionEffects
{
    /// <param name="segments">Each table row's segment (the behaviour segments of the run), or null: the per-customer uplift is then the T-learner's.</param>
    public static UpliftResult Estimate(FeatureTable table, InterventionTable interventions, CustomerTable customers, UpliftOptions? options = null,
        string?[]? segments = null)
    {
        options ??= new UpliftOptions();
        if (!table.Labels.ContainsKey(LabelNames.Churn) || table.AsOf is null)
        {
            throw new ArgumentException("uplift needs a feature table as of a date with churn labels (mode A)");
        }
        var eligible = Exposure.Eligible(table);
        var kinds = new List<KindUplift>();
        var uplift = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var riskWithout = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var exposure in Exposure.Of(table, interventions, customers, options))
        {
            var effect = exposure.Randomised ? RandomisedEffect(exposure, options) : DoublyRobustEffect(table, exposure, options);
            var (kind, scores, risks) = UpliftModel(table, exposure, effect, eligible, segments, options);
            kinds.Add(kind);
            if (scores is not null)
            {
                uplift[exposure.Kind] = scores;
                riskWithout[exposure.Kind] = risks!;
            }
        }
        return new UpliftResult(kinds, [.. eligible.Select(r => table.CustomerIds[r])], uplift, riskWithout, Best(kinds, uplift, eligible.Length), options);
    }

    private static InterventionEffect RandomisedEffect(Exposure e, UpliftOptions options)
    {
        var (pc, nc, pt, nt) = EffectEstimates.Rates(e, Enumerable.Range(0, e.Rows.Length));
        var tooSmall = TooSmall(nt, nc, options, "control arm");
        if (tooSmall is not null)
        {
            return new InterventionEffect(e.Kind, EffectDesign.RandomisedHoldout, nt, nc, Known(pt), Known(pc), null, null, Known(pc - pt), null, tooSmall);
        }
        var (effect, interval) = EffectEstimates.Randomised(e, options);
        return new InterventionEffect(e.Kind, EffectDesign.RandomisedHoldout, nt, nc, Known(pt), Known(pc), effect, interval, Known(pc - pt), null, null);
    }

    /// <summary>A rate of nobody is unknown, not a number: null (answers and files never carry NaN).</summary>
    private static double? Known(double value) => double.IsFinite(value) ? value : null;

    private static string? TooSmall(int treated, int comparison, UpliftOptions options, string comparisonName) =>
        treated < options.MinPerArm || comparison < options.MinPerArm
            ? $"too small to say: {treated} treated and {comparison} on the {comparisonName} (at least {options.MinPerArm} each needed)"
            : null;

    private static InterventionEffect DoublyRobustEffect(FeatureTable table, Exposure e, UpliftOptions options)
    {
        var (pc, nc, pt, nt) = EffectEstimates.Rates(e, Enumerable.Range(0, e.Rows.Length));
        InterventionEffect Unmeasured(string why, Overlap? overlap = null) =>
            new(e.Kind, EffectDesign.DoublyRobust, nt, nc, Known(pt), Known(pc), null, null, Known(pc - pt), overlap, why);
        if (TooSmall(nt, nc, options, "comparison (not contacted)") is { } small)
        {
            return Unmeasured(small);
        }
        var fold = GroupedFolds(e, options.Folds, options.Seed);
        var propensity = new double[e.Rows.Length];
        var mu0 = new double[e.Rows.Length];
        var mu1 = new double[e.Rows.Length];
        for (int f = 0; f < options.Folds; f++)
        {
            var train = Positions(fold, x => x != f);
            var test = Positions(fold, x => x == f);
            if (Nuisance.Fit(table, e, train, withPropensity: true, options) is not { } models)
            {
                return Unmeasured("too small to say: a cross-fitting fold has too few treated or comparison customers, or no churner among them");
            }
            var rows = test.Select(i => e.Rows[i]).ToArray();
            Fill(propensity, test, models.Propensity(rows));
            Fill(mu0, test, models.RiskWithout(rows));
            Fill(mu1, test, models.RiskWith(rows));
        }
        var kept = Enumerable.Range(0, e.Rows.Length).Where(i => propensity[i] >= options.Trim && propensity[i] <= 1 - options.Trim).ToArray();
        var overlap = OverlapOf(e, propensity, kept.Length, options.Trim);
        int keptTreated = kept.Count(i => e.Treated[i]);
        if (TooSmall(keptTreated, kept.Length - keptTreated, options, "comparison after trimming") is { } trimmedAway)
        {
            return Unmeasured(trimmedAway, overlap);
        }
        var scores = kept.Select(i => EffectEstimates.Score(e.Treated[i], e.Churned[i], propensity[i], mu0[i], mu1[i])).ToList();
        var (effect, interval) = EffectEstimates.Mean(scores, [.. kept.Select(i => e.Groups[i])]);
        return new InterventionEffect(e.Kind, EffectDesign.DoublyRobust, nt, nc, Known(pt), Known(pc), effect, interval, Known(pc - pt), overlap, null);
    }

    private static Overlap OverlapOf(Exposure e, double[] propensity, int kept, double trim)
    {
        var treated = Enumerable.Range(0, e.Rows.Length).Where(i => e.Treated[i]).Select(i => propensity[i]).Order().ToArray();
        var comparison = Enumerable.Range(0, e.Rows.Length).Where(i => !e.Treated[i]).Select(i => propensity[i]).Order().ToArray();
        double low = Math.Max(treated[0], comparison[0]), high = Math.Min(treated[^1], comparison[^1]);
        double common = propensity.Count(p => p >= low && p <= high) / (double)propensity.Length;
        return new Overlap(trim, e.Rows.Length - kept, Median(treated), Median(comparison), Math.Round(common, 4));
    }

    private static double Median(double[] sorted) => sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];

    /// <summary>
    /// The per-customer uplift, fitted on the training accounts and measured on the held-out ones. With segments: a
    /// doubly robust learner on them (each segment's mean AIPW score over its training customers, cross-fitted; a segment
    /// with too few treated or comparison customers takes the kind's mean), so a customer's uplift is the measured effect
    /// in customers like them. Without: the T-learner μ0 − μ1. Then the Qini curves on the holdout, by uplift and by risk.
    /// </summary>
    private static (KindUplift Kind, float[]? Uplift, float[]? Risk) UpliftModel(FeatureTable table, Exposure e, InterventionEffect effect, int[] eligible,
        string?[]? segments, UpliftOptions options)
    {
        int parts = 10, held = Math.Clamp((int)Math.Round(options.HoldoutShare * parts), 1, parts - 1);
        var fold = GroupedFolds(e, parts, options.Seed + 7);
        var train = Positions(fold, x => x >= held);
        var holdout = Positions(fold, x => x < held);
        if (Nuisance.Fit(table, e, train, withPropensity: !e.Randomised, options, options.UpliftLearner) is not { } models)
        {
            return (new KindUplift(e.Kind, effect, null, null, holdout.Length, "too small to say: too few treated or comparison customers (or churners) to fit an uplift model"), null, null);
        }
        var without = models.RiskWithout(eligible);
        var holdoutScores = Scores(e, holdout, models, train, options);
        float[] uplift;
        IReadOnlyList<SegmentEffect> bySegment = [];
        if (segments is not null && CrossFittedScores(table, e, train, options) is { } trainScores)
        {
            bySegment = SegmentEffects(e, train, trainScores, segments, options);
            double overall = trainScores.Average();
            var lookup = bySegment.Where(s => s.Effect is not null).ToDictionary(s => s.Segment, s => s.Effect!.Value, StringComparer.Ordinal);
            uplift = [.. eligible.Select(r => (float)(segments[r] is { } s && lookup.TryGetValue(s, out var v) ? v : overall))];
        }
        else
        {
            var with = models.RiskWith(eligible);
            uplift = [.. without.Select((w, i) => w - with[i])];
        }
        var kind = new KindUplift(e.Kind, effect, null, null, holdout.Length, null) { Segments = bySegment };
        int heldTreated = holdout.Count(i => e.Treated[i]);
        if (effect.Effect is null)
        {
            // A Qini of a kind whose effect cannot be measured would read as a finding on a few dozen customers.
            return (kind with { QiniTooSmall = "too small to say: the kind's effect itself could not be measured" }, uplift, without);
        }
        if (heldTreated < options.MinPerArm / 3 || holdout.Length - heldTreated < options.MinPerArm / 3)
        {
            return (kind with { QiniTooSmall = $"too small to say: the holdout has {heldTreated} treated and {holdout.Length - heldTreated} comparison customers" }, uplift, without);
        }
        var position = new Dictionary<int, int>(eligible.Length);
        for (int i = 0; i < eligible.Length; i++)
        {
            position[eligible[i]] = i;
        }
        var rankUplift = holdout.Select(i => (double)uplift[position[e.Rows[i]]]).ToArray();
        var rankRisk = holdout.Select(i => (double)without[position[e.Rows[i]]]).ToArray();
        return (kind with { ByUplift = QiniCurve.Of(rankUplift, holdoutScores), ByRisk = QiniCurve.Of(rankRisk, holdoutScores) }, uplift, without);
    }

    /// <summary>AIPW scores of the given positions from models fitted elsewhere; a randomised design's propensity is its share treated.</summary>
    private static double[] Scores(Exposure e, int[] positions, Nuisance models, int[] fittedOn, UpliftOptions options)
    {
        var rows = positions.Select(i => e.Rows[i]).ToArray();
        double share = (double)fittedOn.Count(i => e.Treated[i]) / fittedOn.Length;
        var propensity = e.Randomised ? [.. rows.Select(_ => (float)share)] : models.Propensity(rows);
        var mu0 = models.RiskWithout(rows);
        var mu1 = models.RiskWith(rows);
        return [.. positions.Select((i, k) => EffectEstimates.Score(e.Treated[i], e.Churned[i],
            Math.Clamp(propensity[k], options.Trim, 1 - options.Trim), mu0[k], mu1[k]))];
    }

    /// <summary>AIPW scores of the training positions, each from models fitted on the other training folds; null when a fold cannot be fitted.</summary>
    private static double[]? CrossFittedScores(FeatureTable table, Exposure e, int[] train, UpliftOptions options)
    {
        var scores = new double[train.Length];
        var sub = GroupedFolds(e, options.Folds, options.Seed + 13);
        for (int f = 0; f < options.Folds; f++)
        {
            var inner = train.Where(i => sub[i] != f).ToArray();
            var outer = Enumerable.Range(0, train.Length).Where(k => sub[train[k]] == f).ToArray();
            if (Nuisance.Fit(table, e, inner, withPropensity: !e.Randomised, options) is not { } models)
            {
                return null;
            }
            var values = Scores(e, [.. outer.Select(k => train[k])], models, inner, options);
            for (int k = 0; k < outer.Length; k++)
            {
                scores[outer[k]] = values[k];
            }
        }
        return scores;
    }

    /// <summary>
    /// Each segment's effect: the mean AIPW score of its training customers with an account-clustered standard error, then
    /// shrunk toward the kind's overall effect (a segment of a few dozen customers alone is too noisy to rank by).
    /// </summary>
    private static IReadOnlyList<SegmentEffect> SegmentEffects(Exposure e, int[] train, double[] scores, string?[] segments, UpliftOptions options)
    {
        int min = Math.Max(5, options.MinPerArm / 3);
        var groups = Enumerable.Range(0, train.Length).GroupBy(k => segments[e.Rows[train[k]]] ?? "", StringComparer.Ordinal)
            .Where(g => g.Key.Length > 0)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Members: g.ToArray()))
            .Select(g => (g.Key, g.Members, Treated: g.Members.Count(k => e.Treated[train[k]])))
            .ToList();
        var measured = groups.Where(g => g.Treated >= min && g.Members.Length - g.Treated >= min).ToList();
        var own = measured.Select(g => EffectEstimates.MeanAndError([.. g.Members.Select(k => scores[k])], [.. g.Members.Select(k => e.Groups[train[k]])]))
            .Select(m => new SegmentEstimate(m.Mean, m.StandardError)).ToArray();
        var shrunk = SegmentShrinkage.Shrink(own);
        var byKey = measured.Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        return [.. groups.Select(g =>
        {
            int compared = g.Members.Length - g.Treated;
            if (!byKey.TryGetValue(g.Key, out int i))
            {
                return new SegmentEffect(g.Key, g.Treated, compared, null, null,
                    $"too small to say: {g.Treated} treated and {compared} compared (at least {min} each needed)");
            }
            return new SegmentEffect(g.Key, g.Treated, compared, shrunk[i].Effect, shrunk[i].Interval, null)
            {
                Unshrunken = own[i].Mean,
                UnshrunkenInterval = SegmentShrinkage.Around(own[i].Mean, own[i].StandardError * own[i].StandardError),
                OwnWeight = Math.Round(shrunk[i].OwnWeight, 4),
            };
        })];
    }

    private static string?[] Best(List<KindUplift> kinds, Dictionary<string, float[]> uplift, int count)
    {
        var measured = kinds.Where(k => k.Effect.Effect is not null && uplift.ContainsKey(k.Kind)).Select(k => k.Kind).ToList();
        var best = new string?[count];
        for (int i = 0; i < count; i++)
        {
            float top = 0;
            foreach (var kind in measured)
            {
                if (uplift[kind][i] > top)
                {
                    (top, best[i]) = (uplift[kind][i], kind);
                }
            }
        }
        return best;
    }

    /// <summary>
    /// Folds of whole accounts (a customer without one is their own), balanced in treated customers: cross-fitting and the
    /// holdout never split an account, whose customers churn together.
    /// </summary>
    private static int[] GroupedFolds(Exposure e, int folds, int seed)
    {
        var random = new Random(seed + 53);
        var groups = Enumerable.Range(0, e.Rows.Length).GroupBy(i => e.Groups[i], StringComparer.Ordinal)
            .Select(g => g.ToArray()).OrderBy(g => g[0]).Select(g => (g, key: random.Next())).OrderBy(x => x.key).Select(x => x.g);
        var fold = new int[e.Rows.Length];
        var rows = new int[folds];
        var treated = new int[folds];
        foreach (var group in groups)
        {
            bool anyTreated = group.Any(i => e.Treated[i]);
            int target = Enumerable.Range(0, folds).OrderBy(f => anyTreated ? treated[f] : rows[f] - treated[f]).ThenBy(f => rows[f]).ThenBy(f => f).First();
            foreach (int i in group)
            {
                fold[i] = target;
                rows[target]++;
                treated[target] += e.Treated[i] ? 1 : 0;
            }
        }
        return fold;
    }

    private static int[] Positions(int[] fold, Func<int, bool> where) => [.. Enumerable.Range(0, fold.Length).Where(i => where(fold[i]))];

    private static void Fill(double[] into, int[] positions, float[] values)
    {
        for (int k = 0; k < positions.Length; k++)
        {
            into[positions[k]] = values[k];
        }
    }
}
