using System.Globalization;
using System.Text;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Serving;

/// <summary>A customer's row of the latest snapshot, as lists and exports show it.</summary>
public sealed record CustomerRow(
    int? Rank,
    string CustomerId,
    string? AccountId,
    string Status,
    int SegmentId,
    string SegmentName,
    string Stage,
    double? ChurnRisk,
    double? LeadScore,
    string Factors,
    double? Change,
    string ChangeReason)
{
    public static CustomerRow From(Snapshot s, int row, int? rank = null) =>
        new(rank, s.CustomerIds[row], s.AccountIds[row], s.Status[row], s.SegmentIds[row], s.SegmentNames[row], s.Stage[row],
            ApiJson.Score(s.ChurnRisk[row]), ApiJson.Score(s.LeadScore[row]), s.Factors[row], ApiJson.Score(s.Change[row]), s.ChangeReason[row]);

    public const string CsvHeader = "rank,customer_id,account_id,status,segment_id,segment_name,stage,churn_risk,lead_score,factors,change,change_reason";

    /// <summary>One CSV line; text cells are quoted and neutralised so a spreadsheet never runs them as formulas.</summary>
    public string ToCsv()
    {
        var inv = CultureInfo.InvariantCulture;
        return string.Join(',', Rank?.ToString(inv) ?? "", Csv.Escape(CustomerId), Csv.Escape(AccountId ?? ""), Csv.Escape(Status), SegmentId.ToString(inv),
            Csv.Escape(SegmentName), Csv.Escape(Stage), ChurnRisk?.ToString(inv) ?? "", LeadScore?.ToString(inv) ?? "", Csv.Escape(Factors),
            Change?.ToString(inv) ?? "", Csv.Escape(ChangeReason));
    }

    public static string ToCsv(IEnumerable<CustomerRow> rows)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var row in rows)
        {
            sb.Append(row.ToCsv()).Append('\n');
        }
        return sb.ToString();
    }
}

/// <summary>Paging through a list by an opaque cursor (the position after the last row returned).</summary>
public static class Cursor
{
    public static string Encode(int position) => Convert.ToBase64String(Encoding.ASCII.GetBytes("p:" + position.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The position a cursor stands for; null when the cursor is not one of ours.</summary>
    public static int? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("p:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True when the request asks for CSV (Accept: text/csv, or format=csv).</summary>
    public static bool WantsCsv(HttpRequest request, string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));
}
