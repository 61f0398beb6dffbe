using System.Diagnostics;
using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Survival;

namespace JourneyML.Tools.Benchmarks;

/// <summary>One side of the survival comparison: its holdout metrics and how long it took.</summary>
internal sealed record SurvivalSide(string Name, SurvivalMetrics Metrics, double FitSeconds, double PredictSeconds);

/// <summary>JourneyML's survival model and R's coxph on the same person-period data and the same holdout split.</summary>
internal sealed record SurvivalComparison(SurvivalSide JourneyMl, SurvivalSide Coxph, string PeerVersion, int Customers, int TrainStarts, int HoldoutStarts, int Features)
{
    /// <summary>The section `bench peers` prints: concordance, integrated Brier score and time side by side, as ratios.</summary>
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Time to churn: JourneyML's survival model against R's coxph");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"{Customers:N0} customers; {TrainStarts:N0} training and {HoldoutStarts:N0} held-out (customer, as-of date) pairs, as-of dates 30 days apart, censored at the data's end; ")
            + string.Create(inv, $"coxph (survival {PeerVersion}, Efron ties) on the same {Features:N0} feature columns (JourneyML's vectors at each as-of date) and the same split. ")
            + "Goal: concordance at least coxph's, integrated Brier score at most coxph's, training no slower.");
        sb.AppendLine();
        sb.AppendLine("| metric | JourneyML | coxph | JourneyML / coxph |");
        sb.AppendLine("|---|---:|---:|---:|");
        void Row(string name, double ours, double theirs, string format) =>
            sb.AppendLine(inv, $"| {name} | {ours.ToString(format, inv)} | {theirs.ToString(format, inv)} | {(theirs != 0 ? (ours / theirs).ToString("F2", inv) : "n/a")} |");
        Row("Harrell's C", JourneyMl.Metrics.HarrellC.Value, Coxph.Metrics.HarrellC.Value, "F3");
        Row("Uno's C", JourneyMl.Metrics.UnoC.Value, Coxph.Metrics.UnoC.Value, "F3");
        Row("integrated Brier score (lower is better)", JourneyMl.Metrics.IntegratedBrier.Value, Coxph.Metrics.IntegratedBrier.Value, "F4");
        Row("Kaplan–Meier baseline's", JourneyMl.Metrics.KaplanMeierBrier.Value, Coxph.Metrics.KaplanMeierBrier.Value, "F4");
        Row("calibration gap at 90 days", JourneyMl.Metrics.Calibration[1].Error.Value, Coxph.Metrics.Calibration[1].Error.Value, "F3");
        Row("training seconds", JourneyMl.FitSeconds, Coxph.FitSeconds, "F2");
        Row("prediction seconds (holdout curves)", JourneyMl.PredictSeconds, Coxph.PredictSeconds, "F2");
        sb.AppendLine();
        sb.AppendLine("JourneyML's training time is its fitting: two candidates (a logistic hazard with its L2 tuned on an inner fold, an early-stopped LightGBM) fitted and compared, and the refit; coxph's is its one fit. " +
            "Intervals of each side's metrics are in its training report; here both are measured on the same pairs against the same Kaplan–Meier baseline.");
        return sb.ToString();
    }
}

/// <summary>
/// The survival peer of <c>bench peers</c>: builds the person-period data once, trains JourneyML's model on it, writes the
/// same (customer, as-of date) pairs with their observed times and feature vectors for <c>Rscript survival-coxph.R</c>, and
/// measures both sides' held-out curves with the same metrics.
/// </summary>
internal static class SurvivalPeer
{
    public const string Step = "survival";

    public static string Script => Cli.CommonOptions.Repo("tests", "JourneyML.Benchmarks", "peers", "survival-coxph.R");

