using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Uplift;

/// <summary>An intervention kind's effect on churn within the horizon among the customers of one group (a stage at the as-of date); null with <paramref name="TooSmall"/> when too few to say.</summary>
/// <param name="Treated">Contacted customers of the group (after trimming, for a doubly robust estimate); <paramref name="Comparison"/> likewise.</param>
public sealed record GroupEffect(string Group, int Treated, int Comparison, double? Effect, Interval95? Interval, string? TooSmall)
{
    /// <summary>Whether the interval excludes no effect.</summary>
    public bool Clear => Interval is { } i && (i.Low > 0 || i.High < 0);
}

/// <summary>One kind's effect in each group, measured the way the kind's overall effect is (randomised holdout or doubly robust).</summary>
public sealed record KindGroupEffects(string Kind, EffectDesign Design, IReadOnlyList<GroupEffect> Groups, string? TooSmall);

/// <summary>
/// Each intervention kind's effect within groups of customers (the journey map's stages): the same comparison as the
/// kind's overall effect (<see cref="InterventionEffects"/>), split by the group each compared customer was in at the
/// as-of date. A randomised kind's effect in a group is the arms' difference in churn rates there (its interval as the
/// overall one's); a kind without a control arm is cross-fitted once over all its customers (the propensity and the two
/// outcome models see every group) and its doubly robust scores are averaged per group, with an account-clustered interval.
/// </summary>
public static class GroupEffects
{
    /// <summary>Fewer treated or comparison customers than this in a group: too few to say.</summary>
    public static int MinPerArm(UpliftOptions options) => Math.Max(10, options.MinPerArm / 3);

    /// <param name="groupOf">Each table row's group (null: the row takes no part, for example outside the map's segment).</param>
    public static IReadOnlyList<KindGroupEffects> Of(FeatureTable table, InterventionTable interventions, CustomerTable customers, string?[] groupOf,
        UpliftOptions? options = null)
    {
        options ??= new UpliftOptions();
        if (!table.Labels.ContainsKey(LabelNames.Churn) || table.AsOf is null)
        {
            throw new ArgumentException("effects per group need a feature table as of a date with churn labels");
        }
        var result = new List<KindGroupEffects>();
        foreach (var exposure in Exposure.Of(table, interventions, customers, options))
        {
            result.Add(exposure.Randomised ? Randomised(exposure, groupOf, options) : DoublyRobust(table, exposure, groupOf, options));
        }
        return result;
    }

    private static KindGroupEffects Randomised(Exposure e, string?[] groupOf, UpliftOptions options)
    {
        int min = MinPerArm(options);
        var groups = ByGroup(e, groupOf, Enumerable.Range(0, e.Rows.Length)).Select(g =>
        {
            var part = new Exposure(e.Kind, true, [.. g.Positions.Select(i => e.Rows[i])], [.. g.Positions.Select(i => e.Treated[i])],
                [.. g.Positions.Select(i => e.Churned[i])], [.. g.Positions.Select(i => e.Groups[i])]);
            int treated = part.TreatedCount, comparison = part.ComparisonCount;
            if (TooFew(treated, comparison, min) is { } few)
            {
                return new GroupEffect(g.Group, treated, comparison, null, null, few);
            }
            var (effect, interval) = EffectEstimates.Randomised(part, options);
            return new GroupEffect(g.Group, treated, comparison, effect, interval, null);
        });
        return new KindGroupEffects(e.Kind, EffectDesign.RandomisedHoldout, [.. groups], null);
    }

    private static KindGroupEffects DoublyRobust(FeatureTable table, Exposure e, string?[] groupOf, UpliftOptions options)
    {
        var fold = Folds(e, options.Folds, options.Seed);
        var propensity = new double[e.Rows.Length];
        var mu0 = new double[e.Rows.Length];
        var mu1 = new double[e.Rows.Length];
        for (int f = 0; f < options.Folds; f++)
        {
            var train = Enumerable.Range(0, e.Rows.Length).Where(i => fold[i] != f).ToArray();
            var test = Enumerable.Range(0, e.Rows.Length).Where(i => fold[i] == f).ToArray();
            if (Nuisance.Fit(table, e, train, withPropensity: true, options) is not { } models)
            {
                return new KindGroupEffects(e.Kind, EffectDesign.DoublyRobust, [],
                    "too small to say: a cross-fitting fold has too few treated or comparison customers, or no churner among them");
            }
            var rows = test.Select(i => e.Rows[i]).ToArray();
            Fill(propensity, test, models.Propensity(rows));
            Fill(mu0, test, models.RiskWithout(rows));
            Fill(mu1, test, models.RiskWith(rows));
        }
        var kept = Enumerable.Range(0, e.Rows.Length).Where(i => propensity[i] >= options.Trim && propensity[i] <= 1 - options.Trim);
        int min = MinPerArm(options);
        var groups = ByGroup(e, groupOf, kept).Select(g =>
        {
            int treated = g.Positions.Count(i => e.Treated[i]), comparison = g.Positions.Length - treated;
            if (TooFew(treated, comparison, min) is { } few)
            {
                return new GroupEffect(g.Group, treated, comparison, null, null, few);
            }
            var scores = g.Positions.Select(i => EffectEstimates.Score(e.Treated[i], e.Churned[i], propensity[i], mu0[i], mu1[i])).ToList();
            var (effect, interval) = EffectEstimates.Mean(scores, [.. g.Positions.Select(i => e.Groups[i])]);
            return new GroupEffect(g.Group, treated, comparison, effect, interval, null);
        });
        return new KindGroupEffects(e.Kind, EffectDesign.DoublyRobust, [.. groups], null);
    }

    private static string? TooFew(int treated, int comparison, int min) => treated < min || comparison < min
        ? $"too few to say: {treated} contacted and {comparison} compared (at least {min} each needed)"
        : null;

    private static IEnumerable<(string Group, int[] Positions)> ByGroup(Exposure e, string?[] groupOf, IEnumerable<int> positions) =>
        positions.Where(i => groupOf[e.Rows[i]] is not null).GroupBy(i => groupOf[e.Rows[i]]!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.ToArray()));

    /// <summary>Folds of whole accounts (customers of one account churn together, so no account is split between fitting and scoring).</summary>
    private static int[] Folds(Exposure e, int folds, int seed)
    {
        var random = new Random(seed + 211);
        var order = e.Groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(g => (g, key: random.Next())).OrderBy(x => x.key)
            .Select((x, i) => (x.g, fold: i % folds)).ToDictionary(x => x.g, x => x.fold, StringComparer.Ordinal);
        return [.. e.Groups.Select(g => order[g])];
    }

    private static void Fill(double[] into, int[] positions, float[] values)
    {
        for (int k = 0; k < positions.Length; k++)
        {
            into[positions[k]] = values[k];
        }
    }
}
