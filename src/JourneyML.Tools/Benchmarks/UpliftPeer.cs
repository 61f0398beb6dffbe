using System.Diagnostics;
using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Segmentation;
using JourneyML.Core.Uplift;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Benchmarks;

/// <summary>One intervention kind on both sides: the Qini coefficient on the planted uplift of the held-out customers.</summary>
internal sealed record UpliftKindRow(string Kind, EffectDesign Design, int Treated, int HeldOut, double JourneyMl, double Peer, double Oracle, double ByRisk);

/// <summary>JourneyML's uplift (the per-segment doubly robust learner, shrunk) against a scikit-learn T-learner on the same customers and split.</summary>
internal sealed record UpliftComparison(IReadOnlyList<UpliftKindRow> Kinds, double JourneyMlSeconds, double PeerFitSeconds, double PeerPredictSeconds,
    string PeerVersion, int Customers, int Train, int HeldOut)
{
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Uplift: JourneyML against a scikit-learn T-learner");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"{Customers:N0} contacts generated with `--interventions` (seed 1): the paying customers at the as-of date, {Train:N0} on training accounts and {HeldOut:N0} on held-out accounts (30%). ")
            + string.Create(inv, $"JourneyML: the training run's uplift step (behaviour segments, each kind's effect per segment by cross-fitted AIPW scores, shrunk toward the kind's effect). Peer: a T-learner, two HistGradientBoostingClassifier (scikit-learn {PeerVersion}, the gbm peer's settings) per kind, uplift = μ0 − μ1. ")
            + "Quality: the Qini coefficient of each side's ranking of the held-out customers of the kind's comparison on their planted uplift (churners saved per customer above random contact, averaged over every budget; the same code for both sides). "
            + "Oracle: ranking by the planted uplift itself; by planted risk: ranking by the generator's churn probability, a perfect risk list (where the planted effect grows with risk, as a call's does, a perfect risk list is hard to beat).");
        sb.AppendLine();
        sb.AppendLine("| kind | design | treated (train) | held out | Qini JourneyML | Qini T-learner | JourneyML / T-learner | by planted risk | oracle |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var k in Kinds)
        {
            string ratio = k.Oracle <= 0 ? "n/a: nothing to find (planted effect 0)" : k.Peer > 0 ? (k.JourneyMl / k.Peer).ToString("F2", inv) : "n/a (peer at or below random)";
            string design = k.Design == EffectDesign.RandomisedHoldout ? "randomised holdout" : "doubly robust (no control arm)";
            sb.AppendLine(inv, $"| {k.Kind} | {design} | {k.Treated:N0} | {k.HeldOut:N0} | {k.JourneyMl:F5} | {k.Peer:F5} | {ratio} | {k.ByRisk:F5} | {k.Oracle:F5} |");
        }
        double peer = PeerFitSeconds + PeerPredictSeconds;
        sb.AppendLine(inv, $"| time (all kinds) | | | | {JourneyMlSeconds:F2} s | {peer:F2} s | {(peer > 0 ? (JourneyMlSeconds / peer).ToString("F2", inv) : "n/a")} | | |");
        sb.AppendLine();
        sb.AppendLine("JourneyML's time is the whole step as `train` runs it (effects with intervals, cross-fitting, per-segment effects and shrinkage, Qini curves; not the segmentation, which the run has already); " +
            "the peer's is its fits and predictions only (no effect, no interval). A Qini near 0 is no better than contacting at random.");
        return sb.ToString();
    }
}

/// <summary>
/// The uplift peer of <c>bench peers</c>: generates a world with planted interventions, holds out 30% of the accounts,
/// runs JourneyML's uplift step on the rest and the scikit-learn T-learner (<c>uplift-tlearner.py</c>) on the same rows,
/// and measures both rankings of the held-out customers against the planted uplift.
/// </summary>
internal static class UpliftPeer
{
    public const string Step = "uplift";
    private const string HoldoutColumn = "bench_holdout";
    private const string TreatedPrefix = "bench_t_";

    public static string Script => Cli.CommonOptions.Repo("tests", "JourneyML.Benchmarks", "peers", "uplift-tlearner.py");

