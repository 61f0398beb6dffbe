using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Segmentation;

/// <summary>
/// Hidden segments from behaviour: k-means on scaled behavioural features, k chosen from the data, ids kept stable
/// against the model in service, and each segment described in numbers and words.
/// </summary>
public static class BehaviourSegmentation
{
    /// <summary>
    /// k-means runs per k, keeping the lowest inertia: few k-means++ starts land in a poor local optimum often enough
    /// (two planted segments merged, one split) to make the choice of k erratic: with 3 starts the 100,000-customer
    /// benchmark got ARI 0.75 and k = 6; with 8, ARI 0.86 and k = 7 (segmentation 8 s -> 14 s there).
    /// </summary>
    internal static int Starts { get; set; } = 8;

    /// <summary>
    /// Small tables get more starts, up to <see cref="MaxStarts"/> while rows x starts stay within this budget: a start on
    /// 2,000 rows costs about a millisecond, and on weakly structured data 8 starts miss the best optimum often (on the
    /// 900-customer telco table a third of single starts reach it at k = 3: 8 starts miss it one time in three, as
    /// scikit-learn's n_init 8 does). From 31,250 rows on it is <see cref="Starts"/>, scikit-learn's n_init in the peer benchmark.
    /// </summary>
    internal const int StartRowBudget = 250_000;

    internal const int MaxStarts = 32;

    internal static int StartsFor(int rows) => Math.Clamp(StartRowBudget / Math.Max(1, rows), Starts, Math.Max(Starts, MaxStarts));

    /// <summary>Which columns of a table the segments would be found on, and why each other one would be left out (what <c>validate</c> shows).</summary>
    public static IReadOnlyList<SegmentColumnChoice> ColumnChoices(FeatureTable table) =>
        SegmentFeatures.BehaviourSet.All(name => table.Find(name) is { Kind: FeatureKind.Numeric })
            ? SegmentFeatures.Choose(table).Choices
            : [.. SegmentFeatures.Judged(table).Select(c => c.Choice)];

    public static SegmentationResult Train(FeatureTable table, SegmentationOptions options, SegmentationModel? champion = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (table.RowCount < 2)
        {
            throw new InvalidInputException("segmentation needs at least two customers");
        }
        var (scales, columns) = FitScales(table, champion);
        int n = table.RowCount, d = scales.Length;
        var rows = Standardise(table, scales);

        var ks = options.FixedK is { } fixedK
            ? [fixedK]
            : Enumerable.Range(options.MinK, options.MaxK - options.MinK + 1).ToArray();
        ks = ks.Where(k => k <= n).ToArray();
        if (ks.Length == 0)
        {
            throw new InvalidInputException($"{n} customers are too few for {options.MinK} or more segments");
        }

        var sample = SampleRows(n, options.SampleSize, options.Seed);
        var sampleDistances = options.FixedK is null ? PairwiseDistances(rows.Subset(sample)) : null;
        var fits = new List<KMeansFit>();
        var candidates = new List<KCandidate>();
        foreach (int k in ks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fit = KMeansClustering.Fit(rows, new KMeansSettings(k, StartsFor(n), options.Seed), cancellationToken);
            fits.Add(fit);
            double silhouette = sampleDistances is null ? double.NaN : Silhouette(sampleDistances, sample.Select(i => fit.Labels[i]).ToArray(), k);
            candidates.Add(new KCandidate(k, silhouette, fit.Inertia, CalinskiHarabasz(rows, fit, d), double.NaN, double.NaN));
        }

        if (sampleDistances is not null)
        {
            var gaps = Gap(rows, sample, fits, options.Seed);
            candidates = candidates.Select((c, i) => c with { Gap = gaps[i].Gap, GapError = gaps[i].Error }).ToList();
        }
        var (chosenK, reason) = options.FixedK is { } f
            ? (f, $"{f} segments, as asked")
            : ChooseK(candidates);
        var chosen = fits[ks.IndexOf(chosenK)];

        var sizes = new int[chosenK];
        foreach (int label in chosen.Labels)
        {
            sizes[label]++;
        }
        var (ids, newSegments, vanished) = champion is null
            ? (IdsBySize(sizes), Array.Empty<int>(), Array.Empty<int>())
            : MatchChampion(champion, scales, chosen.Centroids, sizes, options.NewSegmentDistance);

        var assignments = chosen.Labels.Select(c => ids[c]).ToArray();
        var unnamed = new SegmentationModel(scales, chosen.Centroids, ids, ids.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToArray());
        var profiles = SegmentProfiles.Build(table, unnamed, chosen.Labels, sizes, newSegments);
        var names = ids.Select(id => profiles.First(p => p.SegmentId == id).Name).ToArray();
        var japanese = ids.Select(id => profiles.First(p => p.SegmentId == id).NameJapanese ?? "").ToArray();
        return new SegmentationResult(unnamed.WithNames(names, japanese), assignments, profiles, candidates, chosenK, reason, newSegments, vanished) { Columns = columns };
    }

