using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Tests.Segmentation;

public sealed class KMeansClusteringTests
{
    [Theory]
    [InlineData(1, 1, 8)]
    [InlineData(7, 7, 1_003)]
    [InlineData(7, 12, 256)]
    [InlineData(9, 8, 37)]
    [InlineData(20, 17, 500)]
    public void Eight_rows_down_the_lanes_get_the_centroid_the_row_by_row_kernel_gives(int dimensions, int clusters, int rows)
    {
        var random = new Random(dimensions * 1000 + clusters);
        // Centroids with exact duplicates (ties: the first must win) and rows that sit on centroids, on a coarse grid so
        // distances tie often, with the odd infinite or missing value (distances that are not numbers go row by row).
        var distinct = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)random.Next(-3, 4) / 2).ToArray()).ToArray();
        var centroids = distinct.Select((c, i) => i % 3 == 2 ? distinct[i - 1] : c).ToArray();
        var kernel = new CentroidKernel(centroids, dimensions);
        int stride = rows + 5;
        var columns = new float[dimensions * stride];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < dimensions; j++)
            {
                columns[j * stride + i] = (i % 97) switch
                {
                    13 when j == 0 => float.PositiveInfinity,
                    29 when j == dimensions - 1 => float.NegativeInfinity,
                    41 => float.NaN,
                    _ when i % 5 == 0 => centroids[i % clusters][j],
                    _ => (float)random.Next(-6, 7) / 4,
                };
            }
        }
        var nearest = new int[rows];
        kernel.Nearest(columns, stride, rows, nearest);
        var row = new float[dimensions];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < dimensions; j++)
            {
                row[j] = columns[j * stride + i];
            }
            Assert.True(kernel.Nearest(row) == nearest[i], $"row {i}: [{string.Join(", ", row)}]: {nearest[i]} row by row {kernel.Nearest(row)}");
        }
        Assert.True(clusters == 1 || nearest.Distinct().Count() > 1, "not vacuous: rows go to several centroids");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(7, 7)]
    [InlineData(7, 12)]
    [InlineData(9, 8)]
    [InlineData(20, 17)]
    public void The_blocked_kernel_picks_the_centroid_a_plain_double_precision_loop_picks(int dimensions, int clusters)
    {
        var random = new Random(dimensions * 100 + clusters);
        var points = RandomPoints(random, 3000, dimensions, spread: 2);
        var centroids = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var kernel = new CentroidKernel(centroids, dimensions);
        int compared = 0;
        for (int r = 0; r < points.Count; r++)
        {
            var row = points.Row(r);
            var exact = ExactDistances(row.ToArray(), centroids);
            int expected = Array.IndexOf(exact, exact.Min());
            double runnerUp = exact.Where((_, c) => c != expected).DefaultIfEmpty(double.PositiveInfinity).Min();
            int label = kernel.Nearest(row, points.SquaredNorms[r], out float distance);
            Assert.Equal(exact[expected], distance, 1e-3 * (1 + exact[expected]));
            // Ties aside: where two centroids are equally near up to float rounding, either is right.
            if (runnerUp - exact[expected] > 1e-4 * (1 + exact[expected]))
            {
                Assert.Equal(expected, label);
                Assert.Equal(expected, kernel.Nearest(row));
                compared++;
            }
        }
        Assert.True(compared > points.Count * 0.95, $"only {compared} rows without a near tie");
    }

    [Theory]
    [InlineData(1, 2)] // one start: its rows split over two cores
    [InlineData(3, 2)] // two starts side by side
    [InlineData(2, 5)] // two starts side by side, each on two cores
    public void The_same_seed_gives_the_same_centroids_bit_for_bit_on_one_core_and_on_several(int starts, int threads)
    {
        // Several chunks of rows, so a start on more than one core really splits the work.
        var points = Blobs(new Random(5), 9 * KMeansClustering.ChunkRows + 17, 6, 5, out _);
        var settings = new KMeansSettings(5, starts, Seed: 11, Threads: threads);
        var (concurrent, each) = KMeansClustering.Split(settings);
        Assert.True(concurrent * each > 1, $"{concurrent} starts at once on {each} cores each");
        var one = KMeansClustering.Fit(points, settings with { Threads = 1 });
        var two = KMeansClustering.Fit(points, settings);
        Assert.Equal(one.Inertia, two.Inertia);
        Assert.Equal(one.Labels, two.Labels);
        for (int c = 0; c < one.Centroids.Length; c++)
        {
            Assert.Equal(one.Centroids[c], two.Centroids[c]);
        }
        var otherSeed = KMeansClustering.Fit(points, new KMeansSettings(5, 1, Seed: 12, Threads: 2));
        Assert.NotEqual(one.Centroids.SelectMany(c => c), otherSeed.Centroids.SelectMany(c => c));
    }

    [Fact]
    public void Separated_groups_are_found_and_the_labels_and_inertia_belong_to_the_returned_centroids()
    {
        var points = Blobs(new Random(3), 4000, 7, 6, out var planted);
        var fit = KMeansClustering.Fit(points, new KMeansSettings(6, 4, Seed: 1));
        Assert.Equal(1.0, ClusterAgreement.AdjustedRandIndex(fit.Labels, planted), 9);
        double inertia = 0;
        for (int r = 0; r < points.Count; r++)
        {
            var row = points.Row(r);
            var distances = ExactDistances(row.ToArray(), fit.Centroids);
            Assert.Equal(Array.IndexOf(distances, distances.Min()), fit.Labels[r]);
            inertia += distances.Min();
        }
        Assert.Equal(inertia, fit.Inertia, inertia * 1e-4);
        // Each centroid is the mean of its rows (the fit stopped right after an assignment of converged centroids).
        for (int c = 0; c < 6; c++)
        {
            var members = Enumerable.Range(0, points.Count).Where(r => fit.Labels[r] == c).ToArray();
            for (int j = 0; j < 7; j++)
            {
                Assert.Equal(members.Average(r => points.Row(r)[j]), fit.Centroids[c][j], 1e-3);
            }
        }
    }

    [Fact]
    public void More_starts_never_end_with_a_higher_inertia_and_every_segment_keeps_rows()
    {
        var random = new Random(8);
        // Structureless data: local optima differ from start to start.
        var points = RandomPoints(random, 2500, 4, spread: 1);
        var single = KMeansClustering.Fit(points, new KMeansSettings(9, 1, Seed: 2));
        var several = KMeansClustering.Fit(points, new KMeansSettings(9, 6, Seed: 2));
        Assert.True(several.Inertia <= single.Inertia, $"{several.Inertia} > {single.Inertia}");
        Assert.Equal(9, several.Labels.Distinct().Count());
    }

    [Fact]
    public void As_many_segments_as_distinct_rows_put_each_distinct_row_in_its_own_segment()
    {
        // Heavy duplicates: k-means++ draws duplicates of a chosen centre with weight 0, and an emptied centroid is moved.
        var distinct = new[] { new[] { 0f, 0f }, [5f, 0f], [0f, 5f], [5f, 5f] };
        var values = Enumerable.Range(0, 400).SelectMany(i => distinct[i < 397 ? 0 : i - 396]).ToArray();
        var points = new PointMatrix(values, 2);
        var fit = KMeansClustering.Fit(points, new KMeansSettings(4, 2, Seed: 4));
        Assert.Equal(0, fit.Inertia, 6);
        var byRow = Enumerable.Range(0, points.Count).GroupBy(r => (points.Row(r)[0], points.Row(r)[1])).ToList();
        Assert.Equal(4, byRow.Count);
        Assert.Equal(4, byRow.Select(g => fit.Labels[g.First()]).Distinct().Count());
        Assert.All(byRow, g => Assert.Single(g.Select(r => fit.Labels[r]).Distinct()));
    }

    /// <summary>The naive reference: squared differences summed in double precision.</summary>
    private static double[] ExactDistances(float[] row, float[][] centroids) =>
        [.. centroids.Select(c => row.Zip(c).Sum(p => ((double)p.First - p.Second) * ((double)p.First - p.Second)))];

    private static PointMatrix RandomPoints(Random random, int n, int d, double spread) =>
        new(Enumerable.Range(0, n * d).Select(_ => (float)((random.NextDouble() * 2 - 1) * spread)).ToArray(), d);

    /// <summary>Gaussian groups around centres 10 apart, with each row's planted group.</summary>
    internal static PointMatrix Blobs(Random random, int n, int d, int groups, out int[] planted)
    {
        var centres = Enumerable.Range(0, groups).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble() * 40).ToArray()).ToArray();
        var values = new float[n * d];
        planted = new int[n];
        for (int r = 0; r < n; r++)
        {
            int g = random.Next(groups);
            planted[r] = g;
            for (int j = 0; j < d; j++)
            {
                double u = 1 - random.NextDouble(), v = random.NextDouble();
                values[r * d + j] = (float)(centres[g][j] + 0.5 * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
            }
        }
        return new PointMatrix(values, d);
    }
}
