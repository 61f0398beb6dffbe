using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Tools.Benchmarks;

/// <summary>One table the peer script prepared (tables.py prepare): the normalised copy both sides read.</summary>
internal sealed record PreparedTable(string Name, string File, string Id, int Rows, int Positives, int SourceRows, int Columns, string Source);

/// <summary>A metric with its 95% bootstrap interval over the holdout's rows.</summary>
internal readonly record struct Bounded(double Value, double Low, double High)
{
    public string Text(int digits = 3) => string.Create(CultureInfo.InvariantCulture,
        $"{Value.ToString("F" + digits, CultureInfo.InvariantCulture)} [{Low.ToString("F" + digits, CultureInfo.InvariantCulture)}, {High.ToString("F" + digits, CultureInfo.InvariantCulture)}]");
}

/// <summary>One side (JourneyML or the peer) on one split: holdout quality and training time.</summary>
internal sealed record SideResult(string What, Bounded RocAuc, Bounded PrAuc, Bounded Ece, double Seconds);

/// <summary>Both sides on one random split of one table, with the paired difference JourneyML - peer.</summary>
internal sealed record TableSplitResult(PreparedTable Table, int Split, int TrainRows, int HoldoutRows, SideResult JourneyMl, SideResult Peer,
    Bounded AucDifference, Bounded PrAucDifference, string Calibrator, string EceSentence)
{
    /// <summary>JourneyML trails by more than noise: the paired 95% interval of the ROC AUC difference lies below zero.</summary>
    public bool TrailsBeyondNoise => AucDifference.High < 0;
}

/// <summary>
/// <c>bench tables</c>: on public churn, lead and campaign tables, JourneyML's chosen model (the mode B sweep, calibrated)
/// against scikit-learn's HistGradientBoosting with native categories, on the same independent random splits (the holdout
/// JourneyML draws with the split's seed, handed to the peer by id), with 95% bootstrap intervals (rows resampled; both
/// sides on the same resample for the difference) and the training time ratio.
/// </summary>
internal static class TableBench
{
    public const int Resamples = 300;

    public static async Task<TableSplitResult> RunAsync(PreparedTable table, int split, string work, Func<string, string, string, Task<PeerFit>> peer, CancellationToken cancellationToken)
    {
        var features = FeatureTableFiles.Read(table.File, new ValidationReport(), table.Id, "label", LabelNames.Churn);
        var labels = features.Labels[LabelNames.Churn];
        var rows = Enumerable.Range(0, features.RowCount).ToArray();
        var watch = Stopwatch.StartNew();
        var result = ClassifierTraining.Train(features, PredictionTask.Churn, rows, new ClassifierOptions { Seed = split }, cancellationToken: cancellationToken);
        double seconds = watch.Elapsed.TotalSeconds;

        var splitFile = Path.Combine(work, $"{table.Name}-split{split}.csv");
        var csv = new StringBuilder("id,role\n");
        foreach (int r in result.TrainRows)
        {
            csv.Append(Quote(features.CustomerIds[r])).Append(",train\n");
        }
        foreach (int r in result.HoldoutRows)
        {
            csv.Append(Quote(features.CustomerIds[r])).Append(",holdout\n");
        }
        File.WriteAllText(splitFile, csv.ToString());
        var fit = await peer(table.File, splitFile, Path.Combine(work, $"{table.Name}-split{split}-peer.json"));
        if (fit.Probabilities.Length != result.HoldoutRows.Length)
        {
            throw new InvalidOperationException($"{table.Name}: the peer scored {fit.Probabilities.Length} holdout rows, not {result.HoldoutRows.Length}");
        }

        var truth = result.HoldoutRows.Select(r => labels[r]).ToArray();
        var ours = result.HoldoutPredictions;
        var theirs = fit.Probabilities;
        var boot = Bootstrap(ours, theirs, truth, split);
        var journeyMl = new SideResult(result.Model.Info.Spec.Describe(), boot.Auc[0], boot.PrAuc[0], boot.Ece[0], seconds);
        var peerSide = new SideResult(fit.What, boot.Auc[1], boot.PrAuc[1], boot.Ece[1], fit.Seconds);
        var calibration = result.Calibration!;
        return new TableSplitResult(table, split, result.TrainRows.Length, result.HoldoutRows.Length, journeyMl, peerSide, boot.Auc[2], boot.PrAuc[2],
            calibration.Method, calibration.Uncertainty?.Sentence ?? "");
    }

