using System.Globalization;
using System.Security.Cryptography;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>
/// A feature table <c>journeyml features</c> wrote, reused by <c>train --features</c> and <c>score --features</c> instead of
/// building the same features again. Reused only for the run it fits: the export is opened (customers and outcomes: the
/// plan, the pass-through columns and the steps that need other as-of dates read it) and the table's stored provenance
/// is checked against the run; any difference is an error naming the file and what differs, never a silently stale table.
/// </summary>
internal static class FeatureReuse
{
    /// <summary>Bytes read from each end of every input file for its fingerprint: cheap at any size, and any append or edit near either end shows.</summary>
    private const int EdgeBytes = 64 * 1024;

    /// <summary>What a table built by this run is stored with.</summary>
    public static FeatureTableProvenance Describe(FeatureRunOptions options, Dataset dataset, FeatureTable table, FeatureBuildSummary summary, ValidationReport report)
    {
        var plan = summary.Plan!;
        return new FeatureTableProvenance(FeatureTableProvenance.CurrentBuilderVersion, summary.AsOf, summary.HorizonDays, dataset.DataAsOf,
            DataFingerprint(options, dataset), TrainingRun.Fingerprint(table), options.Policy == InvalidRowPolicy.Skip,
            plan.UsageValues, plan.SeverityValues, [.. plan.ContentValueKinds.Select(k => k.ToString())],
            summary.SignedUpOnOrAfterAsOf, summary.EventsBeforeAsOf, summary.EventsOnOrAfterAsOf, summary.LabelsComplete, report.TotalProblems,
            plan.RepeatPurchases);
    }

    /// <summary>The run's features from the table at <see cref="FeatureRunOptions.FeaturesFile"/>, after checking it fits the run.</summary>
    public static FeatureRunResult Load(FeatureRunOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var path = options.FeaturesFile!;
        var file = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new DataFileException(file, $"no such feature table ({path}); write it with 'journeyml features --out {file}'");
        }
        var stored = FeatureTableProvenance.Read(path) ?? throw new DataFileException(file,
            "it does not say what it was built from (not written by 'journeyml features' of this version" +
            (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? ")" : $", or {Path.GetFileName(FeatureTableProvenance.SidecarPath(path))} is missing beside it)") +
            "; rebuild it with 'journeyml features', or train on your own table with --feature-table");
        var report = new ValidationReport(options.Policy);
        var dataset = FeatureRun.OpenDataset(options, report, logger);
        var asOf = FeatureRun.AsOfFor(options, dataset);
        var differences = Differences(stored, options, dataset, asOf);
        if (differences.Count > 0)
        {
            throw new DataFileException(file, $"built for another run ({string.Join("; ", differences)}); rebuild it for this one with " +
                string.Create(CultureInfo.InvariantCulture, $"'journeyml features --data {options.DataDirectory} --as-of {asOf:yyyy-MM-dd} --horizon {options.HorizonDays}") +
                (options.Policy == InvalidRowPolicy.Skip ? " --skip-invalid" : "") + $" --out {path}', or run without --features");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var plan = FeaturePlan.For(dataset.Customers, dataset.Mapping.Customers, stored.UsageValues, stored.SeverityValues,
            stored.ContentValueKinds.Select(k => Enum.Parse<EventKind>(k)), stored.RepeatPurchases);
        plan.InterventionKinds = InterventionFeatures.KindsOf(dataset.Interventions);
        var planned = Planned(plan);
        var table = WrittenFeatureTables.Read(path, planned, [LabelNames.Churn, LabelNames.Conversion], stored.AsOf, stored.HorizonDays);
        if (TrainingRun.Fingerprint(table) != stored.TableFingerprint)
        {
            throw new DataFileException(file, "its rows changed since 'journeyml features' wrote it (the values no longer match what it was built with); rebuild it");
        }
        var summary = new FeatureBuildSummary(stored.AsOf, stored.HorizonDays, table.RowCount, stored.SignedUpOnOrAfterAsOf, stored.EventsBeforeAsOf,
            stored.EventsOnOrAfterAsOf, RowsByStatus(table), Labels(table), stored.LabelsComplete, watch.Elapsed) { Plan = plan };
        logger.LogInformation("Reused the features as of {AsOf:yyyy-MM-dd} of {Rows} customers from {File} in {Seconds:F2} s (built from this export, checked)",
            stored.AsOf, table.RowCount, path, watch.Elapsed.TotalSeconds);
        return new FeatureRunResult(table, summary, report, dataset, null, null) { InvalidRows = stored.InvalidRows };
    }