    public static SurvivalComparison Compare(string dataDirectory, string workDirectory, int seed = 1)
    {
        Directory.CreateDirectory(workDirectory);
        var options = new SurvivalOptions { Seed = seed };
        var dataset = Dataset.Open(dataDirectory, new ValidationReport());
        var tables = SurvivalTraining.AsOfTables(dataset, null, options, CancellationToken.None);
        var data = PersonPeriods.FromLandmarks(tables);
        var (result, reason) = SurvivalTraining.Train(data, [.. tables.Select(t => t.AsOf ?? default)], options, CancellationToken.None);
        if (result is null)
        {
            throw new InvalidOperationException(reason);
        }
        double fit = result.FitSeconds;
        var held = SurvivalTraining.HoldoutUnits(data, options);
        var holdout = data.Starts.Where(s => held.Contains(data.Unit(s.Table, s.Row))).ToList();
        var watch = Stopwatch.StartNew();
        foreach (var group in holdout.GroupBy(s => s.Table))
        {
            result.Model.Curves(data.Tables[group.Key], [.. group.Select(s => s.Row)]);
        }
        double predict = watch.Elapsed.TotalSeconds;

        var tablePath = Path.Combine(workDirectory, "survival-table.csv");
        int features = WriteTable(tablePath, data, held, result.Model);
        var outPath = Path.Combine(workDirectory, "survival-coxph.csv");
        Run(tablePath, outPath);
        var (peerCurves, peerFit, peerPredict, version) = ReadPeer(outPath, holdout.Count);

        var trainObserved = data.Starts.Where(s => !held.Contains(data.Unit(s.Table, s.Row))).Select(s => s.Observed).ToList();
        var baseline = KaplanMeier.Survival(trainObserved);
        var clusters = holdout.Select(s => data.Unit(s.Table, s.Row)).ToList();
        var observed = holdout.Select(s => s.Observed).ToList();
        var peer = SurvivalScores.Compute(peerCurves, observed, baseline, clusters, seed);
        return new SurvivalComparison(new SurvivalSide("JourneyML", result.Holdout, fit, predict), new SurvivalSide("coxph", peer, peerFit, peerPredict), version,
            dataset.Customers.Count, trainObserved.Count, holdout.Count, features);
    }

    /// <summary>unit, holdout, time, event and the hazard model's feature vector (without its period slots) of every pair, in the order of the data's starts.</summary>
    private static int WriteTable(string path, PersonPeriodData data, HashSet<string> held, HazardModel model)
    {
        var vectorizer = model.Model.Vectorizer;
        var keep = vectorizer.Slots.Select((s, i) => (s, i)).Where(x => x.s.Feature != PersonPeriods.PeriodColumn).Select(x => x.i).ToArray();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.WriteLine("unit,holdout,time,event," + string.Join(',', keep.Select(i => "x" + i.ToString(CultureInfo.InvariantCulture))));
        foreach (var group in data.Starts.Select((s, i) => (s, i)).GroupBy(x => x.s.Table))
        {
            var table = PersonPeriods.Expand(data.Tables[group.Key], [.. group.Select(x => x.s.Row)]);
            var bound = vectorizer.Bind(table);
            int n = 0;
            foreach (var (s, _) in group)
            {
                var v = bound.Transform(n++ * SurvivalCurve.Periods);
                string unit = data.Unit(s.Table, s.Row);
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"\"{unit.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{(held.Contains(unit) ? 1 : 0)},{s.Observed.Days},{(s.Observed.Churned ? 1 : 0)}"));
                foreach (int i in keep)
                {
                    writer.Write(',');
                    writer.Write(v[i].ToString("R", CultureInfo.InvariantCulture));
                }
                writer.WriteLine();
            }
        }
        return keep.Length;
    }

    private static void Run(string table, string output)
    {
        var (code, printed) = PeerProcess.Run("Rscript", [Script, table, output], null,
            "the survival peer needs R's survival package (Debian: apt-get install r-cran-survival)");
        if (code != 0)
        {
            throw new InvalidOperationException($"Rscript {Script} failed (exit code {code}): {printed}");
        }
    }

    /// <summary>The peer's holdout curves (in the order written: the data's starts, holdout rows only) and its times.</summary>
    private static (SurvivalCurve[] Curves, double Fit, double Predict, string Version) ReadPeer(string path, int expected)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].TrimStart('#', ' ').Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var curves = lines.Skip(2).Select(l => new SurvivalCurve([.. l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))])).ToArray();
        if (curves.Length != expected)
        {
            throw new InvalidOperationException($"{path}: coxph wrote {curves.Length} curves for {expected} held-out pairs");
        }
        return (curves, double.Parse(header["fit_seconds"], CultureInfo.InvariantCulture), double.Parse(header["predict_seconds"], CultureInfo.InvariantCulture), header["survival"]);
    }
}
