using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>
/// The event types that define leaving a stage: those the rules of the stages a customer can move on to read (a purchase
/// makes a lead a customer, sales touches make an SQL, a cancellation makes a customer churned). A touchpoint of such a
/// type "goes with moving on" by definition, so its lift says nothing: touchpoints mark it and insights leave it out.
/// </summary>
public static class DefiningEvents
{
    private static readonly EventKind[] s_purchaseLike = [EventKind.Purchase, EventKind.Renewal, EventKind.Upgrade];

    /// <summary>Per stage of the model (in <see cref="StageModel.Names"/> order), the defining event types as a bit mask.</summary>
    public static ulong[] Masks(StageModel model)
    {
        var names = model.Names.ToList();
        var path = model.Path.Select(s => s.Name).ToList();
        var rulesOf = model.Path.Concat(model.OffPath).ToDictionary(s => s.Name, s => s.When, StringComparer.Ordinal);
        var masks = new ulong[names.Count];
        for (int s = 0; s < names.Count; s++)
        {
            int position = path.IndexOf(names[s]);
            // Where a stay can end by moving on or off: later path stages (all of them for an off-path stage) and the off-path stages.
            var onward = path.Where((_, i) => position < 0 || i > position).Concat(model.OffPath.Select(o => o.Name)).Where(n => n != names[s]);
            foreach (var condition in onward.SelectMany(n => rulesOf[n]).SelectMany(rule => rule))
            {
                foreach (var kind in KindsOf(condition))
                {
                    masks[s] |= 1UL << (int)kind;
                }
            }
        }
        return masks;
    }

    /// <summary>Whether the event type is one that defines leaving the stage.</summary>
    public static bool Defines(ulong mask, EventKind kind) => (mask >> (int)kind & 1) != 0;

    /// <summary>The event types that move a condition's signal; none for signals any event moves (activity, tenure) or scores.</summary>
    internal static IEnumerable<EventKind> KindsOf(StageCondition condition)
    {
        var signal = condition.Signal;
        if (signal == "status")
        {
            var value = condition.Value.ToString();
            return string.Equals(value, CustomerStatus.Customer.Name(), StringComparison.OrdinalIgnoreCase) ? s_purchaseLike
                : string.Equals(value, CustomerStatus.Churned.Name(), StringComparison.OrdinalIgnoreCase) ? [EventKind.Cancellation]
                : [];
        }
        return signal switch
        {
            FeatureNames.DaysAsCustomer or FeatureNames.IsCustomer => [EventKind.Purchase, EventKind.Cancellation],
            FeatureNames.Reactivations => [.. s_purchaseLike, EventKind.Cancellation],
            FeatureNames.SalesTouches90d => Family(EventFamily.Sales),
            FeatureNames.Content30d or FeatureNames.Content90d => Family(EventFamily.Content),
            _ when signal.StartsWith("login", StringComparison.Ordinal) || signal == FeatureNames.DaysSinceLastLogin => [EventKind.Login],
            _ when signal.StartsWith("ticket", StringComparison.Ordinal) => [EventKind.TicketOpened, EventKind.TicketEscalated],
            FeatureNames.Escalations90d => [EventKind.TicketEscalated],
            _ when signal.StartsWith("page_view", StringComparison.Ordinal) => [EventKind.PageView],
            _ when signal.StartsWith("email_open", StringComparison.Ordinal) => [EventKind.EmailOpen],
            _ when signal.StartsWith("email_click", StringComparison.Ordinal) => [EventKind.EmailClick],
            _ when signal.StartsWith("download", StringComparison.Ordinal) => [EventKind.Download],
            _ when signal.StartsWith("webinar", StringComparison.Ordinal) => [EventKind.WebinarAttended],
            _ when signal.StartsWith("case_study", StringComparison.Ordinal) => [EventKind.CaseStudyView],
            _ when signal.StartsWith("comparison", StringComparison.Ordinal) => [EventKind.ComparisonPageView],
            _ when signal.StartsWith("pricing", StringComparison.Ordinal) => [EventKind.PricingPageView],
            _ => [],
        };
    }

    private static EventKind[] Family(EventFamily family) => [.. EventKinds.All.Where(k => k.Family() == family)];
}
