using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JourneyML.Core.Data;

/// <summary>
/// The mapping file (<c>journeyml.json</c>): where a user's export lives and which of their columns and
/// event names mean what to JourneyML, so nobody has to rewrite an export to fit us.
/// Every setting is optional; without a mapping file the canonical names are expected.
/// </summary>
public sealed record DataMapping
{
    // Properties are settable, not init-only: for init-only ones the JSON source generator sets absent settings to null.

    public const string DefaultFileName = "journeyml.json";

    /// <summary>The moment the export was taken. No event may be at or after it; labels are only complete up to it.</summary>
    public DateTime? DataAsOf { get; set; }

    /// <summary>With --skip-invalid: the largest share (0 to 1) of a file's rows that may be skipped as invalid before the run stops. Default 0.01 (1%).</summary>
    public double? MaxInvalidShare { get; set; }

    /// <summary>Where the export's history begins (optional). Default: its earliest event. Tells a new customer from one the export only partly covers.</summary>
    public DateTime? DataStart { get; set; }

    /// <summary>A .NET date format for every time column (for example "yyyy-MM-dd HH:mm:ss"). Default: ISO 8601. Times are UTC.</summary>
    public string? TimeFormat { get; set; }

    /// <summary>
    /// The text encoding of every CSV table (utf-8, utf-16, shift_jis / cp932, or another .NET name); a table's own setting
    /// wins. Default: detected (a byte order mark, else UTF-8, else Shift_JIS when the bytes are Shift_JIS).
    /// </summary>
    public string? Encoding { get; set; }

    /// <summary>The field delimiter of every CSV table (",", ";", "|" or "tab"); a table's own setting wins. Default: detected from the header row.</summary>
    public string? Delimiter { get; set; }

    public CustomersMapping Customers { get; set; } = new();
    public EventsMapping Events { get; set; } = new();
    public OutcomesMapping Outcomes { get; set; } = new();
    /// <summary>The optional interventions table: what CS and marketing did to whom, and any randomised holdouts.</summary>
    public InterventionsMapping Interventions { get; set; } = new();
    /// <summary>Which impossible timelines (events before signup, activity after churn, outcomes before signup) are kept.</summary>
    public TimelinesMapping Timelines { get; set; } = new();

    /// <summary>The folder the paths are relative to (the mapping file's folder, or the data folder).</summary>
    [JsonIgnore]
    public string BaseDirectory { get; set; } = ".";


    /// <summary>
    /// The mapping for a data folder: its <c>journeyml.json</c> when present, else the canonical defaults.
    /// </summary>
    public static DataMapping ForDirectory(string dataDirectory, string? mappingFile = null)
    {
        if (!Directory.Exists(dataDirectory))
        {
            throw new DataFileException(dataDirectory, "data folder not found");
        }
        var path = mappingFile ?? Path.Combine(dataDirectory, DefaultFileName);
        if (mappingFile is null && !File.Exists(path))
        {
            return new DataMapping { BaseDirectory = Path.GetFullPath(dataDirectory) };
        }
        var mapping = Load(path);
        // Paths in an explicit mapping file are relative to that file; a folder's own journeyml.json is in the folder.
        return mapping with { DataDirectory = Path.GetFullPath(dataDirectory) };
    }

