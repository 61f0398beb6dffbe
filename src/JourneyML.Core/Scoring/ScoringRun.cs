using System.Diagnostics;
using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Scoring;

public sealed record ScoringOptions
{
    /// <summary>Mode A: the behaviour logs to score; the as-of date defaults to the data's own (score on everything known).</summary>
    public FeatureRunOptions? Features { get; init; }
    /// <summary>Mode B: a ready feature table (one row per customer) with the columns the champion was trained on.</summary>
    public string? FeatureTable { get; init; }
    public string IdColumn { get; init; } = FeatureTableFiles.IdColumn;
    public InvalidRowPolicy Policy { get; init; } = InvalidRowPolicy.Strict;
    public required string RegistryPath { get; init; }
    /// <summary>Also write the snapshot as CSV beside the Parquet file.</summary>
    public bool WriteCsv { get; init; }
    public int TopFactors { get; init; } = 3;
    /// <summary>Stage config (JSON); default: stages.json in the registry folder when present, else the built-in B2B SaaS stages.</summary>
    public string? StagesFile { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

public sealed record ScoringResult(Snapshot Snapshot, string SnapshotPath, string? CsvPath, string? PreviousSnapshot, TimeSpan Elapsed)
{
    /// <summary>The customers most at risk, highest first.</summary>
    public IEnumerable<int> RankedByRisk() =>
        Enumerable.Range(0, Snapshot.Count).Where(r => !float.IsNaN(Snapshot.ChurnRisk[r])).OrderByDescending(r => Snapshot.ChurnRisk[r]).ThenBy(r => Snapshot.CustomerIds[r], StringComparer.Ordinal);
}

/// <summary>
/// Scores every customer with the champion: segment, churn risk (customers), lead score (leads), top factors in
/// words, and the change since the previous snapshot with the features that moved most. Writes a new snapshot.
/// </summary>
public static class ScoringRun
{
    public static ScoringResult Run(ScoringOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var registry = new ModelRegistry(options.RegistryPath);
        var models = registry.LoadChampion()
            ?? throw new NotReadyException($"no champion model in {registry.Root}: train one first ('journeyml train' or 'journeyml retrain')");
        var now = options.Clock.GetUtcNow().UtcDateTime;
        var table = LoadTable(options, models, now, logger, cancellationToken);
        var names = table.Columns.Select(c => c.Name).ToArray();
        var stages = options.StagesFile is { } stagesFile ? StageModel.Load(stagesFile, names) : StageModel.ForRegistry(registry.Root, names);
        var snapshot = Score(table, models, options.TopFactors, logger, stages);
        var previousPath = Snapshot.PreviousTo(registry.SnapshotsDirectory, snapshot.AsOf);
        if (previousPath is not null)
        {
            var previous = Snapshot.Read(previousPath);
            Changes.Apply(snapshot, previous, table);
            logger.LogInformation("Compared with the previous snapshot {Previous}", Path.GetFileName(previousPath));
        }
        var path = Path.Combine(registry.SnapshotsDirectory, Snapshot.FileName(snapshot.AsOf, now, models.Metadata.Version));
        snapshot.Write(path);
        string? csv = null;
        if (options.WriteCsv)
        {
            csv = Path.ChangeExtension(path, ".csv");
            snapshot.Write(csv);
        }
        logger.LogInformation("Scored {Customers} customers as of {AsOf:yyyy-MM-dd} with {Version} in {Seconds:F1} s; snapshot {Path}",
            snapshot.Count, snapshot.AsOf, models.Metadata.Version, watch.Elapsed.TotalSeconds, path);
        return new ScoringResult(snapshot, path, csv, previousPath, watch.Elapsed);
    }

    private static FeatureTable LoadTable(ScoringOptions options, LoadedModels models, DateTime now, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.Features is { } features)
        {
            return FeatureRun.Run(features with { OutputPath = null }, logger, cancellationToken: cancellationToken).Table;
        }
        if (options.FeatureTable is { } path)
        {
            // A ready table has no lifecycle status: every row gets the champion's task (churn risk, else lead score), as of today.
            var table = FeatureTableFiles.Read(path, new ValidationReport(options.Policy), options.IdColumn);
            var status = models.Churn is not null ? CustomerStatus.Customer : CustomerStatus.Lead;
            return new FeatureTable(table.CustomerIds, table.Columns)
            {
                AccountIds = table.AccountIds,
                Status = [.. table.CustomerIds.Select(_ => status)],
                AsOf = now.Date,
            };
        }
        throw new InvalidInputException("give either behaviour logs (a data folder) or a ready feature table to score");
    }

    /// <summary>Scores a feature table with loaded models (no files written): the core of batch scoring and of the API's batch call.</summary>
    public static Snapshot Score(FeatureTable table, LoadedModels models, int topFactors, ILogger logger, StageModel? stages = null)
    {
        int n = table.RowCount;
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, n)];
        var segments = models.Segmentation.Assign(table);
        var names = models.Segmentation.SegmentIds.Zip(models.Segmentation.SegmentNames).ToDictionary(x => x.First, x => x.Second);
        var churn = Filled(n);
        var lead = Filled(n);
        var factors = new string[n];
        Array.Fill(factors, "");
        ScoreTask(models.Churn, table, [.. Enumerable.Range(0, n).Where(r => status[r] == CustomerStatus.Customer)], churn, factors, topFactors, "low risk");
        ScoreTask(models.Lead, table, [.. Enumerable.Range(0, n).Where(r => status[r] == CustomerStatus.Lead)], lead, factors, topFactors, "low lead score");
        for (int r = 0; r < n; r++)
        {
            if (status[r] == CustomerStatus.Churned)
            {
                factors[r] = "churned before the as-of date";
            }
        }
        stages ??= StageModel.Default([.. table.Columns.Select(c => c.Name)]);
        var stage = StageModel.AssignAll(stages, table, status, churn, lead);
        return new Snapshot
        {
            AsOf = table.AsOf ?? DateTime.UtcNow.Date,
            Stage = stage,
            ModelVersion = models.Metadata.Version,
            CustomerIds = table.CustomerIds,
            AccountIds = table.AccountIds ?? new string?[n],
            Status = status,
            SegmentIds = segments,
            SegmentNames = [.. segments.Select(s => names.GetValueOrDefault(s, $"segment {s}"))],
            ChurnRisk = churn,
            LeadScore = lead,
            Factors = factors,
            Change = Filled(n),
            ChangeReason = [.. Enumerable.Repeat("", n)],
            FeatureValues = table.Columns.Where(c => c.Kind == FeatureKind.Numeric).ToDictionary(c => c.Name, c => c.Numbers!),
            Roles = table.Find("role")?.Categories,
        };
    }

    /// <param name="lowLabel">How a score with nothing pushing it up reads ("low risk"): its factors are then the ones holding it down.</param>
    internal static void ScoreTask(BinaryModel? model, FeatureTable table, int[] rows, float[] scores, string[] factors, int top, string lowLabel)
    {
        if (model is null || rows.Length == 0)
        {
            return;
        }
        // Rows are explained in parallel blocks: each block builds its own data views (BinaryModel makes an MLContext per call);
        // the fitted transformers are shared, and their Transform is safe to call from several threads.
        int block = BlockSize;
        var blocks = Enumerable.Range(0, (int)(((long)rows.Length + block - 1) / block)).ToArray();
        Parallel.ForEach(blocks, b =>
        {
            var slice = rows.AsSpan(b * block, Math.Min(block, rows.Length - b * block)).ToArray();
            var (probabilities, contributions) = model.PredictWithContributions(table, slice);
            for (int i = 0; i < slice.Length; i++)
            {
                int r = slice[i];
                scores[r] = probabilities[i];
                var raising = FactorText.Top(table, r, model.Vectorizer.Features, contributions[i], top);
                factors[r] = raising.Count > 0
                    ? string.Join("; ", raising.Select(f => f.Text))
                    : lowLabel + ": " + string.Join("; ", FactorText.Top(table, r, model.Vectorizer.Features, contributions[i], top, raising: false).Select(f => f.Text));
            }
        });
    }

    /// <summary>Rows per parallel scoring block (settable so tests can force several blocks on small data).</summary>
    internal static int BlockSize { get; set; } = 20_000;

    private static float[] Filled(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}

