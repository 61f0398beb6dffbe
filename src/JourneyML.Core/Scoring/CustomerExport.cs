using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Scoring;

/// <summary>The column layouts a list can be exported in.</summary>
public enum ExportLayout
{
    /// <summary>JourneyML's own columns (<see cref="CustomerRow.CsvHeader"/>), with the passed-through columns after account_id.</summary>
    JourneyML,
    /// <summary>HubSpot contact import: Email, First Name, Last Name, Company Name... and journeyml_* properties.</summary>
    HubSpot,
    /// <summary>Salesforce Data Import Wizard / Data Loader: Email, FirstName, LastName, Company... and JourneyML_*__c fields.</summary>
    Salesforce,
}

/// <summary>How a CSV is written: its column layout, and whether for Excel (UTF-8 with BOM and CRLF line ends, so Japanese text opens as written).</summary>
public sealed record ExportFormat(ExportLayout Layout = ExportLayout.JourneyML, bool Excel = false)
{
    public static ExportFormat Default { get; } = new();

    public string NewLine => Excel ? "\r\n" : "\n";

    public Encoding Encoding => new UTF8Encoding(encoderShouldEmitUTF8Identifier: Excel);

    /// <summary>The layout's name as <c>--layout</c> and <c>?layout=</c> take it.</summary>
    public static string Name(ExportLayout layout) => layout.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> LayoutNames { get; } = [.. Enum.GetValues<ExportLayout>().Select(Name)];

    /// <exception cref="InvalidInputException">Not one of <see cref="LayoutNames"/>; the message names <paramref name="field"/>.</exception>
    public static ExportLayout ParseLayout(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ExportLayout.JourneyML;
        }
        foreach (var layout in Enum.GetValues<ExportLayout>())
        {
            if (string.Equals(Name(layout), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return layout;
            }
        }
        throw new InvalidInputException($"{field}: unknown layout '{text}' (one of: {string.Join(", ", LayoutNames)})");
    }
}

/// <summary>One column of an export layout: its header and how a row fills it.</summary>
public sealed record ExportColumn(string Header, Func<CustomerRow, string> Cell);