    /// <summary>Reads and checks a mapping file; every problem names the setting and the reason.</summary>
    public static DataMapping Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFileException(path, "mapping file not found");
        }
        DataMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize(File.ReadAllText(path), DataMappingJson.Default.DataMapping);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } ? $" at '{ex.Path.TrimStart('$', '.')}'" : "";
            throw new DataFileException(path, $"not a valid mapping file{where}: {NameTheChoices(FirstSentence(ex.Message))}");
        }
        if (mapping is null)
        {
            throw new DataFileException(path, "mapping file is empty");
        }
        mapping = mapping with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))! };
        mapping.Validate(path);
        return mapping;
    }

    /// <summary>How a table's CSV files are read: the table's own encoding and delimiter, else the top-level ones, else detected.</summary>
    public CsvFormat CsvFormatFor(ITableFormat table)
    {
        var (encoding, encodingSetting) = FormatSetting(table, table.Encoding, Encoding, "encoding");
        var (delimiter, delimiterSetting) = FormatSetting(table, table.Delimiter, Delimiter, "delimiter");
        return CsvFormat.Parse(encoding, delimiter, $"\"{encodingSetting}\" in the mapping", $"\"{delimiterSetting}\" in the mapping")
            with { Table = TableName(table) };
    }

    private static (string? Value, string Setting) FormatSetting(ITableFormat table, string? own, string? shared, string name) =>
        own is not null ? (own, $"{TableName(table)}.{name}") : (shared, name);

    private static string TableName(ITableFormat table) => table switch
    {
        CustomersMapping => "customers",
        EventsMapping => "events",
        InterventionsMapping => "interventions",
        _ => "outcomes",
    };

    public string ToJson() => JsonSerializer.Serialize(this, DataMappingJson.Default.DataMapping);

    private void Validate(string path)
    {
        if (TimeFormat is not null)
        {
            try
            {
                _ = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).ToString(TimeFormat, CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw new DataFileException(path, $"timeFormat '{TimeFormat}' is not a valid date format", "timeFormat");
            }
        }
        foreach (var (theirs, ours) in Events.Types)
        {
            if (!EventKinds.TryParseCanonical(ours, out _))
            {
                throw new DataFileException(path,
                    $"event type '{theirs}' maps to '{ours}', which is not a JourneyML event type (one of: {string.Join(", ", EventKinds.All.Select(k => k.CanonicalName()))})",
                    "events.types");
            }
        }
        if (!(Timelines.GraceDays >= 0 && Timelines.GraceDays <= 366))
        {
            throw new DataFileException(path, $"timelines.graceDays must be between 0 and 366 days, not {Timelines.GraceDays}", "timelines.graceDays");
        }
        ValidateFormat(path, null, Encoding, Delimiter);
        ValidateInterventions(path);
        foreach (ITableFormat table in new ITableFormat[] { Customers, Events, Outcomes, Interventions })
        {
            ValidateFormat(path, TableName(table) + ".", table.Encoding, table.Delimiter);
        }
        if (DataAsOf is { Kind: DateTimeKind.Local })
        {
            throw new DataFileException(path, "dataAsOf must be UTC (end it with Z)", "dataAsOf");
        }
        if (MaxInvalidShare is { } share && !(share >= 0 && share <= 1))
        {
            throw new DataFileException(path, $"maxInvalidShare must be a share between 0 and 1 (0.01 is 1%), not {share}", "maxInvalidShare");
        }
        if (DataStart is { Kind: DateTimeKind.Local })
        {
            throw new DataFileException(path, "dataStart must be UTC (end it with Z)", "dataStart");
        }
        if (DataStart is { } start && DataAsOf is { } asOf && start >= asOf)
        {
            throw new DataFileException(path, $"dataStart {start:yyyy-MM-ddTHH:mm:ssZ} is not before dataAsOf {asOf:yyyy-MM-ddTHH:mm:ssZ}: the export's history must begin before it was taken", "dataStart");
        }
    }

    private void ValidateInterventions(string path)
    {
        foreach (var (theirs, ours) in Interventions.Arms)
        {
            if (!InterventionArms.TryParse(ours, out _))
            {
                throw new DataFileException(path, $"arm '{theirs}' maps to '{ours}', which is not treatment or control", "interventions.arms");
            }
        }
        foreach (var (theirs, ours) in Interventions.Kinds)
        {
            if (string.IsNullOrWhiteSpace(ours))
            {
                throw new DataFileException(path, $"kind '{theirs}' maps to an empty kind", "interventions.kinds");
            }
        }
    }

    /// <summary>A setting with a fixed set of values says which, not the .NET type it failed to become.</summary>
    private static string NameTheChoices(string reason) => reason
        .Replace($"could not be converted to {typeof(TimelineRule).FullName}", "is not one of: reject, keep", StringComparison.Ordinal)
        .Replace($"could not be converted to {typeof(UnmappedTypePolicy).FullName}", "is not one of: other, error", StringComparison.Ordinal);

    private static void ValidateFormat(string path, string? prefix, string? encoding, string? delimiter)
    {
        if (encoding is not null && !TextEncodings.TryParse(encoding, out _, out var reason))
        {
            throw new DataFileException(path, reason, prefix + "encoding");
        }
        if (delimiter is not null && !CsvFormat.TryParseDelimiter(delimiter, out _, out var why))
        {
            throw new DataFileException(path, why, prefix + "delimiter");
        }
    }

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..(dot + 1)] : message;
    }

    /// <summary>The data folder the mapping was opened for, when it was (tables may be in it or in the mapping's folder).</summary>
    [JsonIgnore]
    public string? DataDirectory { get; init; }

    /// <summary>Resolves a table's path against <see cref="BaseDirectory"/>.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));

    /// <summary>
    /// A table's path from the mapping, refused when it leads outside the data folder and the mapping's own folder (an
    /// absolute path, or <c>..</c>): a mapping handed in with an export (or to the API's retraining jobs) reads that export only.
    /// </summary>
    /// <param name="setting">The setting that holds it, for the message (for example <c>events.path</c>).</param>
    public string ResolveInside(string path, string setting)
    {
        var full = Resolve(path);
        var roots = new[] { BaseDirectory, DataDirectory }.OfType<string>().Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)));
        if (!roots.Any(r => full == r || full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new DataFileException(DefaultFileName,
                $"{setting} '{path}' points outside the data folder: tables must be inside the data folder or beside the mapping file", setting);
        }
        return full;
    }
}

/// <summary>Source-generated serialisation: works where reflection is off (trimmed or file-based programs, such as the notebooks).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DataMapping))]
internal sealed partial class DataMappingJson : JsonSerializerContext;

