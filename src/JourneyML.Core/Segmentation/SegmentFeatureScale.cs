using System.Globalization;
using System.Runtime.Intrinsics;
using JourneyML.Core.Features;

namespace JourneyML.Core.Segmentation;

/// <summary>
/// How one feature enters the clustering: optionally log1p, then standardised with the training table's mean and deviation.
/// A categorical column enters as one of these per level (<see cref="Level"/>): the level's indicator (1 or 0), centred on
/// its share and divided by a deviation that gives the whole column the weight it is meant to have.
/// </summary>
internal sealed record SegmentFeatureScale(string Name, bool Log, double Mean, double Std)
{
    /// <summary>For a categorical column: the level this coordinate indicates; null for a numeric feature.</summary>
    public string? Level { get; init; }

    public float Standardise(float raw)
    {
        if (float.IsNaN(raw))
        {
            // Missing (for example no trend with under 60 days of history) sits at the population mean: it pulls towards no segment.
            return 0;
        }
        double z = (Transform(raw) - Mean) / Std;
        return (float)z;
    }

    /// <summary>
    /// <see cref="Standardise(float)"/> over a run of values, eight at a time: the subtraction and division in double lanes
    /// are the same correctly rounded operations as one value's, so every float is the same bit for bit (a test holds it).
    /// A log-scaled feature takes its log1p value by value first (mostly from the table of whole counts).
    /// </summary>
    public void Standardise(ReadOnlySpan<float> raw, Span<float> standardised)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var mean = Vector256.Create(Mean);
            var std = Vector256.Create(Std);
            Span<double> transformed = stackalloc double[Vector256<float>.Count];
            Span<int> index = stackalloc int[Vector256<float>.Count];
            for (; i + Vector256<float>.Count <= raw.Length; i += Vector256<float>.Count)
            {
                var values = Vector256.Create(raw.Slice(i, Vector256<float>.Count));
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(values);
                if (Log)
                {
                    LogOnePlus(values, raw.Slice(i, Vector256<float>.Count), transformed, index);
                    lower = Vector256.Create((ReadOnlySpan<double>)transformed[..4]);
                    upper = Vector256.Create((ReadOnlySpan<double>)transformed[4..]);
                }
                var z = Vector256.Narrow((lower - mean) / std, (upper - mean) / std);
                // A missing value (NaN is unequal to itself) sits at the mean, as one value's does.
                Vector256.ConditionalSelect(Vector256.Equals(values, values), z, Vector256<float>.Zero).CopyTo(standardised[i..]);
            }
        }
        for (; i < raw.Length; i++)
        {
            standardised[i] = Standardise(raw[i]);
        }
    }

    /// <summary>
    /// For a log-scaled feature: the standardised value of every whole count the log table holds, each computed by
    /// <see cref="Standardise(float)"/> itself, so looking a count up gives that float bit for bit with no logarithm and no
    /// division; null for any other feature. 16 KB: built once per model, not per assignment.
    /// </summary>
    internal float[]? StandardisedCounts() => Log ? [.. Enumerable.Range(0, TabledCounts).Select(i => Standardise(i))] : null;

    /// <summary>
    /// <see cref="Standardise(ReadOnlySpan{float}, Span{float})"/> through <paramref name="counts"/> (from
    /// <see cref="StandardisedCounts"/>): eight values at a time, straight from the table when all eight are whole counts
    /// under its end after the clamp at zero (the usual case), value by value otherwise. The same floats either way.
    /// </summary>
    internal void Standardise(ReadOnlySpan<float> raw, Span<float> standardised, float[]? counts)
    {
        if (counts is null || !Vector256.IsHardwareAccelerated)
        {
            Standardise(raw, standardised);
            return;
        }
        int i = 0;
        Span<int> index = stackalloc int[Vector256<float>.Count];
        var end = Vector256.Create((float)counts.Length);
        for (; i + Vector256<float>.Count <= raw.Length; i += Vector256<float>.Count)
        {
            var clamped = Vector256.Max(Vector256.Create(raw.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
            var whole = Vector256.Equals(clamped, Vector256.Floor(clamped)) & Vector256.LessThan(clamped, end);
            if (whole.ExtractMostSignificantBits() != 0xFFu)
            {
                Standardise(raw.Slice(i, Vector256<float>.Count), standardised.Slice(i, Vector256<float>.Count));
                continue;
            }
            Vector256.ConvertToInt32(clamped).CopyTo(index);
            var target = standardised.Slice(i, Vector256<float>.Count);
            for (int k = 0; k < index.Length; k++)
            {
                target[k] = counts[index[k]];
            }
        }
        Standardise(raw[i..], standardised[i..]);
    }

    /// <summary>
    /// <see cref="Transform"/> of eight values: when all eight are whole counts under the table's end (the usual case: counts of
    /// logins, tickets, views), read from the table without a test per value; otherwise value by value. The same doubles
    /// either way (a negative count is clamped to 0 first in both; a missing one is set to 0 by the caller).
    /// </summary>
    private void LogOnePlus(Vector256<float> values, ReadOnlySpan<float> raw, Span<double> transformed, Span<int> index)
    {
        var clamped = Vector256.Max(values, Vector256<float>.Zero);
        var whole = Vector256.Equals(clamped, Vector256.Floor(clamped)) & Vector256.LessThan(clamped, Vector256.Create((float)TabledCounts));
        if (whole.ExtractMostSignificantBits() == 0xFFu)
        {
            Vector256.ConvertToInt32(clamped).CopyTo(index);
            for (int k = 0; k < transformed.Length; k++)
            {
                transformed[k] = s_logOnePlus[index[k]];
            }
            return;
        }
        for (int k = 0; k < transformed.Length; k++)
        {
            transformed[k] = Transform(raw[k]);
        }
    }

    /// <summary>From the standardised space back to the transformed (log1p) scale.</summary>
    public double Unstandardise(double z) => z * Std + Mean;

    // Counts are clamped at zero before log1p: a negative value in a count column is an export error, not a smaller count.
    public double Transform(float raw) => Log ? LogOnePlus(Math.Max(raw, 0f)) : raw;

    private const int TabledCounts = 4096;

    /// <summary>log(1 + count) of the counts most customers have, computed once: the logarithm was most of assigning a segment.</summary>
    private static readonly double[] s_logOnePlus = [.. Enumerable.Range(0, TabledCounts).Select(i => Math.Log(1 + (float)i))];

    /// <summary>log(1 + x) for x &gt;= 0 (in float, 1 + x, as it always was), from the table for whole counts: the same value bit for bit.</summary>
    internal static double LogOnePlus(float x) =>
        x < TabledCounts && x == MathF.Floor(x) ? s_logOnePlus[(int)x] : Math.Log(1 + x);

    /// <summary>The raw values of this coordinate for every row: the numbers, or a level's indicator (NaN where the category is missing).</summary>
    public float[] Values(FeatureTable table)
    {
        if (Level is null)
        {
            return table.NumbersOrNull(Name)
                ?? throw new InvalidInputException($"the feature table has no numeric feature '{Name}' that the segmentation model needs");
        }
        var categories = table.CategoriesOrNull(Name)
            ?? throw new InvalidInputException($"the feature table has no categorical feature '{Name}' that the segmentation model needs");
        return [.. categories.Select(c => c is null ? float.NaN : string.Equals(c, Level, StringComparison.Ordinal) ? 1f : 0f)];
    }
}

/// <summary>One feature column of the table and what the segmentation did with it: used (and how), or left out and why.</summary>
public sealed record SegmentColumnChoice(string Column, string Kind, bool Used, string Reason);

/// <summary>Which features the segmentation uses, and how they are scaled.</summary>
internal static class SegmentFeatures
{
    /// <summary>
    /// Mode A: behaviour that separates how customers use the product (logins, their trend, activity, tickets, content,
    /// pricing). Correlated variants (7-day, previous 30-day counts) are left out so no one signal counts twice.
    /// </summary>
    public static IReadOnlyList<string> BehaviourSet { get; } =
        [FeatureNames.Logins30d, FeatureNames.Logins90d, FeatureNames.LoginTrend, FeatureNames.ActiveDays90d, FeatureNames.Tickets90d, FeatureNames.Content90d, FeatureNames.PricingViews90d];

    private static readonly HashSet<string> s_unlogged = new(StringComparer.OrdinalIgnoreCase) { FeatureNames.LoginTrend, FeatureNames.TicketTrend };

    /// <summary>A categorical column with more levels than this is left out: one-hot columns by the dozen would drown the rest.</summary>
    public const int MaxLevels = 12;

    /// <summary>
    /// The columns to cluster on, and every column's choice: the behaviour set when the table has it (mode A), otherwise
    /// every numeric column with spread and every categorical column with 2 to <see cref="MaxLevels"/> levels (mode B).
    /// </summary>
    public static (IReadOnlyList<string> Names, IReadOnlyList<SegmentColumnChoice> Choices) Choose(FeatureTable table)
    {
        if (BehaviourSet.All(name => table.Find(name) is { Kind: FeatureKind.Numeric }))
        {
            var behaviour = new HashSet<string>(BehaviourSet, StringComparer.OrdinalIgnoreCase);
            var choices = table.Columns.Select(c => behaviour.Contains(c.Name)
                ? new SegmentColumnChoice(c.Name, Kind(c), true, s_unlogged.Contains(c.Name) ? "standardised" : "log-scaled and standardised")
                : new SegmentColumnChoice(c.Name, Kind(c), false, "not a behaviour signal: segments from behaviour logs are found on the behaviour set")).ToList();
            return (BehaviourSet, choices);
        }
        var all = Judged(table);
        if (!all.Any(c => c.Choice.Used))
        {
            throw new InvalidInputException("the feature table has no column that varies between customers to segment on: " +
                string.Join("; ", all.Select(c => $"{c.Name}: {c.Choice.Reason}")));
        }
        return ([.. all.Where(c => c.Choice.Used).Select(c => c.Name)], [.. all.Select(c => c.Choice)]);
    }

    /// <summary>Each column of a ready table (mode B) as the segmentation would take it, without fitting anything.</summary>
    public static List<(string Name, SegmentColumnChoice Choice)> Judged(FeatureTable table) => [.. table.Columns.Select(c => (c.Name, Judge(c)))];

    private static string Kind(FeatureColumn column) => column.Kind == FeatureKind.Numeric ? "numeric" : "categorical";

    private static SegmentColumnChoice Judge(FeatureColumn column)
    {
        string? leftOut = column switch
        {
            NumericColumn n when n.Values.All(float.IsNaN) => "no values",
            NumericColumn n when !HasSpread(n.Values) => "the same value for every customer",
            NumericColumn n when LooksLikeId(n.Values) => "a different whole number on every row: looks like an id, not a trait",
            CategoricalColumn c => CategoricalProblem(c.Values),
            _ => null,
        };
        if (leftOut is not null)
        {
            return new SegmentColumnChoice(column.Name, Kind(column), false, leftOut);
        }
        return column is CategoricalColumn categorical
            ? new SegmentColumnChoice(column.Name, "categorical", true,
                string.Create(CultureInfo.InvariantCulture, $"{Levels(categorical.Values).Count} levels, one-hot encoded"))
            : new SegmentColumnChoice(column.Name, "numeric", true, IsSkewedCount(((NumericColumn)column).Values) ? "log-scaled and standardised" : "standardised");
    }

    private static string? CategoricalProblem(string?[] values)
    {
        var levels = Levels(values);
        int present = values.Count(v => v is not null);
        if (levels.Count == 0)
        {
            return "no values";
        }
        if (levels.Count == 1)
        {
            return "the same value for every customer";
        }
        if (present >= 20 && levels.Count == present)
        {
            return "a different value on every row: an id, a name or free text, not a trait";
        }
        return levels.Count > MaxLevels
            ? string.Create(CultureInfo.InvariantCulture, $"{levels.Count} different values: too many to segment on (at most {MaxLevels}); group them into fewer categories to use it")
            : null;
    }

    /// <summary>A column's levels with their counts, most common first (ties in ordinal order, so the order is stable).</summary>
    internal static List<(string Level, int Count)> Levels(string?[] values) =>
        [.. values.Where(v => v is not null).GroupBy(v => v!, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count())).OrderByDescending(l => l.Item2).ThenBy(l => l.Key, StringComparer.Ordinal)];

    private static bool LooksLikeId(float[] values)
    {
        var present = values.Where(v => !float.IsNaN(v)).ToArray();
        return present.Length >= 50 && present.All(v => v == MathF.Round(v)) && present.Distinct().Count() == present.Length;
    }

    /// <summary>
    /// Fits the scale of each feature on the training table. A categorical column counts as much as one numeric column
    /// (its levels' indicators together have unit variance), unless categorical columns outnumber the numeric ones: then
    /// together they count as much as the numeric ones, so a table of many yes/no columns is not segmented on those alone.
    /// </summary>
    public static SegmentFeatureScale[] Fit(FeatureTable table, IReadOnlyList<string> names, bool behaviourSet)
    {
        var columns = names.Select(name => table[name]).ToList();
        int numeric = columns.Count(c => c is NumericColumn), categorical = columns.Count - numeric;
        double weight = numeric == 0 || categorical <= numeric ? 1 : Math.Sqrt((double)numeric / categorical);
        var scales = new List<SegmentFeatureScale>();
        foreach (var column in columns)
        {
            if (column is CategoricalColumn c)
            {
                scales.AddRange(FitLevels(c, weight));
            }
            else
            {
                var values = ((NumericColumn)column).Values;
                bool log = behaviourSet ? !s_unlogged.Contains(column.Name) : IsSkewedCount(values);
                scales.Add(FitNumeric(column.Name, values, log));
            }
        }
        return [.. scales];
    }

    private static SegmentFeatureScale FitNumeric(string name, float[] values, bool log)
    {
        double sum = 0, sumSquares = 0;
        long n = 0;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            double t = log ? Math.Log(1 + Math.Max(v, 0f)) : v;
            sum += t;
            sumSquares += t * t;
            n++;
        }
        double mean = n > 0 ? sum / n : 0;
        double variance = n > 0 ? Math.Max(0, sumSquares / n - mean * mean) : 0;
        double std = Math.Sqrt(variance);
        // A constant feature carries no information; a unit deviation keeps it at zero instead of dividing by zero.
        return new SegmentFeatureScale(name, log, mean, std > 1e-9 ? std : 1);
    }

    /// <summary>
    /// One coordinate per level: the indicator centred on the level's share p, divided by sqrt(sum of p(1 - p)) / weight, so
    /// the column's coordinates add up to the variance <paramref name="weight"/> squared. Raw indicators (not each
    /// standardised) keep a rare level from pulling as hard as a common one.
    /// </summary>
    internal static IEnumerable<SegmentFeatureScale> FitLevels(CategoricalColumn column, double weight)
    {
        var levels = Levels(column.Values);
        double present = levels.Sum(l => l.Count);
        double variance = levels.Sum(l => l.Count / present * (1 - l.Count / present));
        double std = variance > 1e-12 ? Math.Sqrt(variance) / weight : 1;
        return levels.Select(l => new SegmentFeatureScale(column.Name, false, l.Count / present, std) { Level = l.Level });
    }

    private static bool HasSpread(float[] values)
    {
        float first = float.NaN;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            if (float.IsNaN(first))
            {
                first = v;
            }
            else if (v != first)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Non-negative with a long right tail (skewness above 1): counts, amounts, durations, where log1p evens out the scale.</summary>
    private static bool IsSkewedCount(float[] values)
    {
        double sum = 0, sumSquares = 0, sumCubes = 0;
        long n = 0;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            if (v < 0)
            {
                return false;
            }
            sum += v;
            n++;
        }
        if (n < 3)
        {
            return false;
        }
        double mean = sum / n;
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                double d = v - mean;
                sumSquares += d * d;
                sumCubes += d * d * d;
            }
        }
        double variance = sumSquares / n;
        return variance > 0 && sumCubes / n / Math.Pow(variance, 1.5) > 1;
    }
}
