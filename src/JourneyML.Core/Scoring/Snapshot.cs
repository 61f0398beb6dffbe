using System.Globalization;
using System.Text.RegularExpressions;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using Parquet;
using Parquet.Schema;

namespace JourneyML.Core.Scoring;

/// <summary>
/// One scoring run's result for every customer: segment, churn risk, lead score, factors in words, the change since
/// the previous snapshot, and the feature values behind them (so the next run can say what moved). Kept per run
/// under <c>models/snapshots/</c> as Parquet: the risk history.
/// </summary>
public sealed partial class Snapshot
{
    public const string FeaturePrefix = "f_";
    /// <summary>Prefix of the stored columns holding the customer's own passed-through columns (email, name, owner...).</summary>
    public const string PassThroughPrefix = "p_";
    /// <summary>The column of <see cref="StageDays"/>.</summary>
    public const string StageDaysColumn = "stage_days";
    /// <summary>The factors in Japanese (written since the workspace reads reasons in Japanese; absent in older snapshots).</summary>
    public const string FactorsJapaneseColumn = "factors_ja";
    /// <summary>Prefix of the stored columns holding the customer's categorical feature values (plan, region, the export's own attributes; role has its own column).</summary>
    public const string CategoryPrefix = "c_";
    /// <summary>The change reasons in Japanese (absent in older snapshots).</summary>
    public const string ChangeReasonJapaneseColumn = "change_reason_ja";
    /// <summary>The segment names in Japanese (absent in older snapshots).</summary>
    public const string SegmentNameJapaneseColumn = "segment_name_ja";

    public required DateTime AsOf { get; init; }
    public required string ModelVersion { get; init; }
    public required string[] CustomerIds { get; init; }
    public required string?[] AccountIds { get; init; }
    public required CustomerStatus[] Status { get; init; }
    public required int[] SegmentIds { get; init; }
    public required string[] SegmentNames { get; init; }
    /// <summary>The same segment names in Japanese; null in snapshots written before them (readers fall back to <see cref="SegmentNames"/>).</summary>
    public string[]? SegmentNamesJapanese { get; init; }

    /// <summary>A row's segment name in a language: the Japanese one where asked for and written, the English one otherwise.</summary>
    public string SegmentNameIn(int row, ReasonLanguage language) =>
        language == ReasonLanguage.Japanese && SegmentNamesJapanese is { } japanese && japanese[row].Length > 0 ? japanese[row] : SegmentNames[row];
    /// <summary>Lifecycle stage at the as-of date (the stage model's names).</summary>
    public required string[] Stage { get; init; }
    /// <summary>
    /// Days the customer has been in <see cref="Stage"/> on the as-of date, at the stage timeline's weekly resolution; NaN
    /// where the stage came from the entry rules alone (no exit conditions, a ready feature table, a snapshot written before).
    /// A live prediction holds the customer by the stage's exit conditions from here.
    /// </summary>
    public float[]? StageDays { get; init; }
    /// <summary>Calibrated churn risk; NaN where it does not apply (leads, churned customers).</summary>
    public required float[] ChurnRisk { get; init; }
    /// <summary>Calibrated lead score; NaN where it does not apply (customers).</summary>
    public required float[] LeadScore { get; init; }
    /// <summary>Top factors in words, separated by "; ".</summary>
    public required string[] Factors { get; init; }
    /// <summary>The same factors in Japanese, separated by "; "; null in snapshots written before them (readers fall back to <see cref="Factors"/>).</summary>
    public string[]? FactorsJapanese { get; init; }

    /// <summary>A row's reasons in a language: the Japanese ones where asked for and written, the English ones otherwise (and for a snapshot written before).</summary>
    public string FactorsIn(int row, ReasonLanguage language) =>
        language == ReasonLanguage.Japanese && FactorsJapanese is { } japanese && japanese[row].Length > 0 ? japanese[row] : Factors[row];
    /// <summary>Risk (or lead score) change since the previous snapshot; NaN when the customer was not in it.</summary>
    public required float[] Change { get; init; }
    public required string[] ChangeReason { get; init; }
    /// <summary>The same change reasons in Japanese; null in snapshots written before them (readers fall back to <see cref="ChangeReason"/>).</summary>
    public string[]? ChangeReasonJapanese { get; init; }

