namespace JourneyML.Core.Data;

/// <summary>
/// The canonical event types JourneyML understands. A user's own event names are mapped onto these
/// by the mapping file (<see cref="DataMapping"/>); the canonical name of each is its snake_case form.
/// </summary>
public enum EventKind : byte
{
    /// <summary>An event type the mapping does not place in a family: kept, counted as activity, never used as a signal.</summary>
    Other = 0,
    Login,
    TicketOpened,
    TicketEscalated,
    PageView,
    EmailOpen,
    EmailClick,
    Download,
    WebinarAttended,
    CaseStudyView,
    ComparisonPageView,
    PricingPageView,
    FormSubmitted,
    MeetingBooked,
    OpportunityOpened,
    OpportunityLost,
    TrialStarted,
    Purchase,
    Renewal,
    Upgrade,
    Downgrade,
    Cancellation,
}

/// <summary>The families the models reason about (DOMAIN.md, "Signals").</summary>
public enum EventFamily : byte
{
    Other = 0,
    Login,
    Ticket,
    Content,
    PricingPage,
    Sales,
    Lifecycle,
}

public static class EventKinds
{
    public const int Count = (int)EventKind.Cancellation + 1;

    private static readonly string[] s_names = BuildNames();
    private static readonly Dictionary<string, EventKind> s_byName = BuildLookup();

    /// <summary>The canonical snake_case name, for example <c>pricing_page_view</c>.</summary>
    public static string CanonicalName(this EventKind kind) => s_names[(int)kind];

    public static bool TryParseCanonical(string name, out EventKind kind) => s_byName.TryGetValue(name, out kind);

    public static IReadOnlyList<EventKind> All { get; } = Enum.GetValues<EventKind>();

    public static EventFamily Family(this EventKind kind) => kind switch
    {
        EventKind.Login => EventFamily.Login,
        EventKind.TicketOpened or EventKind.TicketEscalated => EventFamily.Ticket,
        EventKind.PageView or EventKind.EmailOpen or EventKind.EmailClick or EventKind.Download
            or EventKind.WebinarAttended or EventKind.CaseStudyView or EventKind.ComparisonPageView => EventFamily.Content,
        EventKind.PricingPageView => EventFamily.PricingPage,
        EventKind.FormSubmitted or EventKind.MeetingBooked or EventKind.OpportunityOpened
            or EventKind.OpportunityLost => EventFamily.Sales,
        EventKind.TrialStarted or EventKind.Purchase or EventKind.Renewal or EventKind.Upgrade
            or EventKind.Downgrade or EventKind.Cancellation => EventFamily.Lifecycle,
        _ => EventFamily.Other,
    };

    /// <summary>True for events that show the person engaging (everything but lifecycle bookkeeping).</summary>
    public static bool IsEngagement(this EventKind kind) =>
        kind.Family() is EventFamily.Login or EventFamily.Content or EventFamily.PricingPage or EventFamily.Sales;

    private static string[] BuildNames()
    {
        var names = new string[Count];
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            names[(int)kind] = ToSnakeCase(kind.ToString());
        }
        return names;
    }

    private static Dictionary<string, EventKind> BuildLookup()
    {
        var lookup = new Dictionary<string, EventKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            lookup[ToSnakeCase(kind.ToString())] = kind;
        }
        return lookup;
    }

    private static string ToSnakeCase(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
