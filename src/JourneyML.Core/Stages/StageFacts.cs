using System.Globalization;
using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using F = JourneyML.Core.Features.FeatureNames;

namespace JourneyML.Core.Stages;

/// <summary>
/// The figures a stage suggestion stands on (from <see cref="ExportProfile"/> and the feature table at the as-of date),
/// the shape they point to, and the stages of each shape with thresholds read off the data and why in words.
/// </summary>
internal sealed class StageFacts(ExportProfile profile, FeatureTable table)
{
    public const string Churned = "Churned";

    /// <summary>Fewer examples than this and a threshold from the data would be noise: the usual value stands, and the why says so.</summary>
    private const int MinExamples = 20;

    /// <summary>A share of customers below which an event kind says nothing about the business (a stray test event).</summary>
    private const double Present = 0.05;

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    private int Paying => table.Status?.Count(s => s == CustomerStatus.Customer) ?? 0;
    private int Leads => table.Status?.Count(s => s == CustomerStatus.Lead) ?? 0;
    private int ChurnedNow => table.Status?.Count(s => s == CustomerStatus.Churned) ?? 0;

    /// <summary>The shape, in order of how telling the evidence is, and why in words.</summary>
    public (BusinessShape Shape, string Why) Shape()
    {
        double sales = profile.Share(profile.SalesCustomers);
        double trials = profile.Share(profile.ReachedBy(EventKind.TrialStarted));
        double shared = profile.Share(profile.InSharedAccounts);
        int renewing = profile.ReachedBy(EventKind.Renewal) + profile.ReachedBy(EventKind.Cancellation);
        double recurring = profile.Buyers == 0 ? 0 : Math.Min(1, (double)Math.Max(profile.ReachedBy(EventKind.Renewal), profile.ReachedBy(EventKind.Cancellation)) / profile.Buyers);
        double repeat = profile.Buyers == 0 ? 0 : (double)profile.RepeatBuyers / profile.Buyers;
        string accounts = string.Create(s_inv, $"{profile.ContactsPerAccount:0.0} contacts per account ({ExportProfile.Percent(shared)} of customers share an account with another contact)");
        string salesText = $"lead-funnel events ({string.Join(", ", ExportProfile.SalesKinds.Where(k => profile.ReachedBy(k) > 0).Select(profile.Named))}) for {ExportProfile.Percent(sales)} of customers";
        if (sales >= Present)
        {
            return (BusinessShape.B2bFunnel, $"{salesText}; {accounts}: a sales-led funnel from lead to customer.");
        }
        string noSales = sales > 0 ? $"lead-funnel events for only {ExportProfile.Percent(sales)} of customers" : "no lead-funnel events (forms, meetings, opportunities)";
        if (renewing > 0 && recurring >= Present && shared < 0.5)
        {
            return (BusinessShape.B2cSubscription,
                $"{noSales}; {ExportProfile.Percent(recurring)} of buyers have a {profile.Named(EventKind.Renewal)} or a {profile.Named(EventKind.Cancellation)}; {accounts}: " +
                "one person per customer paying a recurring subscription.");
        }
        if (trials >= Present)
        {
            return (BusinessShape.ProductLed,
                $"{noSales}; {profile.Named(EventKind.TrialStarted)} for {ExportProfile.Percent(trials)} of customers, renewals or cancellations for {ExportProfile.Percent(recurring)} of buyers: " +
                "sign-ups try the product and convert without a sales funnel.");
        }
        if (repeat >= 0.2)
        {
            return (BusinessShape.RepeatPurchase,
                $"{noSales}; no trials; {ExportProfile.Percent(repeat)} of buyers bought two or more times ({profile.Named(EventKind.Purchase)}), renewals or cancellations for {ExportProfile.Percent(recurring)}: " +
                "orders again and again without a contract.");
        }
        return (BusinessShape.B2bFunnel, $"{noSales}, no trials, no renewals and few repeat purchases: nothing points away from the usual funnel, so its stages stand (write a stages.json to name your own).");
    }