/// <summary>A table's own CSV settings; unset ones fall back to the mapping's top-level settings, then to detection.</summary>
public interface ITableFormat
{
    string? Encoding { get; }
    string? Delimiter { get; }
}

public sealed record CustomersMapping : ITableFormat
{
    /// <summary>A file, or a folder of .csv/.parquet parts. Default: customers.csv or customers.parquet.</summary>
    public string? Path { get; set; }
    /// <summary>This table's encoding, when it differs from the top-level one.</summary>
    public string? Encoding { get; set; }
    /// <summary>This table's delimiter, when it differs from the top-level one.</summary>
    public string? Delimiter { get; set; }
    public CustomerColumns Columns { get; set; } = new();
    /// <summary>Their role names to ours, for example "Economic Buyer" -> "decision-maker". Unlisted roles are kept as they are.</summary>
    public Dictionary<string, string> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>
    /// Your columns copied to every export as they are (email, name, owner...), never used as features. Null (absent): the
    /// columns whose names say they identify a person are detected (<see cref="PassThroughColumns.Detect"/>); [] passes none.
    /// </summary>
    public List<string>? PassThrough { get; set; }
    /// <summary>
    /// Extra columns never offered to the models as features (for example "email", "notes"); they stay readable as the
    /// customer's own columns. Every other extra column is a feature unless the feature step leaves it out with a reason.
    /// </summary>
    public List<string> Ignore { get; set; } = [];
}

public sealed record CustomerColumns
{
    public string CustomerId { get; set; } = "customer_id";
    public string AccountId { get; set; } = "account_id";
    public string SignedUpAt { get; set; } = "signed_up_at";
    public string Plan { get; set; } = "plan";
    public string Role { get; set; } = "role";
    public string Region { get; set; } = "region";
}

public enum UnmappedTypePolicy
{
    /// <summary>Keep the event as 'other' (activity, not a signal) and count it by type name in the report.</summary>
    Other,
    /// <summary>Reject the row as invalid.</summary>
    Error,
}

public sealed record EventsMapping : ITableFormat
{
    /// <summary>A file, or a folder of .csv/.parquet parts. Default: events.csv, events.parquet or an events/ folder.</summary>
    public string? Path { get; set; }
    /// <summary>This table's encoding, when it differs from the top-level one.</summary>
    public string? Encoding { get; set; }
    /// <summary>This table's delimiter, when it differs from the top-level one.</summary>
    public string? Delimiter { get; set; }
    public EventColumns Columns { get; set; } = new();
    /// <summary>Their event names to JourneyML's canonical ones (for example "Logged In" -> "login"). Canonical names always work.</summary>
    public Dictionary<string, string> Types { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public UnmappedTypePolicy UnmappedTypes { get; set; } = UnmappedTypePolicy.Other;
}

public sealed record EventColumns
{
    public string CustomerId { get; set; } = "customer_id";
    public string OccurredAt { get; set; } = "occurred_at";
    public string Type { get; set; } = "type";
    public string Channel { get; set; } = "channel";
    public string Value { get; set; } = "value";
}

public sealed record OutcomesMapping : ITableFormat
{
    /// <summary>Optional table. When absent, outcomes come from purchase and cancellation events.</summary>
    public string? Path { get; set; }
    /// <summary>This table's encoding, when it differs from the top-level one.</summary>
    public string? Encoding { get; set; }
    /// <summary>This table's delimiter, when it differs from the top-level one.</summary>
    public string? Delimiter { get; set; }
    public OutcomeColumns Columns { get; set; } = new();
}

public sealed record OutcomeColumns
{
    public string CustomerId { get; set; } = "customer_id";
    public string ChurnedAt { get; set; } = "churned_at";
    public string ConvertedAt { get; set; } = "converted_at";
}

public sealed record InterventionsMapping : ITableFormat
{
    /// <summary>Optional table. Default: interventions.csv, interventions.parquet or an interventions/ folder; without one nothing changes.</summary>
    public string? Path { get; set; }
    /// <summary>This table's encoding, when it differs from the top-level one.</summary>
    public string? Encoding { get; set; }
    /// <summary>This table's delimiter, when it differs from the top-level one.</summary>
    public string? Delimiter { get; set; }
    public InterventionColumns Columns { get; set; } = new();
    /// <summary>Their kind names to the ones to show (for example "Phone" -> "cs_call"). Unlisted kinds are kept as written (電話 stays 電話).</summary>
    public Dictionary<string, string> Kinds { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Their arm values to treatment or control (for example "対照群" -> "control"). Canonical values always work.</summary>
    public Dictionary<string, string> Arms { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed record InterventionColumns
{
    public string CustomerId { get; set; } = "customer_id";
    public string OccurredAt { get; set; } = "occurred_at";
    public string Kind { get; set; } = "kind";
    public string Campaign { get; set; } = "campaign";
    public string Arm { get; set; } = "arm";
}