/// <summary>
/// The one export shape of every list (the snapshot CSV, a segment's members, the API's CSV answers), in each layout:
/// rows in the order given (<see cref="RankedList"/>), text neutralised so a spreadsheet never runs it as a formula.
/// </summary>
public static class CustomerExport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The CSV text (no byte-order mark; <see cref="Bytes"/> and <see cref="Write"/> add it for Excel).</summary>
    public static string ToCsv(IReadOnlyList<string> passThrough, IEnumerable<CustomerRow> rows, ExportFormat format)
    {
        var columns = Columns(format.Layout, passThrough);
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Select(c => Csv.Escape(c.Header))).Append(format.NewLine);
        foreach (var row in rows)
        {
            sb.AppendJoin(',', columns.Select(c => c.Cell(row))).Append(format.NewLine);
        }
        return sb.ToString();
    }

    /// <summary>The file's bytes in the format's encoding (with a BOM for Excel).</summary>
    public static byte[] Bytes(IReadOnlyList<string> passThrough, IEnumerable<CustomerRow> rows, ExportFormat format) =>
        [.. format.Encoding.GetPreamble(), .. format.Encoding.GetBytes(ToCsv(passThrough, rows, format))];

    /// <summary>Writes the list atomically (a reader never sees half a file).</summary>
    public static void Write(string path, IReadOnlyList<string> passThrough, IEnumerable<CustomerRow> rows, ExportFormat format) =>
        AtomicFile.WriteAllBytes(path, Bytes(passThrough, rows, format));

    /// <summary>The names of a snapshot's passed-through columns, in its order.</summary>
    public static IReadOnlyList<string> PassThroughNames(Snapshot s) => [.. s.PassThrough.Select(p => p.Name)];

    /// <summary>A layout's columns for a snapshot with these passed-through columns.</summary>
    public static IReadOnlyList<ExportColumn> Columns(ExportLayout layout, IReadOnlyList<string> passThrough) => layout switch
    {
        ExportLayout.HubSpot => ImportLayout(passThrough, s_hubSpot),
        ExportLayout.Salesforce => ImportLayout(passThrough, s_salesforce),
        _ => JourneyMl(passThrough),
    };

    private static List<ExportColumn> JourneyMl(IReadOnlyList<string> passThrough) =>
    [
        new("rank", r => Number(r.Rank)),
        new("customer_id", r => Csv.Escape(r.CustomerId)),
        new("account_id", r => Csv.Escape(r.AccountId ?? "")),
        .. passThrough.Select(name => new ExportColumn(name, r => Own(r, name))),
        new("status", r => Csv.Escape(r.Status.Name())),
        new("segment_id", r => r.SegmentId.ToString(s_inv)),
        new("segment_name", r => Csv.Escape(r.SegmentName)),
        new("stage", r => Csv.Escape(r.Stage)),
        new("churn_risk", r => Number(r.ChurnRisk)),
        new("lead_score", r => Number(r.LeadScore)),
        new("factors", r => Csv.Escape(r.Factors)),
        new("change", r => Number(r.Change)),
        new("change_reason", r => Csv.Escape(r.ChangeReason)),
        // Appended, so a reader of the columns before keeps working; empty for a customer without a curve (leads, churned, no survival model).
        .. TimeToChurnColumns(name => name),
        new("time_to_churn_factors", r => Csv.Escape(r.TimeToChurn?.Factors ?? "")),
    ];

    /// <summary>The probability of churning within 30, 60, 90 and 180 days and the median time to churn in days (empty beyond 180 days), named by the layout.</summary>
    private static IEnumerable<ExportColumn> TimeToChurnColumns(Func<string, string> field) =>
    [
        new(field("churn_30d"), r => Number(r.TimeToChurn?.Churn30d)),
        new(field("churn_60d"), r => Number(r.TimeToChurn?.Churn60d)),
        new(field("churn_90d"), r => Number(r.TimeToChurn?.Churn90d)),
        new(field("churn_180d"), r => Number(r.TimeToChurn?.Churn180d)),
        new(field("median_days_to_churn"), r => Number(r.TimeToChurn?.MedianDays)),
    ];

    /// <summary>An import layout's names: the target tool's standard fields, then its spelling of JourneyML's own fields.</summary>
    private sealed record ImportNames(IReadOnlyList<(IdentityRole Role, string Header)> Standard, Func<string, string> Field);

    // HubSpot's default contact property labels (its import matches headers to labels); custom properties are created
    // once in HubSpot with these internal names. "Contact owner" takes the owner's email address in HubSpot.
    private static readonly ImportNames s_hubSpot = new(
        [(IdentityRole.Email, "Email"), (IdentityRole.FirstName, "First Name"), (IdentityRole.LastName, "Last Name"), (IdentityRole.Company, "Company Name"),
            (IdentityRole.Phone, "Phone Number"), (IdentityRole.Owner, "Contact owner")],
        name => "journeyml_" + name);

    // Salesforce field API names (Lead: Company; for contacts map Company to Account Name); custom fields end in __c.
    // OwnerId takes a Salesforce user id: an owner column holding names or emails is mapped in the wizard instead.
    private static readonly ImportNames s_salesforce = new(
        [(IdentityRole.Email, "Email"), (IdentityRole.FirstName, "FirstName"), (IdentityRole.LastName, "LastName"), (IdentityRole.Company, "Company"),
            (IdentityRole.Phone, "Phone"), (IdentityRole.Owner, "OwnerId")],
        name => "JourneyML_" + string.Join('_', name.Split('_').Select(w => w == "id" ? "ID" : char.ToUpperInvariant(w[0]) + w[1..])) + "__c");

    private static List<ExportColumn> ImportLayout(IReadOnlyList<string> passThrough, ImportNames names)
    {
        var byRole = new Dictionary<IdentityRole, string>();
        var rest = new List<string>();
        foreach (var name in passThrough)
        {
            var role = PassThroughColumns.Detect(name) ?? IdentityRole.Other;
            if (role == IdentityRole.Other || !byRole.TryAdd(role, name))
            {
                rest.Add(name);
            }
        }
        // A whole name is never split (given and family name come in either order): it goes where a last name would,
        // the field Salesforce requires, when the export has no separate last name.
        if (byRole.TryGetValue(IdentityRole.FullName, out var full) && !byRole.TryAdd(IdentityRole.LastName, full))
        {
            rest.Add(full);
        }
        var columns = new List<ExportColumn>();
        foreach (var (role, header) in names.Standard)
        {
            if (byRole.TryGetValue(role, out var source))
            {
                columns.Add(new ExportColumn(header, r => Own(r, source)));
            }
        }
        // The rest under their own names (a second email column, a column the mapping names): mapped in the target tool.
        foreach (var name in rest)
        {
            var header = name;
            for (int n = 2; columns.Any(c => string.Equals(c.Header, header, StringComparison.OrdinalIgnoreCase)); n++)
            {
                header = $"{name} ({n})";
            }
            columns.Add(new ExportColumn(header, r => Own(r, name)));
        }
        columns.AddRange(
        [
            new(names.Field("customer_id"), r => Csv.Escape(r.CustomerId)),
            new(names.Field("account_id"), r => Csv.Escape(r.AccountId ?? "")),
            new(names.Field("status"), r => Csv.Escape(r.Status.Name())),
            new(names.Field("churn_risk"), r => Number(r.ChurnRisk)),
            new(names.Field("churn_rank"), r => Number(r.Rank)),
            new(names.Field("lead_score"), r => Number(r.LeadScore)),
            new(names.Field("segment"), r => Csv.Escape(r.SegmentName)),
            new(names.Field("segment_id"), r => r.SegmentId.ToString(s_inv)),
            new(names.Field("stage"), r => Csv.Escape(r.Stage)),
            new(names.Field("top_reason"), r => Csv.Escape(r.TopReason)),
            new(names.Field("change_reason"), r => Csv.Escape(r.ChangeReason)),
            .. TimeToChurnColumns(names.Field),
        ]);
        return columns;
    }

    private static string Own(CustomerRow row, string name) =>
        Csv.Escape(row.PassThrough is { } own && own.TryGetValue(name, out var value) ? value ?? "" : "");

    private static string Number(double? value) => value?.ToString(s_inv) ?? "";

    private static string Number(int? value) => value?.ToString(s_inv) ?? "";
}
