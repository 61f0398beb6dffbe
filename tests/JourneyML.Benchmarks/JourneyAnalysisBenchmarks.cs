using BenchmarkDotNet.Attributes;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;

namespace JourneyML.Benchmarks;

/// <summary>
/// The journey map's process analysis alone (funnels, durations, variants, bottlenecks, conformance) on 100,000 customers'
/// timelines of about six stays each, with four segments: it must stay linear in stays to keep the whole map under 15 s.
/// </summary>
[MemoryDiagnoser]
public class JourneyAnalysisBenchmarks
{
    private const int Customers = 100_000;
    private readonly Dictionary<string, IReadOnlyList<StageStay>> _timelines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _segments = new(StringComparer.Ordinal);
    private StageModel _stages = null!;
    private JourneyMap _map = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var names = _stages.Names.ToArray();
        var random = new Random(1);
        var to = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var start = to.AddDays(-270);
        for (int c = 0; c < Customers; c++)
        {
            var stays = new List<StageStay>();
            var at = start.AddDays(14 * random.Next(5));
            int stage = random.Next(names.Length);
            while (at < to)
            {
                var next = at.AddDays(14 * (1 + random.Next(6)));
                stays.Add(new StageStay(names[stage], at, next < to ? next : null));
                at = next;
                stage = (stage + 1 + random.Next(names.Length - 1)) % names.Length;
            }
            var id = "c" + c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _timelines[id] = stays;
            _segments[id] = (c % 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        _map = JourneyMap.Build(_stages, _timelines, to.AddDays(-180), to);
    }

    [Benchmark(Description = "process analysis, 100k customers")]
    public int Analyse() => JourneyAnalysis.With(_map, _stages, _timelines, options: new JourneyAnalysisOptions { Segments = _segments }).Funnel.Cells.Count;
}