    /// <summary>A row's change reason in a language: Japanese where asked for and written, English otherwise.</summary>
    public string ChangeReasonIn(int row, ReasonLanguage language) =>
        language == ReasonLanguage.Japanese && ChangeReasonJapanese is { } japanese && japanese[row].Length > 0 ? japanese[row] : ChangeReason[row];
    public required IReadOnlyDictionary<string, float[]> FeatureValues { get; init; }
    /// <summary>
    /// The categorical feature values the customer was scored with (plan, region, 業種...; role is <see cref="Roles"/>), null
    /// where missing, so a what-if rebuilds exactly the row that was scored. Empty in snapshots written before them.
    /// </summary>
    public IReadOnlyDictionary<string, string?[]> CategoryValues { get; init; } = new Dictionary<string, string?[]>();
    /// <summary>Each contact's buying-group role (null where unknown): the account roll-up's engaged roles.</summary>
    public string?[]? Roles { get; init; }
    /// <summary>
    /// The customer's own identifying columns (email, name, owner...) as the export wrote them, in the export's column
    /// order, for the people and tools reading the lists; empty when the export has none. Never features.
    /// </summary>
    public IReadOnlyList<PassThroughValues> PassThrough { get; init; } = [];

    /// <summary>Each paying customer's survival curve (churn within 30 ... 180 days, median time to churn); null when the model version has no survival model.</summary>
    public TimeToChurn? TimeToChurn { get; init; }

    /// <summary>Each paying customer's best action and uplift (<see cref="CustomerUplift"/>); null when the model version has no intervention effects.</summary>
    public CustomerUplift? Uplift { get; init; }

    public int Count => CustomerIds.Length;

    /// <summary>Customers with a churn risk here and in the previous snapshot, the biggest rise first (what a CS team looks at on Monday).</summary>
    public IEnumerable<int> RankedByRiskChange() =>
        Enumerable.Range(0, Count).Where(r => !float.IsNaN(ChurnRisk[r]) && !float.IsNaN(Change[r]))
            .OrderByDescending(r => Change[r]).ThenBy(r => CustomerIds[r], StringComparer.Ordinal);

    /// <summary>
    /// Writes Parquet under a temporary name and renames it into place. (The CSV people open is the ranked list in the one
    /// export shape: <c>ScoringRun.WriteRankedList</c>, not a dump of this file.)
    /// </summary>
    public void Write(string path) => AtomicFile.Write(path, temporary => Task.Run(() => WriteParquetAsync(temporary)).GetAwaiter().GetResult());

