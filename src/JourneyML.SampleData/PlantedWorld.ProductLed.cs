using JourneyML.Core.Data;

namespace JourneyML.SampleData;

internal sealed partial record PlantedWorld
{
    /// <summary>Product-led segments.</summary>
    public const int HealthyTeam = 0, FadingTeam = 1, FrustratedTeam = 2, Trialing = 3, FreeWorkspace = 4, Downgraded = 5;

    /// <summary>
    /// A product-led collaboration tool: free workspaces of one to six users who sign up on their own, start a 14-day
    /// trial, create projects (the activation events) and upgrade to paid without a salesperson; churn is the workspace
    /// going back to the free plan. No lead funnel, no renewals in the export (billing lives elsewhere).
    /// </summary>
    public static PlantedWorld ProductLed { get; } = new(
        GeneratorWorld.ProductLed,
        "product-led",
        "A product-led collaboration tool: workspaces (accounts) of 1-6 users who sign up free, start a 14-day trial, create " +
        "projects and invite teammates (the activation events) and upgrade to paid without a sales funnel; churn is the workspace " +
        "downgrading back to the free plan (a paid tier may step down first); no renewals in the export; working-week rhythm.",
        HasAccounts: true,
        HasOutcomesTable: false,
        HasLeadFunnel: false,
        ActivityRhythm.Work,
        [
            new("customer_id", ColumnType.Text),
            new("account_id", ColumnType.Text),
            new("signed_up_at", ColumnType.Time),
            new("plan", ColumnType.Text),
            new("role", ColumnType.OptionalText),
            new("region", ColumnType.OptionalText),
            new("use_case", ColumnType.Text),
            new("signup_source", ColumnType.Text),
        ],
        new Dictionary<EventKind, string>
        {
            [EventKind.Login] = "session_started",
            [EventKind.Other] = "project_created",
            [EventKind.TicketOpened] = "help_request",
            [EventKind.EmailOpen] = "product_email_opened",
            [EventKind.TrialStarted] = "trial_started",
            [EventKind.Purchase] = "upgraded_to_paid",
            [EventKind.Downgrade] = "plan_downgraded",
            [EventKind.Cancellation] = "downgraded_to_free",
        },
        [
            new(HealthyTeam, "healthy_team", "Paying workspaces whose users work in it regularly.", false),
            new(FadingTeam, "fading_team", "Paying workspaces whose minutes per session fall by 45-85% over the 60 days before the as-of date.", false),
            new(FrustratedTeam, "frustrated_team", "Paying workspaces whose help requests are mostly of high severity (3-4 of 4).", false),
            new(Trialing, "trialing", "Workspaces in their 14-day trial at the as-of date.", true),
            new(FreeWorkspace, "free", "Workspaces on the free plan that never paid (some tried and let the trial lapse).", true),
            new(Downgraded, "downgraded", "Workspaces that went back to the free plan before the as-of date (some upgrade again).", false),
        ],
        [
            new(Churn, PlantedSource.Attribute, "use_case", null, "personal use raises churn risk, engineering lowers it"),
            new(Churn, PlantedSource.EventValue, "session_started", "login", "falling minutes per session raise churn risk"),
            new(Churn, PlantedSource.EventValue, "help_request", "ticket_opened", "high severity raises churn risk"),
            new(Churn, PlantedSource.MappedColumn, "account", null, "more users active in the workspace lower churn risk (read through the account roll-ups)"),
            new(Churn, PlantedSource.MappedColumn, "plan", null, "the business plan lowers churn risk"),
            new(Conversion, PlantedSource.Attribute, "use_case", null, "team use raises conversion, personal use lowers it"),
            new(Conversion, PlantedSource.MappedColumn, "account", null, "more users in the workspace raise conversion (read through the account roll-ups)"),
            new(Conversion, PlantedSource.EventValue, "session_started", "login", "longer trial sessions raise conversion"),
        ]);
}