    public List<StageDefinition> B2bFunnel()
    {
        var (active, activeWhy) = AdoptionActiveDays();
        var (days, daysWhy) = DaysToAdoption(active);
        var use = AdoptionUse(active, activeWhy);
        // Without 20 renewals to read, an annual contract's first renewal is a year in (as the built-in stages have it): the
        // earlier 300 days put customers ten months in up for renewal and disagreed with the planted paths on 5% of days.
        var (renewal, renewalWhy) = FirstRenewal(365, "an annual contract");
        return
        [
            Stage("Awareness", "The entry stage: everyone who signed up starts here."),
            Stay(Stage("Interest", "Reading content (3 or more content engagements in 90 days): the first sign of interest the export records; stays while there is any content engagement in 90 days.",
                [C(F.Content90d, ">=", 3)]), [C(F.Content90d, ">=", 1)]),
            Stay(Stage("MQL", "Marketing-qualified: a lead score of 0.6 or more, 3 or more pricing-page views in 14 days, a webinar and a download with heavy reading (10 or more content engagements in 30 days), or very heavy reading (14 or more), which a lead in nurture reading the odd page does not reach by chance; stays while the lead score holds 0.4 or the reading 6 in 30 days (the usual buying-intent signals, held so a sliding window alone does not undo them).",
                [C("lead_score", ">=", 0.6)], [C(F.PricingViews14d, ">=", 3)], [C(F.Webinars90d, ">=", 1), C(F.Downloads90d, ">=", 1), C(F.Content30d, ">=", 10)], [C(F.Content30d, ">=", 14), Status("lead")]),
                [C("lead_score", ">=", 0.4)], [C(F.Content30d, ">=", 6)]),
            Stay(Stage("SQL", $"Sales-qualified: a lead with 2 or more sales touches ({Sales()}) in 90 days (one alone is often the sign-up form); {LeadStays}",
                [C(F.SalesTouches90d, ">=", 2), Status("lead")]),
                LeadStay()),
            Stay(Stage("Opportunity", $"A lead with 3 or more sales touches in 90 days: a deal being worked; {LeadStays}",
                [C(F.SalesTouches90d, ">=", 3), Status("lead")]),
                LeadStay()),
            Stage("Customer-Onboarding", $"A paying customer not yet in Adoption: new, or using the product less than the adopted do ({Paying:N0} paying customers now in all).", [Status("customer")]),
            Adopted("Adoption", days, daysWhy, use),
            Stay(Stage("Renewal/Expansion", $"Up for renewal or expansion: {renewalWhy}, using the product as in Adoption; {HeldWhilePaying}", [C(F.DaysAsCustomer, ">=", renewal), C(use.Signal, ">=", use.Value)]),
                [C(F.DaysAsCustomer, ">=", renewal)]),
            .. OffPath(90, "the usual dormant line"),
        ];
    }

    public List<StageDefinition> ProductLed()
    {
        var (trying, tryingWhy) = ActivatedLeadDays();
        var (active, activeWhy) = AdoptionActiveDays();
        var (days, daysWhy) = DaysToAdoption(active);
        var use = AdoptionUse(active, activeWhy);
        var stages = new List<StageDefinition>
        {
            Stage("Sign-up", "The entry stage: signed up, not paying, and not using the product in the last 30 days."),
            Stage("Trial", $"Trying the product: a lead {(UsesLogins ? $"with a {profile.Named(EventKind.Login)}" : "active")} in the last 30 days ({profile.Named(EventKind.TrialStarted)} for {ExportProfile.Percent(profile.Share(profile.ReachedBy(EventKind.TrialStarted)))} of customers).",
                [Status("lead"), C(TrialUse, ">=", 1)]),
            Stay(Stage("Activated", $"A trial that took hold: {tryingWhy}; {ActivatedStays}", [Status("lead"), C(TrialUse, ">=", trying)]), ActivatedStay()),
            Stage("Paying", $"Converted to paid ({profile.Named(EventKind.Purchase)}) and not yet Adopted ({Paying:N0} paying customers now in all).", [Status("customer")]),
            Adopted("Adopted", days, daysWhy, use),
        };
        if (table.Find(F.AccountEngagedContacts30d) is not null)
        {
            // The customer's own use as Adopted reads it: a seat paid for and hardly used, in an active team, is not on a team.
            stages.Add(Stay(Stage("Team", $"Spread beyond one person: a paying account with 2 or more contacts active in 30 days ({ExportProfile.Percent(profile.Share(profile.InSharedAccounts))} of customers share an account), " +
                $"this customer using it as the adopted do ({use.Why}); {HeldWhilePaying}",
                [Status("customer"), C(F.AccountEngagedContacts30d, ">=", 2), C(F.DaysAsCustomer, ">=", days), C(use.Signal, ">=", use.Value)]), [C(F.DaysAsCustomer, ">=", days)]));
        }
        stages.AddRange(OffPath(90, "the usual dormant line"));
        return stages;
    }

