using System.Globalization;
using System.Text.Json.Serialization;
using JourneyML.Core.Prediction;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Scoring;

/// <summary>A customer's scores in one snapshot: the risk history is a list of these, oldest first.</summary>
public sealed record RiskPoint(DateTime AsOf, string ModelVersion, float? ChurnRisk, float? LeadScore, string? Stage);

/// <summary>Why a customer is alerted on; written "risk-crossed-threshold" or "stage-moved".</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertKind>))]
public enum AlertKind
{
    /// <summary>The churn risk rose to the threshold or past it since the previous snapshot.</summary>
    [JsonStringEnumMemberName("risk-crossed-threshold")]
    RiskCrossedThreshold,
    /// <summary>The stage moved to a watched one (At-risk, Dormant by default).</summary>
    [JsonStringEnumMemberName("stage-moved")]
    StageMoved,
}

/// <summary>A customer whose churn risk crossed the threshold, or whose stage moved to one watched (At-risk, Dormant), between two snapshots.</summary>
public sealed record Alert(
    string CustomerId,
    string? AccountId,
    AlertKind Kind,
    DateTime AsOf,
    DateTime PreviousAsOf,
    float? ChurnRisk,
    float? PreviousChurnRisk,
    string Stage,
    string? PreviousStage,
    string Factors,
    string ModelVersion);

/// <summary>Settings of the alerts computed between consecutive snapshots.</summary>
public sealed record AlertRules(float ChurnRiskThreshold, IReadOnlyList<string> Stages)
{
    /// <summary>
    /// An alert when a customer's churn risk rises to this or above between two snapshots, where no At-risk cut is known:
    /// the API uses the latest snapshot's model cut (metadata.json atRisk.threshold) unless Serving:ChurnRiskThreshold is set.
    /// </summary>
    public const double DefaultChurnRiskThreshold = 0.4;

    /// <summary>An alert when a customer moves into one of these stages: off the path, where CS should look.</summary>
    public static IReadOnlyList<string> DefaultStages { get; } = ["At-risk", "Dormant"];

    public static AlertRules Default { get; } = new((float)DefaultChurnRiskThreshold, DefaultStages);
}

/// <summary>
/// The scoring snapshots as the serving side reads them: the latest one indexed (customers ranked by churn risk, by
/// id, by account), the earlier ones (the last run of each earlier as-of date, up to a depth) as risk histories
/// aligned to the latest snapshot's rows, and the alerts between each consecutive pair. Immutable once loaded.
/// </summary>
/// <summary>One snapshot's segment sizes: how many customers each segment held then, under the name that snapshot gave it.</summary>
public sealed record SegmentSizes(DateTime AsOf, string ModelVersion, IReadOnlyDictionary<int, SegmentSize> Segments)
{
    public static SegmentSizes Of(Snapshot snapshot)
    {
        var sizes = new SortedDictionary<int, SegmentSize>();
        for (int i = 0; i < snapshot.Count; i++)
        {
            int id = snapshot.SegmentIds[i];
            sizes[id] = sizes.TryGetValue(id, out var size) ? size with { Members = size.Members + 1 }
                : new SegmentSize(snapshot.SegmentNames[i], 1) { NameJapanese = snapshot.SegmentNamesJapanese?[i] };
        }
        return new SegmentSizes(snapshot.AsOf, snapshot.ModelVersion, sizes);
    }
}

/// <summary>A segment's name and member count in one snapshot.</summary>
public sealed record SegmentSize(string Name, int Members)
{
    /// <summary>The name in Japanese; null for a snapshot written before them.</summary>
    public string? NameJapanese { get; init; }

    /// <summary>The name in a language: the Japanese one where asked for and written, the English one otherwise.</summary>
    public string NameIn(ReasonLanguage language) => language == ReasonLanguage.Japanese && !string.IsNullOrEmpty(NameJapanese) ? NameJapanese : Name;
}

public sealed class SnapshotView
{
    private readonly Dictionary<string, int> _rowById;
    private readonly Dictionary<string, int[]> _rowsByAccount;
    private readonly List<HistoryColumn> _history;
    private readonly int[] _rank;

