using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>A planted segment of a non-B2B world: its stable id (the ground truth refers to it), name and description.</summary>
internal sealed record WorldSegment(int Id, string Name, string Description, bool IsLead);

/// <summary>
/// What distinguishes the subscription, small, product-led and retail worlds from each other: shape (accounts or single contacts), the
/// customers table's columns, the event names the export uses, the activity rhythm, whether an outcomes table is
/// exported, the planted segments and the planted drivers. The simulation itself is <see cref="WorldSimulation"/>.
/// </summary>
internal sealed partial record PlantedWorld(
    GeneratorWorld World,
    string Name,
    string Description,
    bool HasAccounts,
    bool HasOutcomesTable,
    bool HasLeadFunnel,
    ActivityRhythm Rhythm,
    IReadOnlyList<TableColumn> CustomerColumns,
    IReadOnlyDictionary<EventKind, string> EventNames,
    IReadOnlyList<WorldSegment> Segments,
    IReadOnlyList<PlantedDriver> Drivers)
{
    public const string Churn = "churn";
    public const string Conversion = "conversion";

    public static PlantedWorld For(GeneratorWorld world) => world switch
    {
        GeneratorWorld.Subscription => Subscription,
        GeneratorWorld.Small => Small,
        GeneratorWorld.ProductLed => ProductLed,
        GeneratorWorld.Retail => Retail,
        _ => throw new ArgumentOutOfRangeException(nameof(world), world, "the B2B SaaS world is simulated by AccountSimulation"),
    };

    public string TypeName(EventKind kind) => EventNames.TryGetValue(kind, out var name) ? name : kind.CanonicalName();

    /// <summary>Subscription segments.</summary>
    public const int Engaged = 0, Fading = 1, Frustrated = 2, Trialist = 3, ExpiredTrial = 4, Lapsed = 5;

    /// <summary>Small-world segments (the first three share the subscription ids).</summary>
    public const int SmallLead = 3, SmallChurned = 4;

    public static PlantedWorld Subscription { get; } = new(
        GeneratorWorld.Subscription,
        "subscription",
        "A product-led consumer subscription app: one contact per customer, a 14-day trial then a monthly or annual plan, " +
        "renewals, cancellations and reactivations; no accounts, no lead funnel; busiest at weekends.",
        HasAccounts: false,
        HasOutcomesTable: false,
        HasLeadFunnel: false,
        ActivityRhythm.Leisure,
        [
            new("customer_id", ColumnType.Text),
            new("signed_up_at", ColumnType.Time),
            new("plan", ColumnType.Text),
            new("region", ColumnType.OptionalText),
            new("referral_source", ColumnType.Text),
            new("device", ColumnType.Text),
        ],
        new Dictionary<EventKind, string>
        {
            [EventKind.Login] = "app_session",
            [EventKind.TicketOpened] = "support_request",
            [EventKind.EmailOpen] = "newsletter_opened",
            [EventKind.TrialStarted] = "trial_started",
            [EventKind.Purchase] = "subscription_started",
            [EventKind.Renewal] = "subscription_renewed",
            [EventKind.Upgrade] = "plan_upgraded",
            [EventKind.Cancellation] = "subscription_cancelled",
        },
        [
            new(Engaged, "engaged", "Subscribers with regular sessions of steady length.", false),
            new(Fading, "fading", "Subscribers whose minutes per session fall by 45-85% over the 60 days before the as-of date; sessions fall far less.", false),
            new(Frustrated, "frustrated", "Subscribers whose support requests are mostly of high severity (3-4 of 4).", false),
            new(Trialist, "trialist", "People in their 14-day trial at the as-of date.", true),
            new(ExpiredTrial, "expired_trial", "People whose trial ended without a purchase.", true),
            new(Lapsed, "lapsed", "Former subscribers who cancelled before the as-of date (some come back).", false),
        ],
        [
            new(Churn, PlantedSource.Attribute, "referral_source", null, "paid_social raises churn risk, friend_referral lowers it"),
            new(Churn, PlantedSource.EventValue, "app_session", "login", "falling minutes per session raise churn risk"),
            new(Churn, PlantedSource.EventValue, "support_request", "ticket_opened", "high severity raises churn risk"),
            new(Churn, PlantedSource.MappedColumn, "plan", null, "annual plans lower churn risk"),
            new(Conversion, PlantedSource.Attribute, "referral_source", null, "friend_referral raises conversion, paid_social lowers it"),
            new(Conversion, PlantedSource.EventValue, "app_session", "login", "longer trial sessions raise conversion"),
        ]);

    public static PlantedWorld Small { get; } = new(
        GeneratorWorld.Small,
        "small",
        "A small B2B export: about 300 contacts in about 130 accounts of 1-4 contacts, seats and industry per account, a short " +
        "lead funnel (form, webinar, meeting, trial, purchase), annual renewals and a high churn rate; canonical event names.",
        HasAccounts: true,
        HasOutcomesTable: true,
        HasLeadFunnel: true,
        ActivityRhythm.Work,
        [
            new("customer_id", ColumnType.Text),
            new("account_id", ColumnType.Text),
            new("signed_up_at", ColumnType.Time),
            new("plan", ColumnType.Text),
            new("role", ColumnType.OptionalText),
            new("region", ColumnType.OptionalText),
            new("industry", ColumnType.Text),
            new("seats", ColumnType.Integer),
            new("company_size", ColumnType.Text),
        ],
        new Dictionary<EventKind, string>(),
        [
            new(Engaged, "healthy", "Accounts with regular logins of steady length.", false),
            new(Fading, "fading", "Accounts whose minutes per login fall by 45-85% over the 60 days before the as-of date.", false),
            new(Frustrated, "frustrated", "Accounts whose tickets are mostly of high severity.", false),
            new(SmallLead, "lead", "Leads: forms, page and pricing views, webinars, meetings.", true),
            new(SmallChurned, "churned", "Accounts that cancelled before the as-of date.", false),
        ],
        [
            new(Churn, PlantedSource.Attribute, "industry", null, "retail and nonprofit raise churn risk, software lowers it"),
            new(Churn, PlantedSource.Attribute, "seats", null, "more seats lower churn risk"),
            new(Churn, PlantedSource.EventValue, "login", "login", "falling minutes per login raise churn risk"),
            new(Churn, PlantedSource.EventValue, "ticket_opened", "ticket_opened", "high severity raises churn risk"),
            new(Conversion, PlantedSource.Attribute, "seats", null, "more seats raise conversion"),
            new(Conversion, PlantedSource.EventValue, "webinar_attended", "webinar_attended", "longer webinar attendance raises conversion"),
        ]);
}