    private static (SegmentFeatureScale[] Scales, IReadOnlyList<SegmentColumnChoice> Columns) FitScales(FeatureTable table, SegmentationModel? champion)
    {
        if (champion is null)
        {
            var (names, choices) = SegmentFeatures.Choose(table);
            return (SegmentFeatures.Fit(table, names, ReferenceEquals(names, SegmentFeatures.BehaviourSet)), choices);
        }
        // The same features with the same transforms as the champion, so its centroids can be carried into this model's space.
        var missing = champion.Scales.Where(s => table.Find(s.Name) is not { } c || (c.Kind == FeatureKind.Categorical) != (s.Level is not null))
            .Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInputException($"the feature table lacks the champion segmentation's features: {string.Join(", ", missing)}");
        }
        var used = new HashSet<string>(champion.FeatureNames, StringComparer.OrdinalIgnoreCase);
        var kept = table.Columns.Select(c => new SegmentColumnChoice(c.Name, c.Kind == FeatureKind.Numeric ? "numeric" : "categorical", used.Contains(c.Name),
            used.Contains(c.Name) ? "as in the champion segmentation" : "not used by the champion segmentation, whose segments are kept")).ToList();
        var scales = champion.Scales.Select(s => s.Level is null ? Refit(table, s) : null).ToArray();
        foreach (var group in champion.Scales.Select((s, i) => (s, i)).Where(x => x.s.Level is not null).GroupBy(x => x.s.Name, StringComparer.Ordinal))
        {
            var categories = table.Categories(group.Key);
            int present = categories.Count(v => v is not null);
            var shares = group.Select(x => present == 0 ? 0 : categories.Count(v => string.Equals(v, x.s.Level, StringComparison.Ordinal)) / (double)present).ToList();
            double variance = shares.Sum(p => p * (1 - p));
            var first = group.First().s;
            // The champion's weight for the column (its deviation against its own level variance), on this table's levels.
            double oldVariance = group.Sum(x => x.s.Mean * (1 - x.s.Mean));
            double weight = oldVariance > 1e-12 ? Math.Sqrt(oldVariance) / first.Std : 1;
            double std = variance > 1e-12 ? Math.Sqrt(variance) / weight : first.Std;
            int j = 0;
            foreach (var (s, i) in group)
            {
                scales[i] = s with { Mean = shares[j++], Std = std };
            }
        }
        return ([.. scales.Select(s => s!)], kept);
    }

    private static SegmentFeatureScale Refit(FeatureTable table, SegmentFeatureScale like)
    {
        var values = table.Numbers(like.Name);
        double sum = 0, sumSquares = 0;
        long n = 0;
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                double t = like.Transform(v);
                sum += t;
                sumSquares += t * t;
                n++;
            }
        }
        double mean = n > 0 ? sum / n : 0;
        double std = n > 0 ? Math.Sqrt(Math.Max(0, sumSquares / n - mean * mean)) : 0;
        return like with { Mean = mean, Std = std > 1e-9 ? std : 1 };
    }

    /// <summary>The table's rows in the model's standardised space, one contiguous buffer (what the k-means kernel reads).</summary>
    private static PointMatrix Standardise(FeatureTable table, SegmentFeatureScale[] scales)
    {
        var columns = scales.Select(s => s.Values(table)).ToArray();
        int d = scales.Length;
        var values = new float[table.RowCount * d];
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, table.RowCount, 16_384), range =>
        {
            for (int r = range.Item1; r < range.Item2; r++)
            {
                for (int j = 0; j < d; j++)
                {
                    values[r * d + j] = scales[j].Standardise(columns[j][r]);
                }
            }
        });
        return new PointMatrix(values, d);
    }

    /// <summary>A deterministic random subset of row indices (all rows when there are few), sorted.</summary>
    private static int[] SampleRows(int n, int size, int seed)
    {
        if (n <= size)
        {
            return Enumerable.Range(0, n).ToArray();
        }
        var random = new Random(seed);
        var indices = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < size; i++)
        {
            int j = random.Next(i, n);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        var sample = indices[..size];
        Array.Sort(sample);
        return sample;
    }

    private static float[][] PairwiseDistances(PointMatrix sample)
    {
        int m = sample.Count;
        var distances = new float[m][];
        Parallel.For(0, m, i =>
        {
            var row = new float[m];
            var own = sample.Row(i);
            for (int j = 0; j < m; j++)
            {
                row[j] = MathF.Sqrt(KMeansClustering.SquaredDistance(own, sample.Row(j)));
            }
            distances[i] = row;
        });
        return distances;
    }

    /// <summary>Mean silhouette of the sample: how much closer each customer is to its own segment than to the nearest other one.</summary>
    private static double Silhouette(float[][] distances, int[] labels, int k)
    {
        int m = labels.Length;
        var counts = new int[k];
        foreach (int label in labels)
        {
            counts[label]++;
        }
        var scores = new double[m];
        Parallel.For(0, m, i =>
        {
            var sums = new double[k];
            var row = distances[i];
            for (int j = 0; j < m; j++)
            {
                sums[labels[j]] += row[j];
            }
            int own = labels[i];
            if (counts[own] <= 1)
            {
                scores[i] = 0;
                return;
            }
            double a = sums[own] / (counts[own] - 1);
            double b = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                if (c != own && counts[c] > 0)
                {
                    b = Math.Min(b, sums[c] / counts[c]);
                }
            }
            scores[i] = double.IsPositiveInfinity(b) ? 0 : (b - a) / Math.Max(Math.Max(a, b), 1e-12);
        });
        return scores.Average();
    }

    /// <summary>Calinski-Harabasz: spread between segments against spread within them, each per degree of freedom.</summary>
    private static double CalinskiHarabasz(PointMatrix rows, KMeansFit fit, int d)
    {
        int n = rows.Count, k = fit.Centroids.Length;
        if (k < 2 || n <= k)
        {
            return double.NaN;
        }
        var mean = new double[d];
        for (int r = 0; r < n; r++)
        {
            var row = rows.Row(r);
            for (int j = 0; j < d; j++)
            {
                mean[j] += row[j];
            }
        }
        double total = 0;
        for (int r = 0; r < n; r++)
        {
            var row = rows.Row(r);
            for (int j = 0; j < d; j++)
            {
                double diff = row[j] - mean[j] / n;
                total += diff * diff;
            }
        }
        double within = fit.Inertia;
        double between = Math.Max(0, total - within);
        return within <= 0 ? double.PositiveInfinity : between / (k - 1) / (within / (n - k));
    }

    /// <summary>
    /// Gap statistic (Tibshirani, Walther and Hastie 2001) on the sample: log within-segment dispersion against its
    /// expectation for uniform data in the sample's bounding box, with the standard error of that expectation.
    /// </summary>
    internal static (double Gap, double Error)[] Gap(PointMatrix rows, int[] sample, IReadOnlyList<KMeansFit> fits, int seed, int references = 5)
    {
        int d = rows.Dimensions, m = sample.Length;
        var min = new float[d];
        var max = new float[d];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        foreach (int i in sample)
        {
            var row = rows.Row(i);
            for (int j = 0; j < d; j++)
            {
                min[j] = Math.Min(min[j], row[j]);
                max[j] = Math.Max(max[j], row[j]);
            }
        }
        var random = new Random(seed);
        // Drawn row by row, feature by feature, in the same order as before the own k-means: the same reference data.
        var referenceSets = Enumerable.Range(0, references).Select(_ => new PointMatrix(Enumerable.Range(0, m)
            .SelectMany(_ => Enumerable.Range(0, d).Select(j => (float)(min[j] + random.NextDouble() * (max[j] - min[j])))).ToArray(), d)).ToArray();
        var result = new (double, double)[fits.Count];
        for (int f = 0; f < fits.Count; f++)
        {
            var fit = fits[f];
            double w = sample.Sum(i => (double)KMeansClustering.SquaredDistance(rows.Row(i), fit.Centroids[fit.Labels[i]]));
            // Reference fits in parallel, each seeded by its index: the same values as one after another.
            var logs = new double[references];
            Parallel.For(0, references, b => logs[b] = Math.Log(
                KMeansClustering.Fit(referenceSets[b], new KMeansSettings(fit.Centroids.Length, 1, seed + 100 + b)).Inertia));
            double mean = logs.Average();
            double sd = Math.Sqrt(logs.Average(l => (l - mean) * (l - mean)));
            result[f] = (mean - Math.Log(w), sd * Math.Sqrt(1 + 1.0 / references));
        }
        return result;
    }

    /// <summary>
    /// Least gain in the gap statistic that justifies one more segment: the next segment must cut the log within-segment
    /// dispersion by 0.065 more than it would on data without structure. On generated exports (seeds 3, 9 and the committed
    /// sample) the planted seventh segment adds 0.080-0.092 and an eighth, spurious one 0.046-0.058.
    /// </summary>
    internal const double MinimumGapGain = 0.065;

    /// <summary>
    /// Silhouette with a minimum-gain rule. The silhouette's best k finds the clear-cut structure but merges neighbouring
    /// segments that overlap (for example heavy and moderate users); from there, segments are added while each one still
    /// explains clearly more than chance (gap statistic gain of at least <see cref="MinimumGapGain"/>).
    /// </summary>
    internal static (int K, string Reason) ChooseK(IReadOnlyList<KCandidate> candidates)
    {
        int best = 0;
        for (int i = 1; i < candidates.Count; i++)
        {
            if (candidates[i].Silhouette > candidates[best].Silhouette)
            {
                best = i;
            }
        }
        int chosen = best;
        while (chosen + 1 < candidates.Count && candidates[chosen + 1].Gap - candidates[chosen].Gap >= MinimumGapGain)
        {
            chosen++;
        }
        var peak = candidates[best];
        var pick = candidates[chosen];
        string next = chosen + 1 < candidates.Count
            ? string.Create(CultureInfo.InvariantCulture, $"; a further segment would add only {candidates[chosen + 1].Gap - pick.Gap:F3}")
            : "";
        string reason = chosen == best
            ? string.Create(CultureInfo.InvariantCulture, $"k = {pick.K} has the highest silhouette ({pick.Silhouette:F3}){next}.")
            : string.Create(CultureInfo.InvariantCulture,
                $"k = {pick.K}: the silhouette peaks at k = {peak.K} ({peak.Silhouette:F3}) and each segment up to {pick.K} still raises the gap statistic by at least {MinimumGapGain}{next}.");
        return (pick.K, reason);
    }

    private static int[] IdsBySize(int[] sizes)
    {
        var order = Enumerable.Range(0, sizes.Length).OrderByDescending(c => sizes[c]).ThenBy(c => c).ToArray();
        var ids = new int[sizes.Length];
        for (int rank = 0; rank < order.Length; rank++)
        {
            ids[order[rank]] = rank;
        }
        return ids;
    }

    private static (int[] Ids, int[] New, int[] Vanished) MatchChampion(SegmentationModel champion, SegmentFeatureScale[] scales,
        float[][] centroids, int[] sizes, double newDistance)
    {
        // The champion's centroids back to the transformed scale with its own scaling, then into this model's standardised space.
        var old = champion.Centroids
            .Select(c => c.Select((z, j) => (champion.Scales[j].Unstandardise(z) - scales[j].Mean) / scales[j].Std).ToArray())
            .ToArray();
        var cost = new double[centroids.Length, old.Length];
        for (int i = 0; i < centroids.Length; i++)
        {
            for (int j = 0; j < old.Length; j++)
            {
                double sum = 0;
                for (int f = 0; f < scales.Length; f++)
                {
                    double diff = centroids[i][f] - old[j][f];
                    sum += diff * diff;
                }
                cost[i, j] = Math.Sqrt(sum);
            }
        }
        var match = SegmentMatching.MinimumCost(cost);
        var ids = new int[centroids.Length];
        int next = champion.SegmentIds.Max() + 1;
        var used = new HashSet<int>();
        var fresh = new List<int>();
        foreach (int c in Enumerable.Range(0, centroids.Length).OrderByDescending(c => sizes[c]).ThenBy(c => c))
        {
            if (match[c] >= 0 && cost[c, match[c]] <= newDistance)
            {
                ids[c] = champion.SegmentIds[match[c]];
                used.Add(ids[c]);
            }
            else
            {
                ids[c] = next++;
                fresh.Add(ids[c]);
            }
        }
        var vanished = champion.SegmentIds.Where(id => !used.Contains(id)).Order().ToArray();
        return (ids, fresh.ToArray(), vanished);
    }
}
