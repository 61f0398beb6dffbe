using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace JourneyML.Core.Segmentation;

/// <summary>
/// Rows to segment: one contiguous row-major buffer of n x d standardised values, with each row's squared norm, so the
/// distance kernel reads memory in order and never chases one array per row.
/// </summary>
internal sealed class PointMatrix
{
    public PointMatrix(float[] values, int dimensions)
    {
        if (dimensions < 1 || values.Length % dimensions != 0)
        {
            throw new ArgumentException($"{values.Length} values are not whole rows of {dimensions}");
        }
        Values = values;
        Dimensions = dimensions;
        Count = values.Length / dimensions;
        SquaredNorms = new float[Count];
        for (int r = 0; r < Count; r++)
        {
            var row = Row(r);
            float sum = 0;
            foreach (float v in row)
            {
                sum += v * v;
            }
            SquaredNorms[r] = sum;
        }
    }

    public float[] Values { get; }
    public int Dimensions { get; }
    public int Count { get; }
    public float[] SquaredNorms { get; }

    public ReadOnlySpan<float> Row(int r) => Values.AsSpan(r * Dimensions, Dimensions);

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public PointMatrix Subset(IReadOnlyList<int> indices)
    {
        var values = new float[indices.Count * Dimensions];
        for (int i = 0; i < indices.Count; i++)
        {
            Row(indices[i]).CopyTo(values.AsSpan(i * Dimensions));
        }
        return new PointMatrix(values, Dimensions);
    }
}

/// <summary>
/// Nearest centroid by ||x||^2 - 2 x.c + ||c||^2, eight centroids per <see cref="Vector256{T}"/>: the centroids are stored
/// transposed (one vector of eight centroids per feature), so a row costs d fused multiply-adds per eight centroids and no
/// horizontal sums. With seven features and up to twelve segments that is 14 vector operations a row: cheap enough that
/// Hamerly or Elkan bounds (a bound test and its upkeep per row and iteration) would cost about what they save.
/// Immutable: one instance serves any number of threads.
/// </summary>
internal sealed class CentroidKernel
{
    private const int Lanes = 8;
    private readonly float[] _transposed;
    private readonly float[] _squaredNorms;
    private readonly int _blocks;

    public CentroidKernel(IReadOnlyList<float[]> centroids, int dimensions)
    {
        if (centroids.Count == 0 || centroids.Any(c => c.Length != dimensions))
        {
            throw new ArgumentException("one or more centroids, each with one value per feature");
        }
        Clusters = centroids.Count;
        Dimensions = dimensions;
        _blocks = (Clusters + Lanes - 1) / Lanes;
        int width = _blocks * Lanes;
        _transposed = new float[dimensions * width];
        // Padding lanes get an infinite norm, so they never win the minimum.
        _squaredNorms = new float[width];
        Array.Fill(_squaredNorms, float.PositiveInfinity);
        for (int c = 0; c < Clusters; c++)
        {
            float norm = 0;
            for (int j = 0; j < dimensions; j++)
            {
                float v = centroids[c][j];
                _transposed[j * width + c] = v;
                norm += v * v;
            }
            _squaredNorms[c] = norm;
        }
    }

    public int Clusters { get; }
    public int Dimensions { get; }