    public List<StageDefinition> Subscription()
    {
        var (renewal, renewalWhy) = FirstRenewal(30, "a monthly plan");
        var (loyal, loyalWhy) = LoyalTenure(renewal);
        int trials = profile.ReachedBy(EventKind.TrialStarted);
        // One entry stage for everyone not paying: a second stage split on recent activity would flap as the window slides.
        var stages = new List<StageDefinition>
        {
            profile.Share(trials) >= Present
                ? Stage("Trial", $"The entry stage: signed up and not subscribed ({Leads:N0} now); {profile.Named(EventKind.TrialStarted)} for {ExportProfile.Percent(profile.Share(trials))} of customers, so a sign-up is a trial.")
                : Stage("Sign-up", $"The entry stage: signed up and not subscribed ({Leads:N0} now)."),
        };
        stages.Add(Stage("New subscriber", $"Paying ({profile.Named(EventKind.Purchase)}), before the first renewal: {renewalWhy}.", [Status("customer")]));
        if (Reactivated() > 0)
        {
            stages.Add(Stage("Won back", $"Came back after cancelling ({Reactivated():N0} paying customers now have a comeback) and not yet past a renewal since.",
                [Status("customer"), C(F.Reactivations, ">=", 1), C(F.DaysAsCustomer, "<", renewal)]));
        }
        stages.Add(Stage("Renewed", $"Stayed past the first renewal: {renewalWhy}.", [Status("customer"), C(F.DaysAsCustomer, ">=", renewal)]));
        stages.Add(Stage("Loyal", $"Long-standing subscribers: {loyalWhy}.", [Status("customer"), C(F.DaysAsCustomer, ">=", loyal)]));
        stages.AddRange(OffPath(90, "the usual dormant line"));
        return stages;
    }

    public List<StageDefinition> RepeatPurchase() => table.Find(F.Purchases90d) is null ? RepeatPurchaseWithoutOrderCounts() : RepeatPurchaseByOrders();

    /// <summary>Half a year of buying: a habit, not one season's orders.</summary>
    private const double LoyalBuyerDays = 180;

    /// <summary>
    /// Retail stages on the order counts (purchases_90d, days_since_last_purchase): a second order within 90 days makes a
    /// returning customer, orders as often as the typical buyer for half a year a loyal one; each held while the customer
    /// buys, so the gap between two orders does not send anyone back. Lapsed is a silence in orders, not in visits (a
    /// lapsed shopper still opens the newsletter), unless the export records its own lapses (churned_at without any
    /// cancellation event): then Churned is that lapse, and a second rule of ours would only disagree with it.
    /// </summary>
    private List<StageDefinition> RepeatPurchaseByOrders()
    {
        var gaps = profile.DaysBetweenPurchases();
        var (gap, gapWhy) = FromData(ExportProfile.Quantile(gaps, 0.5), gaps.Count, 30, 7, 365, "the median gap between two purchases of the same customer", "days", "gaps");
        double loyalOrders = Math.Max(3, Math.Floor(90 / gap));
        string purchase = profile.Named(EventKind.Purchase);
        var stages = new List<StageDefinition>
        {
            Stage("Visitor", "The entry stage: signed up or browsing, no purchase yet."),
            Stage("First purchase", $"Bought ({purchase}) and not yet again within 90 days ({Paying:N0} buyers now in all).", [Status("customer")]),
            Stay(Stage("Returning", $"Came back: 2 or more purchases in 90 days ({gapWhy} between orders); {BuyerStays}", [Status("customer"), C(F.Purchases90d, ">=", 2)]),
                [Status("customer")]),
            Stay(Stage("Loyal", string.Create(s_inv, $"Buying as a habit: {LoyalBuyerDays:0} days or more as a customer (half a year of buying, not one season) and {loyalOrders:0} or more purchases in 90 days (one per median gap of {gap:0} days, at least 3: about monthly); {BuyerStays}"),
                [Status("customer"), C(F.DaysAsCustomer, ">=", LoyalBuyerDays), C(F.Purchases90d, ">=", loyalOrders)]),
                [Status("customer")]),
        };
        bool ownLapses = ChurnedNow > 0 && profile.ReachedBy(EventKind.Cancellation) == 0;
        stages.Add(Stage(Churned, ownLapses
            ? $"Lapsed, as the export records it (churned_at in the outcomes table, with no cancellation events: the retailer's own lapse line): {ChurnedNow:N0} now."
            : $"Churned, as the export records it (a {profile.Named(EventKind.Cancellation)} or churned_at): {ChurnedNow:N0} now.", "off-path", [Status("churned")]));
        if (ownLapses)
        {
            _leftOut.Add("Lapsed: the export records its own lapses (churned_at with no cancellation events), so Churned is the lapse; a silence line of ours would only disagree with it");
        }
        else
        {
            var (lapsed, lapsedWhy) = LapseLine(gaps);
            stages.Add(Stage("Lapsed", $"No contract, so churn is a long silence in orders: no purchase for {lapsedWhy} (visits and emails without an order do not count).", "off-path",
                [C(F.DaysSinceLastPurchase, ">=", lapsed), Status("customer")]));
        }
        stages.Add(AtRisk());
        return stages;
    }

