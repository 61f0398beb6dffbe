using System.Globalization;

namespace JourneyML.Core.Journeys;

/// <summary>A finding in words, and how many customers it concerns (the ranking).</summary>
public sealed record Insight(string Text, int Customers, string Kind);

/// <summary>
/// Insights generated from a journey map's numbers, ranked by how many customers they concern: touchpoints that go
/// with moving forward (or not), cohorts that churn or move on more (or less) often than the rest, where customers get
/// stuck, where they drop off or go back, and, for a segment's map, where its conversion differs from everyone's.
/// Small groups are left out rather than overstated.
/// </summary>
public static class JourneyInsights
{
    public const int MinimumCustomers = 20;

    /// <param name="otherTypes">
    /// The export's own names of the event types JourneyML has no type for (mapped to "other", or left unmapped): a
    /// product's activation events often are (project_created), and "an unmapped event" told a reader nothing.
    /// </param>
    public static IReadOnlyList<Insight> From(JourneyMap map, JourneyMap? overall = null, int max = 12, IReadOnlyList<string>? otherTypes = null)
    {
        var inv = CultureInfo.InvariantCulture;
        string Words(string touchpoint) => touchpoint == "other" && otherTypes is { Count: > 0 }
            ? $"an event of no JourneyML type ({string.Join(", ", otherTypes.Take(3))}{(otherTypes.Count > 3 ? ", …" : "")})"
            : JourneyInsights.Words(touchpoint);
        var insights = new List<Insight>();
        // Touchpoints whose event defines leaving the stage are left out (true by definition), and so are lifts whose
        // interval holds 1 (chance explains them).
        foreach (var t in map.Touchpoints.Where(t => t.Kind == "action" && !t.DefinesExit && t.Lift is not null && t.Support >= MinimumCustomers
            && (t.LiftLow > 1 || t.LiftHigh < 1)))
        {
            double lift = t.Lift!.Value;
            var counts = $"{t.AdvancingWith} of {t.AdvancingStays} forward stays against {t.OtherWith} of {t.OtherStays} others";
            if (lift >= 1.5)
            {
                insights.Add(new Insight($"In {t.Stage}, customers with {Words(t.Name)} move forward {lift.ToString("0.0", inv)}x as often " +
                    $"({Interval(t.LiftLow, t.LiftHigh)}; {counts}): an association, not a cause", t.Customers, "touchpoint"));
            }
            else if (lift == 0)
            {
                insights.Add(new Insight($"In {t.Stage}, {Words(t.Name)} goes with staying put or dropping off: none of the {t.AdvancingStays} forward stays had it, " +
                    $"against {t.OtherWith} of {t.OtherStays} others (an association, not a cause)", t.Customers, "touchpoint"));
            }
            else if (lift <= 0.67)
            {
                insights.Add(new Insight($"In {t.Stage}, {Words(t.Name)} goes with staying put or dropping off: forward stays have it {(1 / lift).ToString("0.0", inv)}x less often " +
                    $"(lift {lift.ToString("0.00", inv)}, {Interval(t.LiftLow, t.LiftHigh, "0.00")}; {counts}): an association, not a cause", t.Customers, "touchpoint"));
            }
        }
        foreach (var c in map.Cohorts.Where(c => c.Customers >= MinimumCustomers && c.OtherCustomers >= MinimumCustomers && c.Significant))
        {
            var counts = $"({c.CustomersWithOutcome} of {c.Customers}, {c.Rate.ToString("0%", inv)}, against {c.OtherCustomersWithOutcome} of {c.OtherCustomers}, {c.OtherRate.ToString("0%", inv)})";
            var who = c.Outcome == "churn" ? "Customers" : "Leads";
            var outcome = c.Outcome == "churn" ? $"churn within {c.HorizonDays} days"
                : $"reach {(c.NextStage is { } next ? next + " or beyond" : "a later stage")} within {c.HorizonDays} days";
            var text = c.Ratio switch
            {
                null when c.CustomersWithOutcome > 0 => $"{who} who entered {c.Stage} and {c.Words} {outcome}: {c.CustomersWithOutcome} of {c.Customers} ({c.Rate.ToString("0%", inv)}), against none of the other {c.OtherCustomers}",
                >= 1.5 => $"{who} who entered {c.Stage} and {c.Words} {outcome} {c.Ratio.Value.ToString("0.0", inv)}x as often {counts}",
                <= 1 / 1.5 and > 0 => $"{who} who entered {c.Stage} and {c.Words} {outcome} {(1 / c.Ratio.Value).ToString("0.0", inv)}x less often {counts}",
                0 => $"{who} who entered {c.Stage} and {c.Words} never {(c.Outcome == "churn" ? "churned" : "moved on")} within {c.HorizonDays} days {counts}",
                _ => null,
            };
            if (text is not null)
            {
                insights.Add(new Insight(text, c.Customers, "cohort"));
            }
        }
        // Being churned for long is not a bottleneck: only stages a customer can move on from.
        foreach (var s in map.Stages.Where(s => s.StuckLongerThanP90 >= MinimumCustomers / 4 && s.P90DaysInStage is not null && (s.OnPath || s.BackOnPath > 0)
            && !map.Transitions.Any(t => t.From == s.Stage && t.Kind == MoveKinds.Reactivation)))
        {
            insights.Add(new Insight($"{s.StuckLongerThanP90} customers have been in {s.Stage} longer than 90% of those who left it ({s.P90DaysInStage!.Value.ToString("0", inv)} days): a bottleneck",
                s.StuckLongerThanP90, "bottleneck"));
        }
        foreach (var t in map.Transitions.Where(t => t.Kind == MoveKinds.Reactivation && t.Customers >= MinimumCustomers / 4))
        {
            insights.Add(new Insight($"{t.From} → {t.To}: {t.Customers} reactivations (churned customers who became customers again)", t.Customers, "reactivation"));
        }
        foreach (var t in map.Transitions.Where(t => t.Kind == MoveKinds.BackOnPath && t.Customers >= MinimumCustomers))
        {
            insights.Add(new Insight($"{t.From} → {t.To}: {t.Customers} customers came back on the path", t.Customers, "back-on-path"));
        }
        // From the path's last stage the only way out is off the path: "100% of those leaving Team leave the path" is true by
        // definition, so the count is said without the share.
        var last = map.Stages.LastOrDefault(s => s.OnPath)?.Stage;
        foreach (var s in map.Stages.Where(s => s.OnPath && s.DropOffRate is >= 0.25 && s.DroppedOff >= MinimumCustomers / 2))
        {
            insights.Add(new Insight(s.Stage == last
                ? $"{s.DroppedOff} customers left {s.Stage}, the path's last stage, for a stage off the path (at risk, dormant or churned)"
                : $"{s.DropOffRate!.Value.ToString("0%", inv)} of those leaving {s.Stage} leave the path (at risk, dormant or churned): {s.DroppedOff} customers",
                s.DroppedOff, "drop-off"));
        }
        foreach (var s in map.Stages.Where(s => s.BackwardMovesOut >= MinimumCustomers))
        {
            insights.Add(new Insight($"{s.BackwardMovesOut} moves went back from {s.Stage} to an earlier stage", s.BackwardMovesOut, "backward"));
        }
        if (overall is not null && map.Segment is not null)
        {
            foreach (var (step, rate) in map.Kpis.StageConversion)
            {
                if (overall.Kpis.StageConversion.TryGetValue(step, out var everyone) && everyone > 0 && Math.Abs(rate - everyone) >= 0.1)
                {
                    var stage = map.Stages.First(s => step.StartsWith(s.Stage + " →", StringComparison.Ordinal));
                    if (stage.Entries + stage.CustomersNow >= MinimumCustomers)
                    {
                        insights.Add(new Insight($"{step} conversion is {rate.ToString("0%", inv)} in segment '{map.Segment}' against {everyone.ToString("0%", inv)} overall",
                            stage.Entries, "segment"));
                    }
                }
            }
        }
        return [.. insights.OrderByDescending(i => i.Customers).ThenBy(i => i.Text, StringComparer.Ordinal).Take(max)];
    }

