using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Scoring;

/// <summary>
/// A customer's row of the latest snapshot as lists and exports show it: the ranked churn-risk list, a segment's
/// members (the API's JSON and CSV, the CLI's <c>segments export</c> and snapshot CSV). Scores rounded to 4 places, null
/// where none. <see cref="PassThrough"/> holds the customer's own identifying columns (email, name, owner...) when the
/// export has them.
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
    string ChangeReason,
    IReadOnlyDictionary<string, string?>? PassThrough = null)
{
    /// <summary>The probability of churning within the days a list was ranked by (<c>GET /v1/churn-risk?within=30</c>); null otherwise.</summary>
    public double? ChurnWithin { get; init; }

    /// <summary>With <c>rankBy=uplift</c>: the expected reduction in churn risk if given <see cref="BestAction"/> now (the measured effect in the customer's segment).</summary>
    public double? Uplift { get; init; }

    /// <summary>With <c>rankBy=uplift</c>: the intervention kind expected to keep this customer most; null when no measured kind helps.</summary>
    public string? BestAction { get; init; }

    /// <summary>A paying customer's time to churn (the survival curve's reported points, the median, its factors); null without a curve.</summary>
    public CustomerTimeToChurn? TimeToChurn { get; init; }

    /// <summary>With <c>rankBy=uplift</c>: the 95% interval of <see cref="Uplift"/>.</summary>
    public Interval95? UpliftInterval { get; init; }

    /// <summary>With <c>rankBy=uplift</c>: whether the uplift rests on a clear effect (its interval excludes 0); false: the data cannot tell it from no effect.</summary>
    public bool? UpliftClear { get; init; }

    /// <summary>The row with a customer's best action, its uplift and interval from a snapshot's uplift columns.</summary>
    public CustomerRow WithUplift(CustomerUplift uplift, int row) => this with
    {
        Uplift = RoundScore(uplift.Uplift[row]),
        BestAction = uplift.BestAction[row],
        UpliftInterval = float.IsNaN(uplift.Low[row]) ? null : new Interval95(Math.Round(uplift.Low[row], 4), Math.Round(uplift.High[row], 4)),
        UpliftClear = float.IsNaN(uplift.Uplift[row]) ? null : uplift.IsClear(row),
    };

    /// <summary>The header of JourneyML's own layout for a snapshot without passed-through columns.</summary>
    public static string CsvHeader { get; } = string.Join(',', Data.PassThroughColumns.ExportColumnNames);

    /// <summary>A row with its 1-based rank in the churn-risk list (none for customers without a churn risk).</summary>
    public static CustomerRow From(SnapshotView view, int row, ReasonLanguage language = ReasonLanguage.English) =>
        From(view.Latest, row, view.RankOf(row) >= 0 ? view.RankOf(row) + 1 : null, language);

    /// <param name="language">The language of the row's segment name, reasons and change reason (<see cref="Snapshot.FactorsIn"/>, <see cref="Snapshot.ChangeReasonIn"/>).</param>
    public static CustomerRow From(Snapshot s, int row, int? rank = null, ReasonLanguage language = ReasonLanguage.English) =>
        new(rank, s.CustomerIds[row], s.AccountIds[row], s.Status[row], s.SegmentIds[row], s.SegmentNameIn(row, language), s.Stage[row],
            RoundScore(s.ChurnRisk[row]), RoundScore(s.LeadScore[row]), s.FactorsIn(row, language), RoundScore(s.Change[row]), s.ChangeReasonIn(row, language),
            s.PassThrough.Count == 0 ? null : s.PassThrough.ToDictionary(p => p.Name, p => p.Values[row], StringComparer.Ordinal))
        {
            TimeToChurn = CustomerTimeToChurn.Of(s, row, language),
        };

    /// <summary>A score as lists and exports show it: rounded to 4 places, null when it does not apply (NaN).</summary>
    public static double? RoundScore(float value) => float.IsNaN(value) ? null : Math.Round(value, 4);

    /// <summary>The first of the factors: what an import layout's one "top reason" field holds.</summary>
    public string TopReason
    {
        get
        {
            int end = Factors.IndexOf("; ", StringComparison.Ordinal);
            return end < 0 ? Factors : Factors[..end];
        }
    }

    /// <summary>One CSV line in JourneyML's own layout (no passed-through columns); text cells neutralised against formulas.</summary>
    public string ToCsv() => string.Join(',', CustomerExport.Columns(ExportLayout.JourneyML, []).Select(c => c.Cell(this)));
}

/// <summary>
/// A row's time to churn as lists and exports show it: the probability of churning within 30, 60, 90 and 180 days of the
/// as-of date (rounded to 4 places), the median time to churn in days (null when the curve stays above one half through
/// 180 days) and its top factors in words.
/// </summary>
public sealed record CustomerTimeToChurn(double Churn30d, double Churn60d, double Churn90d, double Churn180d, double? MedianDays, string? Factors)
{
    public static CustomerTimeToChurn? Of(Snapshot s, int row, ReasonLanguage language = ReasonLanguage.English)
    {
        if (s.TimeToChurn is not { } t || float.IsNaN(t.Within(row, 30)))
        {
            return null;
        }
        double Within(int days) => Math.Round(t.Within(row, days), 4);
        return new CustomerTimeToChurn(Within(30), Within(60), Within(90), Within(180), float.IsNaN(t.MedianDays[row]) ? null : Math.Round(t.MedianDays[row], 1),
            t.FactorsIn(row, language));
    }
}