    /// <summary>Why a returning or loyal buyer stays (between two orders the 90-day count dips; a lapse is off the path).</summary>
    private const string BuyerStays = "stays while a customer: between two orders the 90-day count dips, and a customer who stops buying is Lapsed or Churned (off the path), not back to First purchase.";

    /// <summary>Days without a purchase that make a buyer lapsed: the p90 gap between orders, rounded up to whole months, at least the usual 90-day line.</summary>
    private (double Value, string Why) LapseLine(List<double> gaps) =>
        FromData(ExportProfile.Quantile(gaps, 0.9) is { } p90 ? Math.Ceiling(p90 / 30) * 30 : null, gaps.Count, 180, 90, 730,
            "the p90 of the gaps between two purchases, rounded up to whole months", "days", "gaps");

    /// <summary>Notes on stages a shape's rules leave out on purpose (beside the empty ones <see cref="StageSuggestion"/> lists).</summary>
    private readonly List<string> _leftOut = [];

    public IReadOnlyList<string> LeftOut => _leftOut;

    private List<StageDefinition> RepeatPurchaseWithoutOrderCounts()
    {
        var gaps = profile.DaysBetweenPurchases();
        var (gap, gapWhy) = FromData(ExportProfile.Quantile(gaps, 0.5), gaps.Count, 60, 7, 365, "the median gap between two purchases of the same customer", "days", "gaps");
        var (lapsed, lapsedWhy) = FromData(ExportProfile.Quantile(gaps, 0.9) is { } p90 ? Math.Ceiling(p90 / 30) * 30 : null, gaps.Count, 180, 60, 730,
            "the p90 of the gaps between two purchases, rounded up to whole months", "days", "gaps");
        var perBuyer = profile.PurchasesPerBuyer();
        var (loyalTenure, loyalWhy) = LoyalTenure(gap);
        var (active, activeWhy) = FromData(ExportProfile.Quantile(BuyersActiveDays(), 0.75), BuyersActiveDays().Count, 4, 2, 60, "the p75 of active days in 90 days among buying customers", "active days in 90 days");
        string orders = ExportProfile.Quantile(perBuyer, 0.75) is { } p75 ? string.Create(s_inv, $"; the p75 buyer has {p75:0} purchases so far") : "";
        return
        [
            Stage("Visitor", "The entry stage: signed up or browsing, no purchase yet."),
            Stage("First purchase", $"Bought ({profile.Named(EventKind.Purchase)}) and not yet coming back ({Paying:N0} buyers now in all).", [Status("customer")]),
            Stage("Returning", $"Coming back: first bought at least {gapWhy} ago, and seen again within that many days. Without order counts (purchases_90d is written only when 5% of buyers order again and again), this reads the time since the first purchase and since the last visit.",
                [Status("customer"), C(F.DaysAsCustomer, ">=", gap), C(F.DaysSinceLastActivity, "<", gap)]),
            Stage("Loyal", $"Buying and visiting often: {loyalWhy}, and {activeWhy}{orders}.",
                [Status("customer"), C(F.DaysAsCustomer, ">=", loyalTenure), C(F.ActiveDays90d, ">=", active)]),
            Stage(Churned, "Cancelled: the export records churn for them.", "off-path", [Status("churned")]),
            Stage("Lapsed", $"No contract, so churn is a long silence: no event for {lapsedWhy}.", "off-path", [C(F.DaysSinceLastActivity, ">=", lapsed)]),
            AtRisk(),
        ];
    }

