namespace JourneyML.Core.Segmentation;

/// <summary>Settings of one k-means fit.</summary>
/// <param name="Starts">Independent k-means++ starts; the lowest inertia wins (scikit-learn's n_init).</param>
/// <param name="Tolerance">Lloyd stops once an iteration lowers the inertia by less than this fraction of it.</param>
/// <param name="Threads">Cores to use; the result does not depend on it.</param>
internal sealed record KMeansSettings(int Clusters, int Starts, int Seed, double Tolerance = 1e-6, int MaxIterations = 1000, int Threads = 0);

/// <summary>A fitted k-means: centroids, each row's nearest centroid under them and the within-segment sum of squares.</summary>
internal sealed record KMeansFit(float[][] Centroids, int[] Labels, double Inertia, int Iterations);

/// <summary>
/// k-means on every core: greedy k-means++ seeding (as scikit-learn's: 2 + ln k candidates per centre, the one that lowers
/// the potential most), then Lloyd iterations on the <see cref="CentroidKernel"/>. Starts run side by side; within a start
/// the rows are cut into fixed chunks of <see cref="ChunkRows"/>, each chunk's sums, counts and inertia go to its own slot
/// and the slots are added in chunk order, so the result is the same bit for bit on one core or many: it follows the seed only.
/// </summary>
internal static class KMeansClustering
{
    /// <summary>Rows per chunk: 1,024 rows of a few features stay in the core's cache while their centroid sums are added.</summary>
    internal const int ChunkRows = 1024;

