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