    private IEnumerable<StageDefinition> OffPath(int dormantDays, string dormantWhy) =>
    [
        Stage(Churned, $"Cancelled ({profile.Named(EventKind.Cancellation)}) and not back: {ChurnedNow:N0} now.", "off-path", [Status("churned")]),
        Stay(Stage("Dormant", $"No activity for {dormantDays} days ({dormantWhy}); back out once active on 3 days in 30.", "off-path", [C(F.DaysSinceLastActivity, ">=", dormantDays)]),
            [C(F.ActiveDays30d, "<=", 2)]),
        AtRisk(),
    ];

    private static StageDefinition AtRisk() =>
        Stage("At-risk", "Churn risk at or above the cut the churn model derives at training (twice the base rate): the customers to call first; listed for at least 28 days once in, so a call can be planned.", "off-path",
            [new StageCondition { Signal = "churn_risk", Op = ">=", Value = JsonSerializer.SerializeToElement(StageModel.ModelValue) }]) with { MinDays = 28 };

    /// <summary>Why an adopted customer stays: held against planted stage paths, a stay on active days sent customers whose use fell back to onboarding.</summary>
    private const string HeldWhilePaying = "stays while paying: a customer whose use falls is At-risk or Dormant (off the path), not back in onboarding.";

    /// <summary>Why an activated lead stays: the active days of a trial in use swing about the median, and the stage flapped with them.</summary>
    private string ActivatedStays => UsesLogins
        ? $"stays while the lead still uses the product (a {profile.Named(EventKind.Login)} in 30 days), so a quieter week does not undo it; emails opened do not hold it."
        : "stays while the lead is active on a day in 30, so a quieter week does not undo it.";

    private List<StageCondition>[] ActivatedStay() => [[Status("lead"), C(TrialUse, ">=", 1)]];

    /// <summary>
    /// What a trial's use is read on: logins in 30 days where the export has logins (product use: a lead who only opens the
    /// newsletter is not trying the product, and on active days, which count email opens, such leads flapped in and out
    /// of Activated on the generated product-led world), else active days in 30.
    /// </summary>
    private string TrialUse => UsesLogins ? F.Logins30d : F.ActiveDays30d;

    private bool UsesLogins => profile.Share(profile.ReachedBy(EventKind.Login)) >= Present;

    /// <summary>Why a sales-qualified lead stays (a 30-day reading window sent evaluating leads back to Interest over the December lull).</summary>
    private const string LeadStays = "stays while a sales touch in 90 days or steady reading (24 or more content engagements in 90 days, about two a week) goes on, so a quiet holiday month does not undo it.";

    private static List<StageCondition>[] LeadStay() => [[C(F.SalesTouches90d, ">=", 1), Status("lead")], [C(F.Content90d, ">=", 24), Status("lead")]];

    /// <summary>
    /// Value realised: <paramref name="days"/> as a customer (at least 30, so the 30-day window holds only days as a
    /// customer: the evaluation's reading before the purchase does not count) and the product used as <paramref name="use"/>
    /// says over the last 30 days; held while paying.
    /// </summary>
    private static StageDefinition Adopted(string name, double days, string daysWhy, AdoptionSignal use) =>
        Stay(Stage(name, $"Value realised: {daysWhy}, and {use.Why} (only days as a customer count, so the reading before the purchase does not); {HeldWhilePaying}",
            [C(F.DaysAsCustomer, ">=", days), C(use.Signal, ">=", use.Value)]), [C(F.DaysAsCustomer, ">=", days)]);