    /// <summary>Every way the stored table and this run disagree, in words: empty when the table may be reused.</summary>
    private static List<string> Differences(FeatureTableProvenance stored, FeatureRunOptions options, Dataset dataset, DateTime asOf)
    {
        var inv = CultureInfo.InvariantCulture;
        var differences = new List<string>();
        if (stored.BuilderVersion != FeatureTableProvenance.CurrentBuilderVersion)
        {
            differences.Add(string.Create(inv, $"feature builder version {stored.BuilderVersion}, this JourneyML builds version {FeatureTableProvenance.CurrentBuilderVersion}"));
        }
        if (stored.AsOf != asOf)
        {
            differences.Add(string.Create(inv, $"as of {stored.AsOf:yyyy-MM-dd}, this run is as of {asOf:yyyy-MM-dd}"));
        }
        if (stored.HorizonDays != options.HorizonDays)
        {
            differences.Add(string.Create(inv, $"horizon {stored.HorizonDays} days, this run's is {options.HorizonDays}"));
        }
        if (stored.DataAsOf != dataset.DataAsOf)
        {
            differences.Add(string.Create(inv, $"data as of {stored.DataAsOf:yyyy-MM-ddTHH:mm:ssZ}, this export is as of {dataset.DataAsOf:yyyy-MM-ddTHH:mm:ssZ}"));
        }
        if (stored.SkipInvalid != (options.Policy == InvalidRowPolicy.Skip))
        {
            differences.Add(stored.SkipInvalid ? "built with --skip-invalid, this run is strict" : "built strict, this run has --skip-invalid");
        }
        if (stored.DataFingerprint != DataFingerprint(options, dataset))
        {
            differences.Add($"built from other data: the files in {options.DataDirectory} or its mapping changed since (or it came from another folder)");
        }
        return differences;
    }

    /// <summary>The columns the feature step writes for this plan, in its order: behaviour features, the customers table's own, then the interventions'.</summary>
    private static List<PlannedColumn> Planned(FeaturePlan plan) =>
    [
        .. plan.Behaviour.Select(b => new PlannedColumn(b.Name, IsCategorical(b.Name) ? FeatureKind.Categorical : FeatureKind.Numeric, b.Description)),
        .. plan.Attributes.Select(a => new PlannedColumn(a.Name, a.Kind, a.Description)),
        .. plan.InterventionKinds.Select(InterventionFeatures.Definitions)
            .SelectMany(d => new[] { d.DaysSince, d.Count })
            .Select(c => new PlannedColumn(c.Name, FeatureKind.Numeric, c.Description)),
    ];

    // The behaviour features BehaviourFeatures writes as categories; any other kind mismatch fails the table fingerprint.
    private static bool IsCategorical(string name) => name is FeatureNames.Plan or FeatureNames.Role or FeatureNames.Region;

    private static Dictionary<string, int> RowsByStatus(FeatureTable table) =>
        (table.Status ?? []).GroupBy(s => s.Name()).ToDictionary(g => g.Key, g => g.Count());

    private static Dictionary<string, (int Positive, int Negative)> Labels(FeatureTable table) =>
        table.Labels.ToDictionary(l => l.Key, l => (l.Value.Count(v => v == 1), l.Value.Count(v => v == 0)));

    /// <summary>
    /// The export's input files (customers, outcomes, events: names, sizes and their first and last 64 KiB) and its mapping
    /// file, hashed. A copied folder keeps it; an appended, truncated or re-exported file changes it.
    /// </summary>
    private static string DataFingerprint(FeatureRunOptions options, Dataset dataset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var mapping = options.MappingFile ?? Path.Combine(options.DataDirectory, DataMapping.DefaultFileName);
        var files = dataset.CustomerFiles.Concat(dataset.OutcomeFiles).Concat(dataset.Events.Files).Concat(dataset.InterventionFiles).Append(mapping).Where(File.Exists);
        var buffer = new byte[EdgeBytes];
        foreach (var path in files)
        {
            using var stream = File.OpenRead(path);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Path.GetFileName(path)}\n{stream.Length}\n"));
            hash.AppendData(buffer, 0, stream.ReadAtLeast(buffer, EdgeBytes, throwOnEndOfStream: false));
            if (stream.Length > EdgeBytes)
            {
                stream.Seek(-Math.Min(EdgeBytes, stream.Length - EdgeBytes), SeekOrigin.End);
                hash.AppendData(buffer, 0, stream.ReadAtLeast(buffer, EdgeBytes, throwOnEndOfStream: false));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