    /// <summary>The peer's answer for one split: holdout probabilities in the split file's holdout order, and its fit time.</summary>
    internal sealed record PeerFit(double[] Probabilities, double Seconds, string What)
    {
        public static PeerFit Load(string path)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            return new PeerFit([.. root.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble())],
                root.GetProperty("fit_seconds").GetDouble(), root.GetProperty("what").GetString() ?? "");
        }
    }

    internal sealed record Boot(Bounded[] Auc, Bounded[] PrAuc, Bounded[] Ece);

    /// <summary>Point values and percentile intervals: [0] JourneyML, [1] the peer, [2] their paired difference (same resample).</summary>
    internal static Boot Bootstrap(float[] ours, double[] theirs, float[] truth, int seed)
    {
        var peer = theirs.Select(p => (float)p).ToArray();
        var metrics = new Func<float[], float[], double>[] { (p, y) => ClassificationMetrics.RocAuc(p, y), (p, y) => ClassificationMetrics.PrAucOf(p, y), (p, y) => CalibrationError.Expected(p, y) };
        var samples = metrics.Select(_ => new List<double>[] { [], [], [] }).ToArray();
        var random = new Random(seed + 977);
        int n = truth.Length;
        var a = new float[n];
        var b = new float[n];
        var y = new float[n];
        for (int s = 0; s < Resamples; s++)
        {
            for (int i = 0; i < n; i++)
            {
                int k = random.Next(n);
                (a[i], b[i], y[i]) = (ours[k], peer[k], truth[k]);
            }
            if (y.All(v => v > 0.5f) || y.All(v => v <= 0.5f))
            {
                continue;
            }
            for (int m = 0; m < metrics.Length; m++)
            {
                double x = metrics[m](a, y), z = metrics[m](b, y);
                samples[m][0].Add(x);
                samples[m][1].Add(z);
                samples[m][2].Add(x - z);
            }
        }
        Bounded[] Of(int m)
        {
            double x = metrics[m](ours, truth), z = metrics[m](peer, truth);
            double[] points = [x, z, x - z];
            // ECE's bootstrap is biased upward (any resample duplicates rows): its intervals are corrected as the report's are.
            return [.. points.Select((v, k) => m == 2 ? Debiased(v, samples[m][k]) : Interval(v, samples[m][k]))];
        }
        return new Boot(Of(0), Of(1), Of(2));
    }

    private static Bounded Interval(double value, List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
        return new Bounded(value, At(0.025), At(0.975));
    }

    private static Bounded Debiased(double value, List<double> samples)
    {
        var (low, high) = CalibrationError.DebiasedInterval(value, [.. samples.Order()]);
        return new Bounded(value, low, high);
    }

    private static string Quote(string id) => id.Contains(',') || id.Contains('"') ? "\"" + id.Replace("\"", "\"\"") + "\"" : id;

    public static string Markdown(IReadOnlyList<TableSplitResult> results, string header)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(header).Append("\n\n");
        sb.Append("| table | rows (positive) | split | holdout | JourneyML ROC AUC | HGB ROC AUC | difference | JourneyML PR AUC | HGB PR AUC | JourneyML ECE | HGB ECE | calibrator | JourneyML s | HGB s | time ratio | JourneyML model |\n");
        sb.Append("|---|---:|---:|---:|---|---|---|---|---|---|---|---|---:|---:|---:|---|\n");
        foreach (var r in results)
        {
            sb.Append(inv, $"| {r.Table.Name} | {r.Table.Rows:N0} ({r.Table.Positives:N0}) | {r.Split} | {r.HoldoutRows:N0} | {r.JourneyMl.RocAuc.Text()} | {r.Peer.RocAuc.Text()} | ")
              .Append(inv, $"{r.AucDifference.Text()}{(r.TrailsBeyondNoise ? " **trails**" : "")} | {r.JourneyMl.PrAuc.Text()} | {r.Peer.PrAuc.Text()} | {r.JourneyMl.Ece.Text()} | {r.Peer.Ece.Text()} | ")
              .Append(inv, $"{r.Calibrator} | {r.JourneyMl.Seconds:F1} | {r.Peer.Seconds:F1} | {r.JourneyMl.Seconds / Math.Max(r.Peer.Seconds, 1e-3):F1} | {r.JourneyMl.What} |\n");
        }
        sb.Append("\nPer table over the splits (mean ROC AUC difference JourneyML - HGB; splits where the paired 95% interval lies below zero):\n\n");
        sb.Append("| table | splits | mean difference | trails beyond noise | mean JourneyML ECE | mean HGB ECE |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var g in results.GroupBy(r => r.Table.Name))
        {
            sb.Append(inv, $"| {g.Key} | {g.Count()} | {g.Average(r => r.AucDifference.Value):+0.0000;-0.0000} | {g.Count(r => r.TrailsBeyondNoise)} | ")
              .Append(inv, $"{g.Average(r => r.JourneyMl.Ece.Value):F3} | {g.Average(r => r.Peer.Ece.Value):F3} |\n");
        }
        return sb.ToString();
    }
}
