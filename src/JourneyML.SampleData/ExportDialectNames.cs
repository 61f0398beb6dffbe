using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>File, column and value names of one export dialect. The ground truth always uses canonical names.</summary>
internal sealed class ExportDialectNames
{
    public const string CanonicalTimeFormat = "yyyy-MM-ddTHH:mm:ssZ";
    public const string CrmTimeFormat = "yyyy-MM-dd HH:mm:ss";

    private static readonly string[] s_channelNames = ["", "web", "app", "email", "support", "sales", "webinar"];

    private readonly string[] _typeNames;
    private readonly IReadOnlyDictionary<string, string> _roleNames;

    private ExportDialectNames(ExportDialect dialect)
    {
        Dialect = dialect;
        _typeNames = new string[EventKinds.Count];
        foreach (var kind in EventKinds.All)
        {
            _typeNames[(int)kind] = dialect == ExportDialect.Crm ? CrmTypeName(kind) : kind.CanonicalName();
        }
        _roleNames = dialect == ExportDialect.Crm
            ? CrmRoles.ToDictionary(pair => pair.Value, pair => pair.Key)
            : new Dictionary<string, string>();
    }

    public static ExportDialectNames For(ExportDialect dialect) => new(dialect);

    public ExportDialect Dialect { get; }

    public bool IsCrm => Dialect == ExportDialect.Crm;

    public string TimeFormat => IsCrm ? CrmTimeFormat : CanonicalTimeFormat;

    public string CustomersFile => IsCrm ? "contacts" : "customers";

    public string EventsFile => IsCrm ? "activities" : "events";

    public string OutcomesFile => "outcomes";

    /// <summary>Canonical column key (the mapping file's name) and the column written, in file order.</summary>
    public IReadOnlyList<(string Key, TableColumn Column)> CustomerColumns => IsCrm
        ?
        [
            ("customerId", new("Contact ID", ColumnType.Text)),
            ("accountId", new("Company ID", ColumnType.Text)),
            ("signedUpAt", new("Create Date", ColumnType.Time)),
            ("plan", new("Plan Tier", ColumnType.Text)),
            ("role", new("Buying Role", ColumnType.OptionalText)),
            ("region", new("Country/Region", ColumnType.OptionalText)),
            ("companySize", new("Company Size", ColumnType.Text)),
            ("industry", new("Industry", ColumnType.Text)),
        ]
        :
        [
            ("customerId", new("customer_id", ColumnType.Text)),
            ("accountId", new("account_id", ColumnType.Text)),
            ("signedUpAt", new("signed_up_at", ColumnType.Time)),
            ("plan", new("plan", ColumnType.Text)),
            ("role", new("role", ColumnType.OptionalText)),
            ("region", new("region", ColumnType.OptionalText)),
            ("companySize", new("company_size", ColumnType.Text)),
            ("industry", new("industry", ColumnType.Text)),
        ];

    public IReadOnlyList<(string Key, TableColumn Column)> EventColumns => IsCrm
        ?
        [
            ("customerId", new("Contact ID", ColumnType.Text)),
            ("occurredAt", new("Activity Date", ColumnType.Time)),
            ("type", new("Activity Type", ColumnType.Text)),
            ("channel", new("Source", ColumnType.OptionalText)),
            ("value", new("Value", ColumnType.OptionalNumber)),
        ]
        :
        [
            ("customerId", new("customer_id", ColumnType.Text)),
            ("occurredAt", new("occurred_at", ColumnType.Time)),
            ("type", new("type", ColumnType.Text)),
            ("channel", new("channel", ColumnType.OptionalText)),
            ("value", new("value", ColumnType.OptionalNumber)),
        ];

    public IReadOnlyList<(string Key, TableColumn Column)> OutcomeColumns => IsCrm
        ?
        [
            ("customerId", new("Contact ID", ColumnType.Text)),
            ("churnedAt", new("Churn Date", ColumnType.OptionalTime)),
            ("convertedAt", new("Close Date", ColumnType.OptionalTime)),
        ]
        :
        [
            ("customerId", new("customer_id", ColumnType.Text)),
            ("churnedAt", new("churned_at", ColumnType.OptionalTime)),
            ("convertedAt", new("converted_at", ColumnType.OptionalTime)),
        ];

    public static IReadOnlyList<TableColumn> GroundTruthColumns { get; } =
    [
        new("customer_id", ColumnType.Text),
        new("segment_id", ColumnType.Integer),
        new("segment", ColumnType.Text),
        new("status_at_as_of", ColumnType.Text),
        new("churn_probability", ColumnType.OptionalNumber),
        new("conversion_probability", ColumnType.OptionalNumber),
        new("churned_in_horizon", ColumnType.Integer),
        new("converted_in_horizon", ColumnType.Integer),
    ];

    /// <summary>CRM role label to canonical role, in the order the mapping file lists them.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> CrmRoles { get; } =
    [
        new("Economic Buyer", Roles.DecisionMaker),
        new("Finance", "finance"),
        new("IT", "it"),
        new("End User", "user"),
    ];

    public string TypeName(EventKind kind) => _typeNames[(int)kind];

    public static string? ChannelName(Channel channel) => channel == Channel.None ? null : s_channelNames[(int)channel];

    public string? RoleName(string? canonicalRole) =>
        canonicalRole is null ? null : _roleNames.TryGetValue(canonicalRole, out var name) ? name : canonicalRole;

    /// <summary>HubSpot-like activity names; every canonical kind the generator emits has one.</summary>
    public static string CrmTypeName(EventKind kind) => kind switch
    {
        EventKind.Login => "Logged In",
        EventKind.TicketOpened => "Support Ticket Created",
        EventKind.TicketEscalated => "Support Ticket Escalated",
        EventKind.PageView => "Page View",
        EventKind.EmailOpen => "Marketing Email Opened",
        EventKind.EmailClick => "Marketing Email Clicked",
        EventKind.Download => "Content Downloaded",
        EventKind.WebinarAttended => "Webinar Attended",
        EventKind.CaseStudyView => "Case Study Viewed",
        EventKind.ComparisonPageView => "Comparison Page Visit",
        EventKind.PricingPageView => "Pricing Page Visit",
        EventKind.FormSubmitted => "Form Submission",
        EventKind.MeetingBooked => "Meeting Booked",
        EventKind.OpportunityOpened => "Deal Created",
        EventKind.OpportunityLost => "Closed Lost",
        EventKind.TrialStarted => "Trial Started",
        EventKind.Purchase => "Closed Won",
        EventKind.Renewal => "Subscription Renewed",
        EventKind.Upgrade => "Plan Upgraded",
        EventKind.Downgrade => "Plan Downgraded",
        EventKind.Cancellation => "Subscription Cancelled",
        _ => "Other Activity",
    };
}
