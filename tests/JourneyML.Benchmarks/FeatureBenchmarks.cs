using System.Globalization;
using BenchmarkDotNet.Attributes;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Benchmarks;

/// <summary>The feature step's inner loop: one million events folded into per-customer counters (no file reading).</summary>
[MemoryDiagnoser]
public class FeatureAccumulationBenchmarks
{
    private const int Customers = 10_000;
    private readonly List<EventBatch> _batches = [];
    private Window _window;

    [GlobalSetup]
    public void Setup()
    {
        var asOf = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        _window = new Window(asOf.Ticks, asOf.AddDays(90).Ticks);
        var random = new Random(1);
        var kinds = EventKinds.All.ToArray();
        for (int b = 0; b < 16; b++)
        {
            var batch = new EventBatch(65_536);
            for (int i = 0; i < 62_500; i++)
            {
                batch.Add(random.Next(Customers), asOf.AddMinutes(-random.Next(0, 365 * 24 * 60)).Ticks, kinds[random.Next(kinds.Length)], float.NaN, null);
            }
            _batches.Add(batch);
        }
    }

    [Benchmark(Description = "accumulate 1M events")]
    public long Accumulate()
    {
        var accumulator = new EventAccumulator(Customers);
        foreach (var batch in _batches)
        {
            accumulator.Add(batch, _window);
        }
        return accumulator.EventsBefore;
    }
}

/// <summary>Parsing CSV times: the cost that dominates reading a CSV events file.</summary>
[MemoryDiagnoser]
public class TimeParsingBenchmarks
{
    private readonly string[] _iso = [.. Enumerable.Range(0, 1000).Select(i =>
        new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i * 97).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))];

    [Benchmark(Description = "parse 1000 ISO times (fast path)")]
    public long ParseIso()
    {
        long sum = 0;
        foreach (var text in _iso)
        {
            TimeParser.TryParse(text, null, out var t);
            sum += t.Ticks;
        }
        return sum;
    }

    [Benchmark(Baseline = true, Description = "parse 1000 ISO times (DateTime.Parse)")]
    public long ParseFramework()
    {
        long sum = 0;
        foreach (var text in _iso)
        {
            sum += DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).Ticks;
        }
        return sum;
    }
}