    /// <summary>About weekly use: the fewest logins in 30 days that mark Adoption.</summary>
    private const double WeeklyLogins = 4;

    /// <summary>
    /// What marks Adoption: logins in 30 days where the export has logins (product use; active days count marketing
    /// emails a customer who never took to the product still opens), at least about weekly: since Adoption holds a customer
    /// while paying, an entry reached by chance would stay, and the p25 of established customers (3 logins on the
    /// generated B2B worlds) let a quarter of the customers who never took to the product in over a year. Without logins,
    /// active days in 30 (<see cref="AdoptionActiveDays"/>).
    /// </summary>
    private AdoptionSignal AdoptionUse(double activeDays, string activeWhy)
    {
        if (profile.Share(profile.ReachedBy(EventKind.Login)) < Present)
        {
            return new(F.ActiveDays30d, activeDays, activeWhy);
        }
        var logins = PayingValuesSince(F.Logins30d, minDaysAsCustomer: 90);
        string unit = $"logins ({profile.Named(EventKind.Login)}) in 30 days";
        var (p25, why) = FromData(ExportProfile.Quantile(logins, 0.25), logins.Count, WeeklyLogins, 1, 60, "the p25 of customers paying for 90 days or more", unit);
        return p25 >= WeeklyLogins
            ? new(F.Logins30d, p25, why)
            : new(F.Logins30d, WeeklyLogins, string.Create(s_inv,
                $"{WeeklyLogins:0} {unit}, about weekly, not the {why}: fewer is use a customer who never took to the product reaches by chance, and Adoption holds while paying"));
    }

    /// <summary>A stage with exit conditions: any of <paramref name="stay"/> keeps a customer in it once entered.</summary>
    private static StageDefinition Stay(StageDefinition stage, params List<StageCondition>[] stay) => stage with { Stay = [.. stay] };

    /// <summary>
    /// Active days in 30 days that mark Adoption: the p25 of customers paying for 90 days or more, so three in four
    /// established customers count as adopted and the stage before holds the new ones and the few who never took to it
    /// (a median would leave half of the two-year customers in onboarding). On 30 days, not 90: at 30 days as a customer a
    /// 90-day window still holds the evaluation's reading before the purchase, which let customers who never took to the
    /// product into Adoption until the window slid past it.
    /// </summary>
    private (double Value, string Why) AdoptionActiveDays()
    {
        var values = PayingActiveDays(minDaysAsCustomer: 90);
        return FromData(ExportProfile.Quantile(values, 0.25), values.Count, 4, 2, 30, "the p25 of customers paying for 90 days or more: three in four of them reach it", "active days in 30 days");
    }

    /// <summary>Days as a customer before Adoption: the median days from the first purchase to the N-th active day, at least 30 (see <see cref="Adopted"/>).</summary>
    private (double Value, string Why) DaysToAdoption(double activeDays)
    {
        var days = profile.DaysToActiveDays((int)activeDays);
        return FromData(ExportProfile.Quantile(days, 0.5) is { } median ? Math.Ceiling(median) : null, days.Count, 60, 30, 365,
            string.Create(s_inv, $"the median days from the first purchase to the {activeDays:0}th active day"), "days as a customer");
    }

    /// <summary>Active days in 30 days that mark an activated trial: the median of active leads.</summary>
    private (double Value, string Why) ActivatedLeadDays()
    {
        var values = Values(TrialUse, s => s == CustomerStatus.Lead, v => v >= 1);
        var (value, why) = UsesLogins
            ? FromData(ExportProfile.Quantile(values, 0.5), values.Count, 4, 2, 30, "the median of leads with a login in the last 30 days", $"logins ({profile.Named(EventKind.Login)}) in 30 days")
            : FromData(ExportProfile.Quantile(values, 0.5), values.Count, 4, 2, 30, "the median of leads active in the last 30 days", "active days in 30 days");
        return (Math.Max(2, value), why);
    }

    /// <summary>Days to the first renewal: the median from a first purchase to the first renewal after it.</summary>
    private (double Value, string Why) FirstRenewal(double usual, string usualFor)
    {
        var days = profile.DaysToFirstRenewal();
        var (value, why) = FromData(ExportProfile.Quantile(days, 0.5) is { } median ? Math.Ceiling(median) : null, days.Count, usual, 7, 730,
            $"the median days from a first purchase to the first {profile.Named(EventKind.Renewal)}", "days as a customer");
        return (value, days.Count >= MinExamples ? why : $"{why} ({usualFor})");
    }

