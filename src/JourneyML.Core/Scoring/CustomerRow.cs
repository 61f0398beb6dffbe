using System.Globalization;
using System.Text;
using JourneyML.Core.Features;

namespace JourneyML.Core.Scoring;

/// <summary>
/// A customer's row of the latest snapshot as lists and exports show it: the ranked churn-risk list, a segment's
/// members (the API's JSON and CSV, the CLI's <c>segments export</c>). Scores rounded to 4 places, null where none.
/// </summary>
public sealed record CustomerRow(
    int? Rank,
    string CustomerId,
    string? AccountId,
    CustomerStatus Status,
    int SegmentId,
    string SegmentName,
    string Stage,
    double? ChurnRisk,
    double? LeadScore,
    string Factors,
    double? Change,
    string ChangeReason)
{
    public const string CsvHeader = "rank,customer_id,account_id,status,segment_id,segment_name,stage,churn_risk,lead_score,factors,change,change_reason";

    /// <summary>A row with its 1-based rank in the churn-risk list (none for customers without a churn risk).</summary>
    public static CustomerRow From(SnapshotView view, int row) => From(view.Latest, row, view.RankOf(row) >= 0 ? view.RankOf(row) + 1 : null);

    public static CustomerRow From(Snapshot s, int row, int? rank = null) =>
        new(rank, s.CustomerIds[row], s.AccountIds[row], s.Status[row], s.SegmentIds[row], s.SegmentNames[row], s.Stage[row],
            RoundScore(s.ChurnRisk[row]), RoundScore(s.LeadScore[row]), s.Factors[row], RoundScore(s.Change[row]), s.ChangeReason[row]);

    /// <summary>A score as lists and exports show it: rounded to 4 places, null when it does not apply (NaN).</summary>
    public static double? RoundScore(float value) => float.IsNaN(value) ? null : Math.Round(value, 4);

    /// <summary>One CSV line; text cells are quoted and neutralised so a spreadsheet never runs them as formulas.</summary>
    public string ToCsv()
    {
        var inv = CultureInfo.InvariantCulture;
        return string.Join(',', Rank?.ToString(inv) ?? "", Csv.Escape(CustomerId), Csv.Escape(AccountId ?? ""), Csv.Escape(Status.Name()), SegmentId.ToString(inv),
            Csv.Escape(SegmentName), Csv.Escape(Stage), ChurnRisk?.ToString(inv) ?? "", LeadScore?.ToString(inv) ?? "", Csv.Escape(Factors),
            Change?.ToString(inv) ?? "", Csv.Escape(ChangeReason));
    }

    /// <summary>The CSV export of a list: <see cref="CsvHeader"/>, then one line per row in the order given.</summary>
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
