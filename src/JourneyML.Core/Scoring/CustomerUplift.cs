using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Uplift;

namespace JourneyML.Core.Scoring;

/// <summary>
/// Each paying customer's uplift as a snapshot keeps it, from the intervention effects of the model version that scored
/// it: the best action (<c>best_action</c>, the kind as the export names it: 電話 stays 電話), the expected reduction in
/// churn risk within the horizon if given it now (<c>uplift</c>, the measured effect in the customer's segment, shrunk
/// toward the kind's), that effect's 95% interval (<c>uplift_low</c>, <c>uplift_high</c>), and the uplift of every
/// measured kind (<c>uplift_of_</c> + kind). Empty (NaN, null) for customers who are not paying and where no measured kind
/// helps. Null on a snapshot whose model version had no interventions table.
/// </summary>
public sealed record CustomerUplift(float[] Uplift, float[] Low, float[] High, string?[] BestAction, IReadOnlyDictionary<string, float[]> ByKind)
{
    public const string UpliftColumn = "uplift";
    public const string LowColumn = "uplift_low";
    public const string HighColumn = "uplift_high";
    public const string BestActionColumn = "best_action";
    /// <summary>Prefix of the per-kind uplift columns (<c>uplift_of_cs_call</c>, <c>uplift_of_電話</c>).</summary>
    public const string KindPrefix = "uplift_of_";

    /// <summary>Whether a row's uplift rests on a clear effect (its interval excludes 0); false where the interval includes 0 or there is none.</summary>
    public bool IsClear(int row) => Low[row] > 0 || High[row] < 0;

    /// <summary>The uplift of the paying rows, read off their segments (one lookup per segment); null without intervention effects.</summary>
    public static CustomerUplift? Of(CustomerStatus[] status, float[] churnRisk, int[] segments, InterventionMetadata? interventions)
    {
        if (interventions is null)
        {
            return null;
        }
        int n = status.Length;
        var kinds = interventions.MeasuredKinds.ToArray();
        var uplift = Empty(n);
        var low = Empty(n);
        var high = Empty(n);
        var best = new string?[n];
        var byKind = kinds.ToDictionary(k => k, _ => Empty(n), StringComparer.Ordinal);
        var bySegment = segments.Distinct().ToDictionary(id => id, id => Segment(interventions, kinds, id));
        for (int r = 0; r < n; r++)
        {
            if (status[r] != CustomerStatus.Customer || float.IsNaN(churnRisk[r]))
            {
                continue;
            }
            var s = bySegment[segments[r]];
            (best[r], uplift[r], low[r], high[r]) = (s.Best, s.Uplift, s.Low, s.High);
            for (int k = 0; k < kinds.Length; k++)
            {
                byKind[kinds[k]][r] = s.ByKind[k];
            }
        }
        return new CustomerUplift(uplift, low, high, best, byKind);
    }

    private static (string? Best, float Uplift, float Low, float High, float[] ByKind) Segment(InterventionMetadata interventions, string[] kinds, int segment)
    {
        var byKind = kinds.Select(k => interventions.UpliftOf(k, segment) is { } u ? (float)u : float.NaN).ToArray();
        if (interventions.BestAction(segment) is not { } best)
        {
            return (null, float.NaN, float.NaN, float.NaN, byKind);
        }
        var interval = interventions.UpliftIntervalOf(best, segment);
        return (best, (float)interventions.UpliftOf(best, segment)!.Value, (float)(interval?.Low ?? double.NaN), (float)(interval?.High ?? double.NaN), byKind);
    }

    /// <summary>
    /// Paying customers with a best action by its uplift, highest first, then those no measured kind helps; ties, and each
    /// group, in the order of <paramref name="rankedByRisk"/> (the churn-risk list).
    /// </summary>
    public int[] Ranked(int[] rankedByRisk) =>
        [.. rankedByRisk.Select((r, i) => (r, i)).OrderByDescending(x => float.IsNaN(Uplift[x.r]) ? double.NegativeInfinity : Uplift[x.r]).ThenBy(x => x.i).Select(x => x.r)];

    /// <summary>The text columns a snapshot writes.</summary>
    internal IEnumerable<(string Name, IReadOnlyCollection<string?> Values)> TextColumns() => [(BestActionColumn, BestAction)];

    /// <summary>The number columns a snapshot writes, per-kind ones in the metadata's order of kinds.</summary>
    internal IEnumerable<(string Name, float[] Values)> NumberColumns() =>
        [(UpliftColumn, Uplift), (LowColumn, Low), (HighColumn, High), .. ByKind.Select(k => (KindPrefix + k.Key, k.Value))];

    /// <summary>The uplift columns of a snapshot file; null when it has none (a model version without interventions, a snapshot written before them).</summary>
    internal static CustomerUplift? Read(TableReader reader, string path, int rows)
    {
        string[] fixedColumns = [BestActionColumn, UpliftColumn, LowColumn, HighColumn];
        if (fixedColumns.Any(c => reader.IndexOf(c) < 0))
        {
            return null;
        }
        var kindColumns = reader.Columns.Where(c => c.StartsWith(KindPrefix, StringComparison.Ordinal)).ToArray();
        var best = new string?[rows];
        var numbers = Enumerable.Range(0, 3 + kindColumns.Length).Select(_ => new float[rows]).ToArray();
        int row = 0;
        foreach (var chunk in reader.ReadAll([.. fixedColumns, .. kindColumns]))
        {
            for (int i = 0; i < chunk.RowCount; i++, row++)
            {
                if (row == rows)
                {
                    throw Mismatch(path, "more");
                }
                best[row] = chunk.GetString(0, i) is { Length: > 0 } kind ? kind : null;
                for (int c = 0; c < numbers.Length; c++)
                {
                    numbers[c][row] = chunk.TryGetOptionalDouble(1 + c, i, out var v) ? (float)v : float.NaN;
                }
            }
        }
        return row == rows
            ? new CustomerUplift(numbers[0], numbers[1], numbers[2], best,
                kindColumns.Select((c, k) => (c, k)).ToDictionary(x => x.c[KindPrefix.Length..], x => numbers[3 + x.k], StringComparer.Ordinal))
            : throw Mismatch(path, "fewer");
    }

    private static DataFileException Mismatch(string path, string which) =>
        new(path, $"the uplift columns have {which} rows than the snapshot: not a snapshot JourneyML wrote", UpliftColumn);

    private static float[] Empty(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