/// <summary>What changed since the previous snapshot: "risk up 0.31 since 2026-06-24: logins fell from 22 to 6".</summary>
internal static class Changes
{
    // The signals a CS team recognises, in the order they are worth mentioning.
    private static readonly (string Feature, string Words)[] Signals =
    [
        ("logins_30d", "logins in 30 days"),
        ("tickets_30d", "tickets in 30 days"),
        ("active_days_30d", "active days in 30"),
        ("content_30d", "content engagements in 30 days"),
        ("pricing_views_14d", "pricing-page views in 14 days"),
        ("days_since_last_login", "days since the last login"),
        ("account_engaged_contacts_30d", "engaged contacts in the account"),
        ("escalations_90d", "escalated tickets in 90 days"),
    ];

    public static void Apply(Snapshot current, Snapshot previous, FeatureTable table)
    {
        var before = new Dictionary<string, int>(previous.Count, StringComparer.Ordinal);
        for (int r = 0; r < previous.Count; r++)
        {
            before[previous.CustomerIds[r]] = r;
        }
        var inv = CultureInfo.InvariantCulture;
        for (int r = 0; r < current.Count; r++)
        {
            if (!before.TryGetValue(current.CustomerIds[r], out int p))
            {
                current.ChangeReason[r] = "new since the previous snapshot";
                continue;
            }
            bool isLead = !float.IsNaN(current.LeadScore[r]);
            float now = isLead ? current.LeadScore[r] : current.ChurnRisk[r];
            float then = isLead ? previous.LeadScore[p] : previous.ChurnRisk[p];
            if (float.IsNaN(now) || float.IsNaN(then))
            {
                current.ChangeReason[r] = current.Status[r] != previous.Status[p] ? $"status changed from {previous.Status[p]} to {current.Status[r]}" : "";
                continue;
            }
            float delta = now - then;
            current.Change[r] = delta;
            var what = isLead ? "lead score" : "risk";
            var moves = Signals
                .Where(s => current.FeatureValues.ContainsKey(s.Feature) && previous.FeatureValues.ContainsKey(s.Feature))
                .Select(s => (s.Words, Now: current.FeatureValues[s.Feature][r], Then: previous.FeatureValues[s.Feature][p]))
                .Where(m => !float.IsNaN(m.Now) && !float.IsNaN(m.Then) && Math.Abs(m.Now - m.Then) >= 1)
                .OrderByDescending(m => Math.Abs(m.Now - m.Then) / (Math.Abs(m.Then) + 1))
                .Take(2)
                .Select(m => $"{m.Words} {(m.Now < m.Then ? "fell" : "rose")} from {m.Then.ToString("0", inv)} to {m.Now.ToString("0", inv)}")
                .ToList();
            var direction = Math.Abs(delta) < 0.005f ? "unchanged" : $"{(delta > 0 ? "up" : "down")} {Math.Abs(delta).ToString("0.00", inv)}";
            current.ChangeReason[r] = $"{what} {direction} since {previous.AsOf:yyyy-MM-dd}" + (moves.Count > 0 ? ": " + string.Join(", ", moves) : "");
        }
    }
}