    /// <summary>Days as a customer that make a customer long-standing: the p75 of paying customers now, at least 30 days past <paramref name="after"/>.</summary>
    private (double Value, string Why) LoyalTenure(double after)
    {
        var values = PayingValues(F.DaysAsCustomer);
        var (value, why) = FromData(ExportProfile.Quantile(values, 0.75) is { } p75 ? Math.Floor(p75) : null, values.Count, 365, 30, 1095,
            "the p75 of days as a customer among paying customers now", "days as a customer");
        return value >= after + 30 ? (value, why) : (after + 30, $"{after + 30:0} days as a customer ({why} is {value:0}, too close to the stage before; 30 days past it instead)");
    }

    /// <summary>A threshold from the data when there are enough examples (clamped to a sensible range), else the usual value; with the why in words.</summary>
    private static (double Value, string Why) FromData(double? value, int examples, double usual, double min, double max, string what, string unit, string over = "customers")
    {
        if (value is not { } v || examples < MinExamples)
        {
            return (usual, string.Create(s_inv, $"{usual:0} {unit} (the usual value: only {examples:N0} examples in the data for {what}, fewer than {MinExamples})"));
        }
        double clamped = Math.Clamp(Math.Round(v), min, max);
        string note = clamped != Math.Round(v) ? string.Create(s_inv, $", held to {min:0}-{max:0}") : "";
        return (clamped, string.Create(s_inv, $"{clamped:0} {unit} ({what}: {v:0.#} over {examples:N0} {over}{note})"));
    }

    private List<double> PayingActiveDays(double minDaysAsCustomer) => PayingValuesSince(F.ActiveDays30d, minDaysAsCustomer);

    private List<double> PayingValuesSince(string feature, double minDaysAsCustomer)
    {
        var active = table.NumbersOrNull(feature);
        var tenure = table.NumbersOrNull(F.DaysAsCustomer);
        if (active is null || tenure is null || table.Status is null)
        {
            return [];
        }
        return [.. Enumerable.Range(0, table.RowCount).Where(r => table.Status[r] == CustomerStatus.Customer && tenure[r] >= minDaysAsCustomer).Select(r => (double)active[r])];
    }

    private List<double> BuyersActiveDays() => Values(F.ActiveDays90d, s => s == CustomerStatus.Customer, v => v >= 1);

    private List<double> PayingValues(string feature) => Values(feature, s => s == CustomerStatus.Customer, _ => true);

    private List<double> Values(string feature, Func<CustomerStatus, bool> status, Func<float, bool> keep)
    {
        var values = table.NumbersOrNull(feature);
        if (values is null || table.Status is null)
        {
            return [];
        }
        return [.. Enumerable.Range(0, table.RowCount).Where(r => status(table.Status[r]) && !float.IsNaN(values[r]) && keep(values[r])).Select(r => (double)values[r])];
    }

    private int Reactivated()
    {
        var comebacks = table.NumbersOrNull(F.Reactivations);
        return comebacks is null || table.Status is null ? 0
            : Enumerable.Range(0, table.RowCount).Count(r => table.Status[r] == CustomerStatus.Customer && comebacks[r] >= 1);
    }

    private string Sales() => string.Join(", ", ExportProfile.SalesKinds.Take(3).Select(profile.Named));

    private static StageDefinition Stage(string name, string why, params List<StageCondition>[] when) => Stage(name, why, "path", when);

    private static StageDefinition Stage(string name, string why, string kind, params List<StageCondition>[] when) =>
        new() { Name = name, Kind = kind, Why = why, When = [.. when] };

    private static StageCondition C(string signal, string op, double value) =>
        new() { Signal = signal, Op = op, Value = JsonSerializer.SerializeToElement(value) };

    private static StageCondition Status(string status) =>
        new() { Signal = "status", Op = "==", Value = JsonSerializer.SerializeToElement(status) };
}

/// <summary>The feature that marks Adoption (logins or active days in 30), its threshold and why in words.</summary>
internal readonly record struct AdoptionSignal(string Signal, double Value, string Why);