    /// <summary>"95% interval 1.3x-2.0x".</summary>
    private static string Interval(double? low, double? high, string format = "0.0") =>
        low is { } l && high is { } h
            ? $"95% interval {l.ToString(format, CultureInfo.InvariantCulture)}x-{h.ToString(format, CultureInfo.InvariantCulture)}x"
            : "no interval: too few stays";

    /// <summary>A touchpoint in words, with its article: "a webinar attended", "an upgrade".</summary>
    internal static string Words(string touchpoint) => touchpoint switch
    {
        "webinar_attended" => "a webinar attended",
        "pricing_page_view" => "a pricing-page view",
        "download" => "a download",
        "email_open" => "an email opened",
        "email_click" => "an email click",
        "case_study_view" => "a case-study view",
        "comparison_page_view" => "a comparison-page view",
        "meeting_booked" => "a meeting booked",
        "form_submitted" => "a form submitted",
        "ticket_opened" => "a support ticket",
        "ticket_escalated" => "an escalated ticket",
        "trial_started" => "a trial started",
        "opportunity_opened" => "an opportunity opened",
        "opportunity_lost" => "an opportunity lost",
        "other" => "an unmapped event",
        _ => WithArticle(touchpoint.Replace('_', ' ')),
    };

    /// <summary>"a" or "an" by the first letter ("an upgrade", "a login"); a name that does not start with a Latin letter keeps none.</summary>
    internal static string WithArticle(string noun) =>
        noun.Length == 0 || !char.IsAsciiLetter(noun[0]) ? noun
            : "aeiouAEIOU".Contains(noun[0]) && !noun.StartsWith("us", StringComparison.OrdinalIgnoreCase) && !noun.StartsWith("uni", StringComparison.OrdinalIgnoreCase) ? "an " + noun
            : "a " + noun;
}