    private async Task WriteParquetAsync(string path)
    {
        (string Name, IReadOnlyCollection<string?> Values)[] strings =
        [
            ("customer_id", CustomerIds), ("account_id", AccountIds), ("status", Status.Select(s => s.Name()).ToArray()), ("stage", Stage), ("segment_name", SegmentNames),
            ("factors", Factors), ("change_reason", ChangeReason), (FeatureNames.Role, Roles ?? new string?[Count]),
            .. PassThrough.Select(p => (PassThroughPrefix + p.Name, (IReadOnlyCollection<string?>)p.Values)),
            .. FactorsJapanese is null ? [] : new[] { (FactorsJapaneseColumn, (IReadOnlyCollection<string?>)FactorsJapanese) },
            .. TimeToChurn is { Factors: { } ttc, FactorsJapanese: { } ttcJapanese }
                ? new[] { (TimeToChurn.FactorsColumn, (IReadOnlyCollection<string?>)ttc), (TimeToChurn.FactorsJapaneseColumn, ttcJapanese) }
                : [],
            .. CategoryValues.Select(c => (CategoryPrefix + c.Key, (IReadOnlyCollection<string?>)c.Value)),
            .. ChangeReasonJapanese is null ? [] : new[] { (ChangeReasonJapaneseColumn, (IReadOnlyCollection<string?>)ChangeReasonJapanese) },
            .. Uplift?.TextColumns() ?? [],
            .. SegmentNamesJapanese is null ? [] : new[] { (SegmentNameJapaneseColumn, (IReadOnlyCollection<string?>)SegmentNamesJapanese) },
        ];
        var floats = new List<(string Name, float[] Values)> { ("churn_risk", ChurnRisk), ("lead_score", LeadScore), ("change", Change) };
        if (StageDays is not null)
        {
            floats.Add((StageDaysColumn, StageDays));
        }
        if (TimeToChurn is { } survival)
        {
            floats.AddRange(survival.ChurnWithin.Select((values, d) => (TimeToChurn.Column(Survival.SurvivalCurve.Days[d]), values)));
            floats.Add((TimeToChurn.MedianColumn, survival.MedianDays));
        }
        floats.AddRange(Uplift?.NumberColumns() ?? []);
        floats.AddRange(FeatureValues.Select(f => (FeaturePrefix + f.Key, f.Value)));
        var segmentField = new DataField<int>("segment_id");
        var fields = new List<Field>(strings.Select(s => (Field)new DataField<string>(s.Name, nullable: true))) { segmentField };
        fields.AddRange(floats.Select(f => new DataField<float>(f.Name)));
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        writer.CustomMetadata = new Dictionary<string, string>
        {
            ["journeyml.as_of"] = AsOf.ToString("o", CultureInfo.InvariantCulture),
            ["journeyml.model_version"] = ModelVersion,
        };
        using var group = writer.CreateRowGroup();
        int i = 0;
        foreach (var (_, values) in strings)
        {
            await group.WriteAsync((DataField)fields[i++], values);
        }
        await group.WriteAsync(segmentField, (ReadOnlyMemory<int>)SegmentIds);
        i++;
        foreach (var (_, values) in floats)
        {
            await group.WriteAsync((DataField)fields[i++], (ReadOnlyMemory<float>)values);
        }
    }

