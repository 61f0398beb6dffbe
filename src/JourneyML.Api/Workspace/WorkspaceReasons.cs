using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Workspace;

/// <summary>
/// A customer's reasons in the page's language: the snapshot's Japanese factors on a Japanese page (written beside the
/// English ones since scoring writes both), English otherwise and for a snapshot written before.
/// </summary>
public static class WorkspaceReasons
{
    public static string Line(Snapshot snapshot, int row, string language) =>
        snapshot.FactorsIn(row, Language(language));

    /// <summary>The reasons of a row shown from the latest snapshot (a list row, an alert of the latest snapshot); the English given otherwise.</summary>
    public static string Line(SnapshotView view, string customerId, DateTime asOf, string english, string language) =>
        asOf == view.Latest.AsOf && view.TryFind(customerId, out int row) ? Line(view.Latest, row, language) : english;

    public static IReadOnlyList<string> List(SnapshotView view, CustomerRow row, string language) =>
        Split(Line(view, row.CustomerId, view.Latest.AsOf, row.Factors, language));

    /// <summary>The first reason: what the list's "top reason" column shows.</summary>
    public static string Top(SnapshotView view, CustomerRow row, string language) => List(view, row, language) is [var first, ..] ? first : "";

    /// <summary>The factors of a customer's time to churn in the page's language (none without a curve or in a snapshot written before them).</summary>
    public static IReadOnlyList<string> TimeToChurn(SnapshotView view, CustomerRow row, string language) =>
        view.TryFind(row.CustomerId, out int r) && view.Latest.TimeToChurn?.FactorsIn(r, Language(language)) is { } line
            ? Split(line) : [];

    /// <summary>What changed since the last snapshot, and why, in the page's language (English for a snapshot written before the Japanese).</summary>
    public static string Change(SnapshotView view, CustomerRow row, string language) =>
        view.TryFind(row.CustomerId, out int r) ? view.Latest.ChangeReasonIn(r, Language(language)) : row.ChangeReason;

    /// <summary>The row's segment name in the page's language (the snapshot's Japanese name on a Japanese page, English for a snapshot written before).</summary>
    public static string Segment(SnapshotView view, CustomerRow row, string language) =>
        view.TryFind(row.CustomerId, out int r) ? view.Latest.SegmentNameIn(r, Language(language)) : row.SegmentName;

    /// <summary>The reasons' language for a page's language.</summary>
    public static ReasonLanguage Language(string language) => language == "ja" ? ReasonLanguage.Japanese : ReasonLanguage.English;

    private static IReadOnlyList<string> Split(string line) => line.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
