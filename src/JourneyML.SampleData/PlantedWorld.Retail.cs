using JourneyML.Core.Data;

namespace JourneyML.SampleData;

internal sealed partial record PlantedWorld
{
    /// <summary>Retail segments.</summary>
    public const int Regular = 0, FadingShopper = 1, UnhappyShopper = 2, Browser = 3, OneTimeBuyer = 4, LapsedShopper = 5;

    /// <summary>Days without an order after which a retail customer has lapsed: the world's churn (see <see cref="Retail"/>).</summary>
    public const double LapseDays = 90;

    /// <summary>Whether churned customers keep using what they used (a lapsed shopper still visits the shop): the mapping then keeps activity after churn.</summary>
    public bool ChurnedKeepAccess => World == GeneratorWorld.Retail;

    /// <summary>
    /// Repeat-purchase retail: one person per customer (no account; the plan is the loyalty tier, 'loyalty' or 'guest'), orders again and
    /// again, no subscription and no cancellation. Churn is a lapse in purchasing: a buyer has lapsed (churned) on the day 90 days pass without an
    /// order, and the outcomes table's churned_at is that day (converted_at the first order; no lapsed shopper orders
    /// again within the export, which one churned_at per customer could not describe). The churn label as of T is then "lapses in (T, T+H]":
    /// a buyer whose last order before the lapse line was in (T-90, T-90+H] and who does not order again in time.
    /// </summary>
    public static PlantedWorld Retail { get; } = new(
        GeneratorWorld.Retail,
        "retail",
        "Repeat-purchase retail: one person per customer (no accounts), site and app visits, product views and orders again and " +
        "again without a subscription; churn is a lapse in purchasing: 90 days without an order (outcomes.churned_at is the day the " +
        "lapse line is crossed; converted_at the first order; no lapsed shopper orders again within the export); busiest at weekends and in December.",
        HasAccounts: false,
        HasOutcomesTable: true,
        HasLeadFunnel: false,
        ActivityRhythm.Leisure,
        [
            new("customer_id", ColumnType.Text),
            new("signed_up_at", ColumnType.Time),
            new("plan", ColumnType.Text),
            new("region", ColumnType.OptionalText),
            new("first_channel", ColumnType.Text),
        ],
        new Dictionary<EventKind, string>
        {
            [EventKind.Login] = "site_visit",
            [EventKind.PageView] = "product_viewed",
            [EventKind.TicketOpened] = "customer_service_contact",
            [EventKind.EmailOpen] = "promo_email_opened",
            [EventKind.EmailClick] = "promo_email_clicked",
            [EventKind.Purchase] = "order_placed",
        },
        [
            new(Regular, "regular", "Buyers who order every few weeks and visit steadily.", false),
            new(FadingShopper, "fading", "Buyers whose minutes per visit fall by 45-85% over the 60 days before the as-of date.", false),
            new(UnhappyShopper, "unhappy", "Buyers whose customer-service contacts are mostly of high severity (3-4 of 4).", false),
            new(Browser, "browser", "Registered visitors who have not ordered yet.", true),
            new(OneTimeBuyer, "one_time_buyer", "Buyers who ordered once and not yet again (new buyers among them).", false),
            new(LapsedShopper, "lapsed", "Former buyers who went 90 days without an order before the as-of date.", false),
        ],
        [
            new(Churn, PlantedSource.Attribute, "first_channel", null, "marketplace buyers lapse more, store buyers less"),
            new(Churn, PlantedSource.MappedColumn, "plan", null, "loyalty-programme members (plan 'loyalty') lapse less"),
            new(Churn, PlantedSource.EventValue, "site_visit", "login", "falling minutes per visit raise churn risk"),
            new(Churn, PlantedSource.EventValue, "customer_service_contact", "ticket_opened", "high severity raises churn risk"),
            new(Conversion, PlantedSource.Attribute, "first_channel", null, "store sign-ups order sooner, marketplace ones later"),
            new(Conversion, PlantedSource.EventValue, "site_visit", "login", "longer visits raise conversion"),
        ]);
}