    /// <param name="openMpWait">OMP_WAIT_POLICY for the peer ("PASSIVE" as the other steps run), or null to leave it unset.</param>
    public static UpliftComparison Compare(int customers, string workDirectory, string python, string? openMpWait, int seed = 1)
    {
        Directory.CreateDirectory(workDirectory);
        var generator = new GeneratorOptions { Customers = customers, Seed = seed, Interventions = true };
        var data = Path.Combine(workDirectory, "data");
        if (!File.Exists(Path.Combine(data, "interventions_truth.csv")))
        {
            new SampleGenerator(generator).Generate(data);
        }
        var dataset = Dataset.Open(data, new ValidationReport());
        var table = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, AsOf = generator.ReferenceAsOf }, NullLogger.Instance).Table;
        var interventions = dataset.Interventions ?? throw new InvalidOperationException($"{data} has no interventions table");
        var held = HeldOutRows(table, seed);
        var trainTable = WithoutLabels(table, r => held[r]);
        var heldTable = WithoutLabels(table, r => !held[r]);
        var options = new UpliftOptions { Seed = seed };

        var segments = BehaviourSegmentation.Train(table, new SegmentationOptions { Seed = seed }).Assignments;
        var watch = Stopwatch.StartNew();
        var result = InterventionEffects.Estimate(trainTable, interventions, dataset.Customers, options,
            [.. segments.Select(s => (string?)s.ToString(CultureInfo.InvariantCulture))]);
        double ours = watch.Elapsed.TotalSeconds;
        var metadata = new InterventionMetadata(generator.ReferenceAsOf, table.HorizonDays ?? 0, options.ContactWindowDays, options.Trim, result.Kinds);

        var trainExposures = Exposure.Of(trainTable, interventions, dataset.Customers, options);
        var tablePath = Path.Combine(workDirectory, "uplift-table.csv");
        WriteTable(tablePath, table, held, trainExposures);
        var outPath = Path.Combine(workDirectory, "uplift-tlearner.csv");
        var (code, printed) = PeerProcess.Run(python, [Script, tablePath, outPath], null,
            "the uplift peer needs Debian's python3 with python3-sklearn and python3-pandas",
            openMpWait is null ? null : new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = openMpWait });
        if (code != 0)
        {
            throw new InvalidOperationException($"{python} {Script} failed (exit code {code}): {printed}");
        }
        var (peer, fit, predict, version) = ReadPeer(outPath);

        var truth = PlantedUplift(Path.Combine(data, "interventions_truth.csv"));
        var oracleChurn = PlantedChurn(Path.Combine(data, "interventions_truth.csv"));
        var rows = new List<UpliftKindRow>();
        foreach (var exposure in Exposure.Of(heldTable, interventions, dataset.Customers, options))
        {
            if (result.Kinds.FirstOrDefault(k => k.Kind == exposure.Kind) is not { Effect.Effect: not null } kind || !peer.ContainsKey(exposure.Kind))
            {
                continue;
            }
            var ids = exposure.Rows.Select(r => table.CustomerIds[r]).ToArray();
            double[] saved = [.. ids.Select(id => truth[id].GetValueOrDefault(exposure.Kind))];
            double Qini(IEnumerable<double> ranking) => QiniCurve.Of([.. ranking], saved).Coefficient;
            rows.Add(new UpliftKindRow(exposure.Kind, kind.Effect.Design, trainExposures.First(e => e.Kind == exposure.Kind).TreatedCount, ids.Length,
                Qini(exposure.Rows.Select(r => metadata.UpliftOf(exposure.Kind, segments[r]) ?? 0)),
                Qini(ids.Select(id => peer[exposure.Kind][id])),
                Qini(saved),
                Qini(ids.Select(id => oracleChurn.GetValueOrDefault(id)))));
        }
        return new UpliftComparison(rows, ours, fit, predict, version, dataset.Customers.Count,
            Exposure.Eligible(trainTable).Length, Exposure.Eligible(heldTable).Length);
    }

    /// <summary>30% of the accounts (a customer without one is their own), drawn with the seed: whole accounts, as the product's holdouts.</summary>
    private static bool[] HeldOutRows(FeatureTable table, int seed)
    {
        string Unit(int r) => table.AccountIds?[r] is { Length: > 0 } a ? "a:" + a : "c:" + table.CustomerIds[r];
        var random = new Random(seed + 211);
        var units = Enumerable.Range(0, table.RowCount).Select(Unit).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var heldUnits = units.Where(_ => random.NextDouble() < 0.3).ToHashSet(StringComparer.Ordinal);
        return [.. Enumerable.Range(0, table.RowCount).Select(r => heldUnits.Contains(Unit(r)))];
    }

    /// <summary>The same features with the churn label blanked where asked: the uplift step then sees only the other rows.</summary>
    private static FeatureTable WithoutLabels(FeatureTable table, Func<int, bool> blank)
    {
        var churn = table.Labels[LabelNames.Churn];
        var label = Enumerable.Range(0, table.RowCount).Select(r => blank(r) ? float.NaN : churn[r]).ToArray();
        return new FeatureTable(table.CustomerIds, table.Columns)
        {
            AccountIds = table.AccountIds,
            Status = table.Status,
            Labels = new Dictionary<string, float[]>(table.Labels) { [LabelNames.Churn] = label },
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
    }

    /// <summary>The paying customers with a label: features, churn label, held out or not, and per kind who was given it on the training rows.</summary>
    private static void WriteTable(string path, FeatureTable table, bool[] held, IReadOnlyList<Exposure> exposures)
    {
        var rows = Exposure.Eligible(WithoutLabels(table, _ => false));
        var treated = exposures.Select(e =>
        {
            var values = new string?[table.RowCount];
            for (int i = 0; i < e.Rows.Length; i++)
            {
                values[e.Rows[i]] = e.Treated[i] ? "1" : "0";
            }
            return FeatureColumn.Categorical(TreatedPrefix + e.Kind, $"given {e.Kind} (1) or its comparison (0), training rows", [.. rows.Select(r => values[r])]);
        });
        var columns = table.Columns.Select(c => c.Rows(rows))
            .Append(FeatureColumn.Numeric(HoldoutColumn, "held-out account", [.. rows.Select(r => held[r] ? 1f : 0f)]))
            .Concat(treated)
            .ToList();
        FeatureTableFiles.Write(new FeatureTable([.. rows.Select(r => table.CustomerIds[r])], columns)
        {
            AccountIds = table.AccountIds is { } a ? [.. rows.Select(r => a[r])] : null,
            Status = table.Status is { } s ? [.. rows.Select(r => s[r])] : null,
            Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = [.. rows.Select(r => table.Labels[LabelNames.Churn][r])] },
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        }, path);
    }

    private static (Dictionary<string, Dictionary<string, double>> Uplift, double Fit, double Predict, string Version) ReadPeer(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].TrimStart('#', ' ').Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var columns = Cells(lines[1]);
        var uplift = columns.Skip(1).ToDictionary(c => c["uplift_".Length..], _ => new Dictionary<string, double>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var line in lines.Skip(2))
        {
            var cells = Cells(line);
            for (int c = 1; c < columns.Count; c++)
            {
                uplift[columns[c]["uplift_".Length..]][cells[0]] = double.Parse(cells[c], CultureInfo.InvariantCulture);
            }
        }
        return (uplift, double.Parse(header["fit_seconds"], CultureInfo.InvariantCulture), double.Parse(header["predict_seconds"], CultureInfo.InvariantCulture), header["scikit-learn"]);
    }

    /// <summary>interventions_truth.csv: each customer's planted uplift per kind.</summary>
    private static Dictionary<string, Dictionary<string, double>> PlantedUplift(string path) =>
        TruthRows(path).ToDictionary(r => r["customer_id"], r => r.Where(c => c.Key.StartsWith("uplift_", StringComparison.Ordinal) && c.Value.Length > 0)
            .ToDictionary(c => c.Key["uplift_".Length..], c => double.Parse(c.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal), StringComparer.Ordinal);

    private static Dictionary<string, double> PlantedChurn(string path) =>
        TruthRows(path).Where(r => r["churn_probability"].Length > 0)
            .ToDictionary(r => r["customer_id"], r => double.Parse(r["churn_probability"], CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static IEnumerable<Dictionary<string, string>> TruthRows(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Cells(lines[0]);
        return lines.Skip(1).Select(l => Cells(l)).Select(cells => header.Select((h, i) => (h, v: i < cells.Count ? cells[i] : "")).ToDictionary(x => x.h, x => x.v, StringComparer.Ordinal));
    }

    /// <summary>A line of the generator's truth file or the peer's output: ids, kinds and numbers, never a quoted cell.</summary>
    private static List<string> Cells(string line) => [.. line.Split(',')];
}