    /// <summary>The nearest centroid of one row and its squared distance (never below 0: the expansion can round under it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Nearest(ReadOnlySpan<float> row, float squaredNorm, out float squaredDistance)
    {
        int width = _blocks * Lanes;
        ref float transposed = ref MemoryMarshal.GetArrayDataReference(_transposed);
        ref float norms = ref MemoryMarshal.GetArrayDataReference(_squaredNorms);
        int best = 0;
        float bestValue = float.PositiveInfinity;
        for (int b = 0; b < _blocks; b++)
        {
            int offset = b * Lanes;
            var acc = Vector256.LoadUnsafe(ref norms, (nuint)offset);
            for (int j = 0; j < row.Length; j++)
            {
                var centroids = Vector256.LoadUnsafe(ref transposed, (nuint)(j * width + offset));
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(-2f * row[j]), centroids, acc);
            }
            float min = HorizontalMin(acc);
            // Strictly less, and the lowest lane of the block's minimum: the first of equally near centroids wins, as in a
            // plain loop over the centroids. A row with a missing (NaN) value matches no lane and keeps centroid 0, as before.
            uint lanes = Vector256.Equals(acc, Vector256.Create(min)).ExtractMostSignificantBits();
            if (min < bestValue && lanes != 0)
            {
                bestValue = min;
                best = offset + BitOperations.TrailingZeroCount(lanes);
            }
        }
        squaredDistance = Math.Max(0, squaredNorm + bestValue);
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMin(Vector256<float> v)
    {
        var m = Vector128.Min(v.GetLower(), v.GetUpper());
        m = Vector128.Min(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Min(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>
    /// The nearest centroid of each of <paramref name="count"/> rows held column by column (feature j of row i at
    /// <c>j * stride + i</c>), eight rows per vector: the rows run down the lanes and the centroids in the loop, so the
    /// minimum is taken lane by lane with no horizontal step and no transposing of the rows. Every distance is the same float
    /// the row-by-row <see cref="Nearest(ReadOnlySpan{float}, float, out float)"/> computes (the norm, then the features'
    /// fused multiply-adds in order) and the first of equally near centroids wins, so a row gets the same centroid either
    /// way; the rare row with a distance that is not finite (an infinite or missing value) goes the row-by-row way.
    /// </summary>
    public void Nearest(ReadOnlySpan<float> columns, int stride, int count, Span<int> nearest)
    {
        int d = Dimensions;
        if (count > stride || columns.Length < d * stride || nearest.Length < count)
        {
            throw new ArgumentException($"{count} rows of {d} features do not fit columns of {stride}");
        }
        Span<float> row = stackalloc float[d];
        int i = 0;
        if (d <= MaxLaneFeatures)
        {
            Span<Vector256<float>> scaled = stackalloc Vector256<float>[d];
            for (; i + Lanes <= count; i += Lanes)
            {
                int exceptions = NearestOfEight(columns, stride, i, scaled, nearest);
                for (; exceptions != 0; exceptions &= exceptions - 1)
                {
                    int lane = i + BitOperations.TrailingZeroCount(exceptions);
                    nearest[lane] = NearestOfColumn(columns, stride, lane, row);
                }
            }
        }
        for (; i < count; i++)
        {
            nearest[i] = NearestOfColumn(columns, stride, i, row);
        }
    }

    /// <summary>Features up to which the eight-row path keeps a row block's scaled features on the stack.</summary>
    private const int MaxLaneFeatures = 64;

    /// <summary>Eight rows from <paramref name="first"/>; returns the lanes (bits) whose distances were not all finite.</summary>
    private int NearestOfEight(ReadOnlySpan<float> columns, int stride, int first, Span<Vector256<float>> scaled, Span<int> nearest)
    {
        int d = Dimensions, width = _blocks * Lanes;
        ref float values = ref MemoryMarshal.GetReference(columns);
        ref float transposed = ref MemoryMarshal.GetArrayDataReference(_transposed);
        ref float norms = ref MemoryMarshal.GetArrayDataReference(_squaredNorms);
        var minusTwo = Vector256.Create(-2f);
        for (int j = 0; j < d; j++)
        {
            scaled[j] = minusTwo * Vector256.LoadUnsafe(ref values, (nuint)(j * stride + first));
        }
        var best = Vector256.Create(float.PositiveInfinity);
        var bestIndex = Vector256<int>.Zero;
        var finite = Vector256<float>.AllBitsSet;
        for (int c = 0; c < Clusters; c++)
        {
            var acc = Vector256.Create(Unsafe.Add(ref norms, c));
            for (int j = 0; j < d; j++)
            {
                acc = Vector256.FusedMultiplyAdd(scaled[j], Vector256.Create(Unsafe.Add(ref transposed, j * width + c)), acc);
            }
            // Infinite or missing (x - x is 0 only for a finite x): such a row goes row by row, so it gets whatever that
            // kernel's horizontal minimum makes of it (an infinite value meets the padding lanes' infinite norms there).
            finite &= Vector256.Equals(acc - acc, Vector256<float>.Zero);
            // Strictly less: the first of equally near centroids keeps the lane.
            var nearer = Vector256.LessThan(acc, best);
            best = Vector256.ConditionalSelect(nearer, acc, best);
            bestIndex = Vector256.ConditionalSelect(nearer.AsInt32(), Vector256.Create(c), bestIndex);
        }
        bestIndex.CopyTo(nearest.Slice(first, Lanes));
        return (int)(~finite.ExtractMostSignificantBits() & 0xFFu);
    }

    private int NearestOfColumn(ReadOnlySpan<float> columns, int stride, int i, Span<float> row)
    {
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = columns[j * stride + i];
        }
        return Nearest(row, 0, out _);
    }

    /// <summary>Nearest centroid of a row whose norm is not known yet (one customer at a time).</summary>
    public int Nearest(ReadOnlySpan<float> row)
    {
        float norm = 0;
        foreach (float v in row)
        {
            norm += v * v;
        }
        return Nearest(row, norm, out _);
    }
}
