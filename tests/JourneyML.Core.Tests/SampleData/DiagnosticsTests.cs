using JourneyML.Core.SampleData;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.SampleData;

public sealed class DiagnosticsTests(ITestOutputHelper output)
{
    [Fact]
    public void Diagnose()
    {
        string dir = Path.Combine(Path.GetTempPath(), "jml-diag");
        var options = new GeneratorOptions { Customers = 2000, Seed = 5 };
        var summary = new SampleGenerator(options).Generate(dir);
        var data = GeneratedDataset.Load(dir);
        output.WriteLine($"events/customer {(double)summary.Events / summary.Customers:F1} churn {summary.ChurnRate:F3} conv {summary.ConversionRate:F3}");
        foreach (var g in data.GroundTruth.GroupBy(t => t.Segment))
        {
            output.WriteLine($"{g.Key,-14} n={g.Count(),5} p_churn={g.Where(t => t.ChurnProbability.HasValue).Select(t => t.ChurnProbability!.Value).DefaultIfEmpty().Average():F3} realised={g.Where(t => t.ChurnProbability.HasValue).Select(t => t.ChurnedInHorizon ? 1.0 : 0).DefaultIfEmpty().Average():F3} p_conv={g.Where(t => t.ConversionProbability.HasValue).Select(t => t.ConversionProbability!.Value).DefaultIfEmpty().Average():F3}");
            var feats = g.Select(t => BehaviourClustering.Features(data.EventsByCustomer[t.CustomerId], options.ReferenceAsOf)).ToArray();
            output.WriteLine("   mean features: " + string.Join(" ", Enumerable.Range(0, 7).Select(j => Math.Exp(feats.Average(f => f[j])).ToString("F1"))));
        }
        var rows = data.GroundTruth.Select(t => BehaviourClustering.Features(data.EventsByCustomer[t.CustomerId], options.ReferenceAsOf)).ToArray();
        var labels = BehaviourClustering.KMeans(rows, 7, 1);
        foreach (var g in Enumerable.Range(0, 7))
        {
            output.WriteLine($"seg {g}: " + string.Join(" ", Enumerable.Range(0, 7).Select(c => Enumerable.Range(0, labels.Length).Count(i => labels[i] == c && data.GroundTruth[i].SegmentId == g).ToString().PadLeft(4))));
        }
        output.WriteLine($"ARI all = {BehaviourClustering.AdjustedRandIndex(labels, data.GroundTruth.Select(t => t.SegmentId).ToArray()):F3}");
        var active = data.GroundTruth.Where(t => t.Status != "churned").ToArray();
        var rows2 = active.Select(t => BehaviourClustering.Features(data.EventsByCustomer[t.CustomerId], options.ReferenceAsOf)).ToArray();
        var labels2 = BehaviourClustering.KMeans(rows2, 7, 1);
        output.WriteLine($"ARI excl churned = {BehaviourClustering.AdjustedRandIndex(labels2, active.Select(t => t.SegmentId).ToArray()):F3}");
    }
}