    /// <summary>Reads a snapshot back, for the change since last time and the risk history.</summary>
    /// <param name="withFeatures">Also read the feature values and the passed-through columns (the change's reasons and the lists need them; a risk history does not).</param>
    public static Snapshot Read(string path, bool withFeatures = true)
    {
        using var reader = TableReader.Open(path);
        var featureColumns = withFeatures ? reader.Columns.Where(c => c.StartsWith(FeaturePrefix, StringComparison.Ordinal)).ToArray() : [];
        var passThroughColumns = withFeatures ? reader.Columns.Where(c => c.StartsWith(PassThroughPrefix, StringComparison.Ordinal)).ToArray() : [];
        var categoryColumns = withFeatures ? reader.Columns.Where(c => c.StartsWith(CategoryPrefix, StringComparison.Ordinal)).ToArray() : [];
        string?[] fixedColumns = ["customer_id", "account_id", "status", "segment_id", "segment_name", "churn_risk", "lead_score", "factors", "change", "change_reason", "stage",
            reader.IndexOf(FeatureNames.Role) >= 0 ? FeatureNames.Role : null, reader.IndexOf(StageDaysColumn) >= 0 ? StageDaysColumn : null,
            reader.IndexOf(FactorsJapaneseColumn) >= 0 ? FactorsJapaneseColumn : null,
            reader.IndexOf(ChangeReasonJapaneseColumn) >= 0 ? ChangeReasonJapaneseColumn : null,
            reader.IndexOf(SegmentNameJapaneseColumn) >= 0 ? SegmentNameJapaneseColumn : null];
        // A chunk's buffers are pooled and valid only until the reader moves on: copy each chunk out as it comes.
        var ids = new List<string>();
        var accounts = new List<string?>();
        var status = new List<CustomerStatus>();
        var segments = new List<int>();
        var segmentNames = new List<string>();
        var churn = new List<float>();
        var lead = new List<float>();
        var factors = new List<string>();
        var japanese = new List<string>();
        var reasonsJapanese = new List<string>();
        var segmentNamesJapanese = new List<string>();
        var change = new List<float>();
        var reasons = new List<string>();
        var stages = new List<string>();
        var roles = new List<string?>();
        var stageDays = new List<float>();
        var features = featureColumns.ToDictionary(c => c[FeaturePrefix.Length..], _ => new List<float>());
        var passThrough = passThroughColumns.Select(_ => new List<string?>()).ToArray();
        var categories = categoryColumns.Select(_ => new List<string?>()).ToArray();
        int categoryStart = fixedColumns.Length + featureColumns.Length + passThroughColumns.Length;
        foreach (var chunk in reader.ReadAll([.. fixedColumns, .. featureColumns, .. passThroughColumns, .. categoryColumns]))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                ids.Add(chunk.GetString(0, i) ?? "");
                accounts.Add(chunk.GetString(1, i));
                var statusText = chunk.GetString(2, i);
                status.Add(CustomerStatuses.TryParse(statusText, out var known) ? known
                    : throw new DataFileException(path, $"row {chunk.RowNumber(i)}: unknown status '{statusText}' (lead, customer or churned): not a snapshot JourneyML wrote", "status"));
                segments.Add(chunk.TryGetOptionalDouble(3, i, out var s) && !double.IsNaN(s) ? (int)s : -1);
                segmentNames.Add(chunk.GetString(4, i) ?? "");
                churn.Add(Float(chunk, 5, i));
                lead.Add(Float(chunk, 6, i));
                factors.Add(chunk.GetString(7, i) ?? "");
                change.Add(Float(chunk, 8, i));
                reasons.Add(chunk.GetString(9, i) ?? "");
                stages.Add(chunk.GetString(10, i) ?? "");
                roles.Add(fixedColumns[11] is null ? null : chunk.GetString(11, i));
                stageDays.Add(fixedColumns[12] is null ? float.NaN : Float(chunk, 12, i));
                if (fixedColumns[13] is not null)
                {
                    japanese.Add(chunk.GetString(13, i) ?? "");
                }
                if (fixedColumns[14] is not null)
                {
                    reasonsJapanese.Add(chunk.GetString(14, i) ?? "");
                }
                if (fixedColumns[15] is not null)
                {
                    segmentNamesJapanese.Add(chunk.GetString(15, i) ?? "");
                }
                for (int f = 0; f < featureColumns.Length; f++)
                {
                    features[featureColumns[f][FeaturePrefix.Length..]].Add(Float(chunk, fixedColumns.Length + f, i));
                }
                for (int p = 0; p < passThroughColumns.Length; p++)
                {
                    passThrough[p].Add(chunk.GetString(fixedColumns.Length + featureColumns.Length + p, i));
                }
                for (int c = 0; c < categoryColumns.Length; c++)
                {
                    categories[c].Add(chunk.GetString(categoryStart + c, i));
                }
            }
        }
        var (asOf, version) = ReadMetadata(path);
        var timeToChurn = ReadTimeToChurn(reader, path, ids.Count);
        var uplift = CustomerUplift.Read(reader, path, ids.Count);
        return new Snapshot
        {
            AsOf = asOf, ModelVersion = version, CustomerIds = [.. ids], AccountIds = [.. accounts], Status = [.. status], SegmentIds = [.. segments],
            SegmentNames = [.. segmentNames], SegmentNamesJapanese = fixedColumns[15] is null ? null : [.. segmentNamesJapanese], ChurnRisk = [.. churn], LeadScore = [.. lead], Factors = [.. factors],
            FactorsJapanese = fixedColumns[13] is null ? null : [.. japanese], Change = [.. change],
            ChangeReason = [.. reasons], ChangeReasonJapanese = fixedColumns[14] is null ? null : [.. reasonsJapanese], Stage = [.. stages], StageDays = fixedColumns[12] is null ? null : [.. stageDays], Roles = [.. roles], FeatureValues = features.ToDictionary(f => f.Key, f => f.Value.ToArray()),
            PassThrough = [.. passThroughColumns.Select((c, p) => new PassThroughValues(c[PassThroughPrefix.Length..], [.. passThrough[p]]))],
            CategoryValues = categoryColumns.Select((c, k) => (c[CategoryPrefix.Length..], categories[k].ToArray())).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal),
            TimeToChurn = timeToChurn,
            Uplift = uplift,
        };
    }

    /// <summary>The survival columns, when the snapshot has them (written by a version with a survival model).</summary>
    private static TimeToChurn? ReadTimeToChurn(TableReader reader, string path, int rows)
    {
        var columns = TimeToChurn.Columns.ToArray();
        if (columns.Any(c => reader.IndexOf(c) < 0))
        {
            return null;
        }
        var values = columns.Select(_ => new float[rows]).ToArray();
        int row = 0;
        foreach (var chunk in reader.ReadAll(columns))
        {
            for (int i = 0; i < chunk.RowCount; i++, row++)
            {
                for (int c = 0; c < columns.Length; c++)
                {
                    values[c][row] = Float(chunk, c, i);
                }
            }
        }
        return row == rows ? new TimeToChurn(values[..^1], values[^1])
            {
                Factors = ReadStrings(reader, path, TimeToChurn.FactorsColumn, rows),
                FactorsJapanese = ReadStrings(reader, path, TimeToChurn.FactorsJapaneseColumn, rows),
            }
            : throw new DataFileException(path, $"the survival columns have {row} rows, the snapshot {rows}: not a snapshot JourneyML wrote", columns[0]);
    }

    /// <summary>A text column of every row, or null when the snapshot has none (written before it).</summary>
    private static string[]? ReadStrings(TableReader reader, string path, string column, int rows)
    {
        if (reader.IndexOf(column) < 0)
        {
            return null;
        }
        var values = new List<string>(rows);
        foreach (var chunk in reader.ReadAll([column]))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                values.Add(chunk.GetString(0, i) ?? "");
            }
        }
        return values.Count == rows ? [.. values]
            : throw new DataFileException(path, $"column '{column}' has {values.Count} rows, the snapshot {rows}: not a snapshot JourneyML wrote", column);
    }

    private static float Float(TableChunk chunk, int column, int row) =>
        chunk.TryGetOptionalDouble(column, row, out var v) ? (float)v : float.NaN;

    private static (DateTime AsOf, string Version) ReadMetadata(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var parts = name.Split('_');
        var asOf = DateTime.SpecifyKind(DateTime.ParseExact(parts[0], "yyyyMMdd", CultureInfo.InvariantCulture), DateTimeKind.Utc);
        return (asOf, parts.Length > 2 ? parts[2] : "");
    }

    /// <summary>The file name: as-of date, run time and model version, so names sort in history order.</summary>
    public static string FileName(DateTime asOf, DateTime runAt, string version) =>
        $"{asOf:yyyyMMdd}_{runAt:yyyyMMddHHmmssfff}_{version}.parquet";

    /// <summary>
    /// The snapshot a new one as of <paramref name="asOf"/> is compared with: the newest run among those with the
    /// latest as-of date strictly before it (scoring an earlier date later, or the same date again, compares with the past).
    /// </summary>
    public static string? PreviousTo(string directory, DateTime asOf)
    {
        var prefix = asOf.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return List(directory).LastOrDefault(f => string.CompareOrdinal(Path.GetFileName(f)[..8], prefix) < 0);
    }

    /// <summary>Whether a file is named as <see cref="FileName"/> names snapshots (what the as-of date and history order are read from).</summary>
    public static bool HasSnapshotName(string path) => SnapshotName().IsMatch(Path.GetFileName(path));

    [GeneratedRegex("^[0-9]{8}_[0-9]{17}_[^_]*\\.parquet$")]
    private static partial Regex SnapshotName();

    /// <summary>Every snapshot in a folder, oldest first (by as-of date, then run time).</summary>
    public static IReadOnlyList<string> List(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*.parquet").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)]
            : [];
}

/// <summary>One passed-through customer column: its name as the export wrote it, and each snapshot row's value (null where empty).</summary>
public sealed record PassThroughValues(string Name, string?[] Values);
