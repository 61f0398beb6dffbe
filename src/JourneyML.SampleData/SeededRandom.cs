namespace JourneyML.SampleData;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Written out here (rather than System.Random, whose algorithm is
/// unspecified) so a seed gives the same stream on every runtime, and each account gets its own stream.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double? _spareNormal;

    public SeededRandom(int seed, long stream)
    {
        ulong sm = unchecked(((ulong)(uint)seed << 32) ^ (ulong)stream * 0xD1B54A32D192ED03UL ^ 0x5851F42D4C957F2DUL);
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);

    public bool Chance(double p) => NextDouble() < p;

    public double Exponential(double rate) => -Math.Log(1.0 - NextDouble()) / rate;

    /// <summary>Standard normal (Marsaglia polar method).</summary>
    public double Normal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        return u * f;
    }

    /// <summary>A lognormal multiplier with mean 1.</summary>
    public double LogNormalMultiplier(double sigma) => Math.Exp(sigma * Normal() - sigma * sigma / 2);

    /// <summary>Index drawn with probability proportional to the weights.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (double w in weights)
        {
            total += w;
        }
        double x = NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }
}