    private SnapshotView(string path, Snapshot latest, List<HistoryColumn> history, AlertRules rules)
    {
        Path = path;
        Latest = latest;
        _history = history;
        _rowById = new Dictionary<string, int>(latest.Count, StringComparer.Ordinal);
        for (int r = 0; r < latest.Count; r++)
        {
            _rowById[latest.CustomerIds[r]] = r;
        }
        _rowsByAccount = Enumerable.Range(0, latest.Count).Where(r => latest.AccountIds[r] is not null)
            .GroupBy(r => latest.AccountIds[r]!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        // Highest risk first, ties by id so pages are stable: the first section of the snapshot CSV.
        var ranked = RankedList.ByChurnRisk(latest);
        RankedByRisk = ranked;
        _rank = new int[latest.Count];
        Array.Fill(_rank, -1);
        for (int i = 0; i < ranked.Length; i++)
        {
            _rank[ranked[i]] = i;
        }
        Alerts = ComputeAlerts(rules);
        LatestAlerts = [.. Alerts.Where(a => a.AsOf == latest.AsOf)];
    }

    /// <summary>The latest snapshot's file.</summary>
    public string Path { get; }
    public Snapshot Latest { get; }
    /// <summary>Rows of customers with a churn risk, highest first.</summary>
    public int[] RankedByRisk { get; }
    /// <summary>Every alert between consecutive snapshots in the history, newest first.</summary>
    public IReadOnlyList<Alert> Alerts { get; }
    /// <summary>The latest snapshot's alerts (against the one before): what the last scoring run raised, and what webhooks are sent.</summary>
    public IReadOnlyList<Alert> LatestAlerts { get; }
    /// <summary>The as-of date of the snapshot before the latest (null when the latest is the first).</summary>
    public DateTime? PreviousAsOf => _history.Count > 1 ? _history[^2].AsOf : null;
    public IReadOnlyCollection<string> Accounts => _rowsByAccount.Keys;

    /// <summary>Each snapshot of the history, oldest first, with its segments' sizes (every customer of that snapshot, not only those still in the latest).</summary>
    public IReadOnlyList<SegmentSizes> SegmentHistory => [.. _history.Select(h => h.Sizes)];

    /// <summary>The alerts of every snapshot with an as-of date after <paramref name="since"/>, newest first.</summary>
    public IEnumerable<Alert> AlertsSince(DateTime since) => Alerts.Where(a => a.AsOf > since);

    /// <summary>The 0-based position of a row in <see cref="RankedByRisk"/>, or -1 when it has no churn risk.</summary>
    public int RankOf(int row) => _rank[row];

    public bool TryFind(string customerId, out int row) => _rowById.TryGetValue(customerId, out row);

    /// <summary>
    /// Where the latest snapshot has the customer on <paramref name="asOf"/>: its stage, with the days since the snapshot
    /// added to the days in it. Null (the entry rules decide) for a customer not in it, a snapshot whose stages came from the
    /// entry rules alone (no days in stage), or a date before the snapshot's (its stage is not known then).
    /// </summary>
    public StagePosition? PositionOf(string customerId, DateTime asOf)
    {
        if (Latest.StageDays is not { } days || !TryFind(customerId, out int row) || float.IsNaN(days[row]) || asOf < Latest.AsOf)
        {
            return null;
        }
        return new StagePosition(Latest.Stage[row], days[row] + (asOf - Latest.AsOf).TotalDays);
    }

    public IReadOnlyList<int> AccountRows(string accountId) => _rowsByAccount.TryGetValue(accountId, out var rows) ? rows : [];

    /// <summary>The customer's scores across snapshots, oldest first, the latest included.</summary>
    public IReadOnlyList<RiskPoint> History(int row) =>
        [.. _history.Where(h => h.Present[row]).Select(h => new RiskPoint(h.AsOf, h.Version, Value(h.Risk[row]), Value(h.Lead[row]), h.Stage[row]))];

    /// <summary>
    /// Loads the newest snapshot of a folder and up to <paramref name="depth"/> earlier as-of dates (the last run of
    /// each). Null when the folder has no snapshot yet.
    /// </summary>
    public static SnapshotView? Load(string snapshotsDirectory, AlertRules? rules = null, int depth = 12) =>
        Load(Snapshot.List(snapshotsDirectory), rules, depth, unreadable: null);

    /// <summary>
    /// Loads the newest of <paramref name="files"/> (oldest first, as <see cref="Snapshot.List"/> gives them) that can be
    /// read, with its history. With <paramref name="unreadable"/>, a file that cannot be read (not Parquet, empty,
    /// half-copied, not a snapshot) is reported there and skipped, so one damaged file never stops the serving of the
    /// others; without it, the first such file throws. Null when no file can be read.
    /// </summary>
    public static SnapshotView? Load(IReadOnlyList<string> files, AlertRules? rules, int depth, Action<string, Exception>? unreadable)
    {
        if (unreadable is not null)
        {
            foreach (var misnamed in files.Where(f => !Snapshot.HasSnapshotName(f)))
            {
                unreadable(misnamed, new InvalidDataException("not a snapshot's file name (yyyyMMdd_yyyyMMddHHmmssfff_version.parquet)"));
            }
            files = [.. files.Where(Snapshot.HasSnapshotName)];
        }
        Snapshot? latest = null;
        int latestIndex = files.Count - 1;
        for (; latestIndex >= 0 && latest is null; latestIndex--)
        {
            latest = TryRead(files[latestIndex], withFeatures: true, unreadable);
        }
        if (latest is null)
        {
            return null;
        }
        var latestPath = files[latestIndex + 1];
        // The last run of each as-of date before the latest's, newest first, up to the depth.
        var earlier = files.Take(latestIndex + 1)
            .GroupBy(f => System.IO.Path.GetFileName(f)[..8], StringComparer.Ordinal)
            .Select(g => g.Last())
            .Where(f => string.CompareOrdinal(System.IO.Path.GetFileName(f)[..8], latest.AsOf.ToString("yyyyMMdd", CultureInfo.InvariantCulture)) < 0)
            .OrderByDescending(f => f, StringComparer.Ordinal)
            .Take(Math.Max(0, depth - 1))
            .Reverse()
            .ToList();
        var rowById = new Dictionary<string, int>(latest.Count, StringComparer.Ordinal);
        for (int r = 0; r < latest.Count; r++)
        {
            rowById[latest.CustomerIds[r]] = r;
        }
        var history = earlier.Select(f => TryRead(f, withFeatures: false, unreadable)).OfType<Snapshot>()
            .Select(h => HistoryColumn.Aligned(h, rowById, latest.Count)).ToList();
        history.Add(HistoryColumn.Aligned(latest, rowById, latest.Count));
        return new SnapshotView(latestPath, latest, history, rules ?? AlertRules.Default);
    }

    private static Snapshot? TryRead(string path, bool withFeatures, Action<string, Exception>? unreadable)
    {
        if (unreadable is null)
        {
            return Snapshot.Read(path, withFeatures);
        }
        try
        {
            return Snapshot.Read(path, withFeatures);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            unreadable(path, e);
            return null;
        }
    }

    /// <summary>
    /// What reading a damaged file can throw: the readers' own errors, and whatever the Parquet library meets in bytes
    /// that are not what their header promised (a half-copied file ends in the middle of a page). Only cancellation and
    /// running out of memory are not the file's fault.
    /// </summary>
    private static bool IsUnreadable(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);

    private List<Alert> ComputeAlerts(AlertRules rules)
    {
        var alerts = new List<Alert>();
        var watched = new HashSet<string>(rules.Stages, StringComparer.OrdinalIgnoreCase);
        for (int h = _history.Count - 1; h >= 1; h--)
        {
            var now = _history[h];
            var before = _history[h - 1];
            for (int r = 0; r < Latest.Count; r++)
            {
                if (!now.Present[r] || !before.Present[r])
                {
                    continue;
                }
                bool crossed = !float.IsNaN(now.Risk[r]) && !float.IsNaN(before.Risk[r])
                    && now.Risk[r] >= rules.ChurnRiskThreshold && before.Risk[r] < rules.ChurnRiskThreshold;
                bool moved = now.Stage[r] is { } stage && watched.Contains(stage) && !string.Equals(stage, before.Stage[r], StringComparison.Ordinal);
                if (!crossed && !moved)
                {
                    continue;
                }
                bool isLatest = h == _history.Count - 1;
                alerts.Add(new Alert(Latest.CustomerIds[r], Latest.AccountIds[r], crossed ? AlertKind.RiskCrossedThreshold : AlertKind.StageMoved,
                    now.AsOf, before.AsOf, Value(now.Risk[r]), Value(before.Risk[r]), now.Stage[r] ?? "", before.Stage[r],
                    isLatest ? Latest.Factors[r] : "", now.Version));
            }
        }
        return alerts;
    }

    private static float? Value(float v) => float.IsNaN(v) ? null : v;

    /// <summary>One snapshot's scores, aligned to the latest snapshot's rows.</summary>
    private sealed record HistoryColumn(DateTime AsOf, string Version, bool[] Present, float[] Risk, float[] Lead, string?[] Stage, SegmentSizes Sizes)
    {
        public static HistoryColumn Aligned(Snapshot snapshot, Dictionary<string, int> rowById, int rows)
        {
            var present = new bool[rows];
            var risk = new float[rows];
            var lead = new float[rows];
            Array.Fill(risk, float.NaN);
            Array.Fill(lead, float.NaN);
            var stage = new string?[rows];
            for (int i = 0; i < snapshot.Count; i++)
            {
                if (rowById.TryGetValue(snapshot.CustomerIds[i], out int r))
                {
                    present[r] = true;
                    risk[r] = snapshot.ChurnRisk[i];
                    lead[r] = snapshot.LeadScore[i];
                    stage[r] = string.IsNullOrEmpty(snapshot.Stage[i]) ? null : string.Intern(snapshot.Stage[i]);
                }
            }
            return new HistoryColumn(snapshot.AsOf, snapshot.ModelVersion, present, risk, lead, stage, SegmentSizes.Of(snapshot));
        }
    }
}
