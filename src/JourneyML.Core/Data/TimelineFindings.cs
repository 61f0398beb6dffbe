using System.Globalization;
using System.Text;

namespace JourneyML.Core.Data;

/// <summary>
/// The impossible timelines an export holds, per kind, and what the mapping does with them: the summary line of
/// <c>validate</c> and of the features report. The rows themselves (when rejected) are in the <see cref="ValidationReport"/>.
/// </summary>
/// <param name="CustomersWithActivityAfterChurn">Null until every event partition has been read.</param>
/// <param name="ActivityAfterChurnRows">Rows found (counted row by row only when they are rejected).</param>
public sealed record TimelineFindings(TimelinesMapping Rules, long EventsBeforeSignup, int? CustomersWithActivityAfterChurn, long ActivityAfterChurnRows)
{
    /// <summary>Outcomes rows before signup: counted by the outcomes reader, read back from the report.</summary>
    public static long OutcomesBeforeSignup(ValidationReport report) =>
        report.CountsByReason.Where(c => c.Reason == OutcomeTimeline.Reason).Sum(c => c.Count)
        + report.Notes.Where(n => n.Key.EndsWith("kept (timelines.outcomesBeforeSignup is keep)", StringComparison.Ordinal)).Sum(n => n.Value);

    /// <summary>One line per kind: how many, and whether they were rejected or kept (with the setting that says so).</summary>
    public string Format(ValidationReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Timelines:");
        sb.AppendLine(inv, $"  events before the customer signed up (more than {Rules.GraceDays:0.##} day(s); web page visits not counted): {EventsBeforeSignup:N0}{Verdict(EventsBeforeSignup, Rules.EventsBeforeSignup, "eventsBeforeSignup")}");
        var customers = CustomersWithActivityAfterChurn is { } n ? n.ToString("N0", inv) : "not checked (events not fully read)";
        var rows = CustomersWithActivityAfterChurn is > 0 && Rules.ActivityAfterChurn == TimelineRule.Reject ? $" ({ActivityAfterChurnRows:N0} rows)" : "";
        sb.AppendLine(inv, $"  customers with logins or tickets after their churn and no purchase since: {customers}{rows}{Verdict(CustomersWithActivityAfterChurn ?? 0, Rules.ActivityAfterChurn, "activityAfterChurn")}");
        long outcomes = OutcomesBeforeSignup(report);
        sb.AppendLine(inv, $"  outcomes (churned_at, converted_at) before the customer signed up: {outcomes:N0}{Verdict(outcomes, Rules.OutcomesBeforeSignup, "outcomesBeforeSignup")}");
        return sb.ToString();
    }

    private static string Verdict(long count, TimelineRule rule, string setting) => count == 0 ? ""
        : rule == TimelineRule.Keep ? $", kept (timelines.{setting} is keep)" : $", rejected (set timelines.{setting} to keep to use them)";
}