    public static KMeansFit Fit(PointMatrix points, KMeansSettings settings, CancellationToken cancellationToken = default)
    {
        if (settings.Clusters < 1 || settings.Clusters > points.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"{settings.Clusters} clusters for {points.Count} rows");
        }
        if (settings.Starts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "at least one start");
        }
        var (concurrent, threadsEach) = Split(settings);
        var fits = new KMeansFit[settings.Starts];
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrent, CancellationToken = cancellationToken };
        Parallel.For(0, settings.Starts, options, s => fits[s] = FitOnce(points, settings with { Threads = threadsEach }, settings.Seed + s, cancellationToken));
        KMeansFit best = fits[0];
        foreach (var fit in fits)
        {
            // The first of equal inertias: the starts' order decides, never the timing.
            if (fit.Inertia < best.Inertia)
            {
                best = fit;
            }
        }
        return best;
    }

    /// <summary>
    /// How many starts run at once and on how many cores each. Every start syncs its cores once per pass over the rows (a
    /// k-means++ draw, a Lloyd iteration); starts side by side need no sync at all, so the cores go to whole starts first
    /// and only the cores left over (more cores than starts) split each start's rows. A start's result does not depend on
    /// its cores, so neither does the fit.
    /// </summary>
    internal static (int Concurrent, int ThreadsEach) Split(KMeansSettings settings)
    {
        int cores = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount;
        int concurrent = Math.Clamp(Math.Min(settings.Starts, cores), 1, cores);
        return (concurrent, Math.Max(1, cores / concurrent));
    }

    private static KMeansFit FitOnce(PointMatrix points, KMeansSettings settings, int seed, CancellationToken cancellationToken)
    {
        var chunks = new Chunks(points.Count, settings.Threads, cancellationToken);
        var centroids = KMeansPlusPlus(points, settings.Clusters, new Random(seed), chunks);
        var labels = new int[points.Count];
        Array.Fill(labels, -1);
        var distances = new float[points.Count];
        int k = settings.Clusters, d = points.Dimensions;
        // Per chunk: k x d sums, k counts, the inertia and the number of rows that changed segment.
        int slot = k * d + k + 2;
        var partials = new double[chunks.Count * slot];
        double previous = double.PositiveInfinity;
        for (int iteration = 1; ; iteration++)
        {
            var kernel = new CentroidKernel(centroids, d);
            Array.Clear(partials);
            chunks.Run((from, to, c) => AssignChunk(points, kernel, labels, distances, partials.AsSpan(c * slot, slot), from, to));
            var total = new double[slot];
            for (int c = 0; c < chunks.Count; c++)
            {
                var part = partials.AsSpan(c * slot, slot);
                for (int i = 0; i < slot; i++)
                {
                    total[i] += part[i];
                }
            }
            double inertia = total[slot - 2], changed = total[slot - 1];
            // The labels always belong to the centroids returned: the stop comes right after an assignment.
            if (changed == 0 || previous - inertia <= settings.Tolerance * inertia || iteration >= settings.MaxIterations)
            {
                return new KMeansFit(centroids, labels, inertia, iteration);
            }
            previous = inertia;
            centroids = Update(total, k, d);
            Relocate(points, centroids, total.AsSpan(k * d, k), distances);
        }
    }

    private static void AssignChunk(PointMatrix points, CentroidKernel kernel, int[] labels, float[] distances, Span<double> partial, int from, int to)
    {
        int k = kernel.Clusters, d = points.Dimensions;
        var norms = points.SquaredNorms;
        double inertia = 0;
        int changed = 0;
        for (int r = from; r < to; r++)
        {
            var row = points.Row(r);
            int label = kernel.Nearest(row, norms[r], out float distance);
            if (label != labels[r])
            {
                changed++;
                labels[r] = label;
            }
            distances[r] = distance;
            inertia += distance;
            var sums = partial.Slice(label * d, d);
            for (int j = 0; j < d; j++)
            {
                sums[j] += row[j];
            }
            partial[k * d + label]++;
        }
        partial[^2] = inertia;
        partial[^1] = changed;
    }

    private static float[][] Update(double[] total, int k, int d)
    {
        var centroids = new float[k][];
        for (int c = 0; c < k; c++)
        {
            double count = total[k * d + c];
            centroids[c] = new float[d];
            for (int j = 0; j < d && count > 0; j++)
            {
                centroids[c][j] = (float)(total[c * d + j] / count);
            }
        }
        return centroids;
    }

    /// <summary>
    /// A centroid that lost every row moves to the row farthest from its own centroid (the next farthest for the next empty
    /// one), as scikit-learn does, so a start never ends with fewer segments than asked.
    /// </summary>
    private static void Relocate(PointMatrix points, float[][] centroids, ReadOnlySpan<double> counts, float[] distances)
    {
        HashSet<int>? taken = null;
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] > 0)
            {
                continue;
            }
            taken ??= [];
            int far = -1;
            for (int r = 0; r < distances.Length; r++)
            {
                if ((far < 0 || distances[r] > distances[far]) && !taken.Contains(r))
                {
                    far = r;
                }
            }
            taken.Add(far);
            centroids[c] = points.Row(far).ToArray();
        }
    }

    /// <summary>
    /// Greedy k-means++ (Arthur and Vassilvitskii 2007, with scikit-learn's local trials): each next centre is the best of
    /// 2 + ln k rows drawn with probability proportional to their squared distance to the nearest centre so far. Every
    /// pass over the rows runs on all cores in fixed chunks; draws are located through the chunks' sums in chunk order.
    /// </summary>
    private static float[][] KMeansPlusPlus(PointMatrix points, int k, Random random, Chunks chunks)
    {
        int n = points.Count;
        var centres = new float[k][];
        centres[0] = points.Row(random.Next(n)).ToArray();
        var closest = new float[n];
        Array.Fill(closest, float.PositiveInfinity);
        var chunkSums = new double[chunks.Count];
        chunks.Run((from, to, c) => chunkSums[c] = Closest(points, centres[0], closest, from, to));
        int trials = 2 + (int)Math.Log(k);
        var candidates = new int[trials];
        var potentials = new double[chunks.Count * trials];
        for (int next = 1; next < k; next++)
        {
            double potential = chunkSums.Sum();
            for (int t = 0; t < trials; t++)
            {
                candidates[t] = Draw(closest, chunkSums, random.NextDouble() * potential, chunks);
            }
            chunks.Run((from, to, c) =>
            {
                for (int t = 0; t < trials; t++)
                {
                    potentials[c * trials + t] = PotentialWith(points, points.Row(candidates[t]), closest, from, to);
                }
            });
            int best = 0;
            double bestPotential = double.PositiveInfinity;
            for (int t = 0; t < trials; t++)
            {
                double sum = 0;
                for (int c = 0; c < chunks.Count; c++)
                {
                    sum += potentials[c * trials + t];
                }
                if (sum < bestPotential)
                {
                    bestPotential = sum;
                    best = t;
                }
            }
            centres[next] = points.Row(candidates[best]).ToArray();
            chunks.Run((from, to, c) => chunkSums[c] = Closest(points, centres[next], closest, from, to));
        }
        return centres;
    }

    /// <summary>The row where the running sum of <paramref name="closest"/> passes <paramref name="target"/>.</summary>
    private static int Draw(float[] closest, double[] chunkSums, double target, Chunks chunks)
    {
        int chunk = 0;
        while (chunk < chunkSums.Length - 1 && target >= chunkSums[chunk])
        {
            target -= chunkSums[chunk];
            chunk++;
        }
        var (from, to) = chunks.Range(chunk);
        int last = from;
        for (int r = from; r < to; r++)
        {
            if (closest[r] > 0)
            {
                last = r;
                target -= closest[r];
                if (target < 0)
                {
                    return r;
                }
            }
        }
        // Rounding left a sliver past the last row with weight: that row.
        return last;
    }

    /// <summary>Lowers each row's distance to its nearest centre by a new centre; returns the chunk's potential.</summary>
    private static double Closest(PointMatrix points, float[] centre, float[] closest, int from, int to)
    {
        double sum = 0;
        for (int r = from; r < to; r++)
        {
            closest[r] = Math.Min(closest[r], SquaredDistance(points.Row(r), centre));
            sum += closest[r];
        }
        return sum;
    }

    private static double PotentialWith(PointMatrix points, ReadOnlySpan<float> candidate, float[] closest, int from, int to)
    {
        double sum = 0;
        for (int r = from; r < to; r++)
        {
            sum += Math.Min(closest[r], SquaredDistance(points.Row(r), candidate));
        }
        return sum;
    }

    internal static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            float diff = a[j] - b[j];
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>Fixed chunks of rows, run on up to the settings' cores; the chunking never depends on the core count.</summary>
    private sealed class Chunks(int rows, int threads, CancellationToken cancellationToken)
    {
        private readonly ParallelOptions _options = new()
        {
            MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };

        public int Count { get; } = (rows + ChunkRows - 1) / ChunkRows;

        public (int From, int To) Range(int chunk) => (chunk * ChunkRows, Math.Min(rows, (chunk + 1) * ChunkRows));

        public void Run(Action<int, int, int> body)
        {
            if (Count == 1 || _options.MaxDegreeOfParallelism == 1)
            {
                for (int c = 0; c < Count; c++)
                {
                    var (from, to) = Range(c);
                    body(from, to, c);
                }
                return;
            }
            Parallel.For(0, Count, _options, c =>
            {
                var (from, to) = Range(c);
                body(from, to, c);
            });
        }
    }
}
