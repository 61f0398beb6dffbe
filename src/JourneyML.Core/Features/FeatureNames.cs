using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>
/// The names of the features the behaviour-log step writes: the one place they are spelled. Code everywhere else
/// (stage rules, factor texts, segment profiles, change reasons, what-if) names a feature through these constants.
/// </summary>
public static class FeatureNames
{
    /// <summary>days since the customer signed up.</summary>
    public const string TenureDays = "tenure_days";
    /// <summary>days of behaviour history observed before the as-of date (at most 365).</summary>
    public const string HistoryDays = "history_days";
    /// <summary>1 when the customer signed up less than 30 days before the as-of date.</summary>
    public const string IsNew = "is_new";
    /// <summary>1 for a paying customer at the as-of date, 0 for a lead.</summary>
    public const string IsCustomer = "is_customer";
    /// <summary>days since the first purchase after the last cancellation (renewals do not reset it; missing for leads).</summary>
    public const string DaysAsCustomer = "days_as_customer";
    /// <summary>logins in the last 7 days.</summary>
    public const string Logins7d = "logins_7d";
    /// <summary>logins in the last 30 days.</summary>
    public const string Logins30d = "logins_30d";
    /// <summary>logins in the 30 days before the last 30.</summary>
    public const string LoginsPrev30d = "logins_prev_30d";
    /// <summary>logins in the last 90 days.</summary>
    public const string Logins90d = "logins_90d";
    /// <summary>logins per week over the observed part of the last 90 days.</summary>
    public const string LoginRate90d = "login_rate_90d";
    /// <summary>log2 ratio of logins in the last 30 days to the 30 before (missing with under 60 days of history).</summary>
    public const string LoginTrend = "login_trend";
    /// <summary>days since the last login (missing when never logged in).</summary>
    public const string DaysSinceLastLogin = "days_since_last_login";
    /// <summary>days since the last event of any kind (missing when none).</summary>
    public const string DaysSinceLastActivity = "days_since_last_activity";
    /// <summary>days with any activity in the last 30 days.</summary>
    public const string ActiveDays30d = "active_days_30d";
    /// <summary>days with any activity in the last 90 days.</summary>
    public const string ActiveDays90d = "active_days_90d";
    /// <summary>support tickets in the last 30 days.</summary>
    public const string Tickets30d = "tickets_30d";
    /// <summary>support tickets in the 30 days before the last 30.</summary>
    public const string TicketsPrev30d = "tickets_prev_30d";
    /// <summary>support tickets in the last 90 days.</summary>
    public const string Tickets90d = "tickets_90d";
    /// <summary>log2 ratio of tickets in the last 30 days to the 30 before (missing with under 60 days of history).</summary>
    public const string TicketTrend = "ticket_trend";
    /// <summary>escalated tickets in the last 90 days.</summary>
    public const string Escalations90d = "escalations_90d";
    /// <summary>content engagements (views, email opens and clicks, downloads, webinars, case studies) in the last 30 days.</summary>
    public const string Content30d = "content_30d";
    /// <summary>content engagements in the last 90 days.</summary>
    public const string Content90d = "content_90d";
    /// <summary>page views in the last 30 days.</summary>
    public const string PageViews30d = "page_views_30d";
    /// <summary>page views in the last 90 days.</summary>
    public const string PageViews90d = "page_views_90d";
    /// <summary>email opens in the last 30 days.</summary>
    public const string EmailOpens30d = "email_opens_30d";
    /// <summary>email opens in the last 90 days.</summary>
    public const string EmailOpens90d = "email_opens_90d";
    /// <summary>email clicks in the last 30 days.</summary>
    public const string EmailClicks30d = "email_clicks_30d";
    /// <summary>email clicks in the last 90 days.</summary>
    public const string EmailClicks90d = "email_clicks_90d";
    /// <summary>whitepaper and asset downloads in the last 90 days.</summary>
    public const string Downloads90d = "downloads_90d";
    /// <summary>webinars attended in the last 90 days.</summary>
    public const string Webinars90d = "webinars_90d";
    /// <summary>case-study views in the last 90 days.</summary>
    public const string CaseStudyViews90d = "case_study_views_90d";
    /// <summary>comparison-page views in the last 90 days.</summary>
    public const string ComparisonViews90d = "comparison_views_90d";
    /// <summary>pricing-page views in the last 14 days (3 or more signals buying intent).</summary>
    public const string PricingViews14d = "pricing_views_14d";
    /// <summary>pricing-page views in the last 90 days.</summary>
    public const string PricingViews90d = "pricing_views_90d";
    /// <summary>forms, meetings and opportunities in the last 90 days.</summary>
    public const string SalesTouches90d = "sales_touches_90d";
    /// <summary>contacts in the customer's account at the as-of date.</summary>
    public const string AccountContacts = "account_contacts";
    /// <summary>contacts of the account active in the last 30 days.</summary>
    public const string AccountEngagedContacts30d = "account_engaged_contacts_30d";
    /// <summary>distinct buying-group roles active in the account in the last 30 days.</summary>
    public const string AccountEngagedRoles30d = "account_engaged_roles_30d";
    /// <summary>1 when a decision-maker of the account was active in the last 30 days.</summary>
    public const string AccountDecisionMakerEngaged = "account_decision_maker_engaged";
    /// <summary>times the customer came back (a purchase, renewal or upgrade after a cancellation) before the as-of date.</summary>
    public const string Reactivations = "reactivations";
    /// <summary>purchases (orders: purchase events, not renewals) in the last 90 days; written only when the export holds repeat purchases.</summary>
    public const string Purchases90d = "purchases_90d";
    /// <summary>days since the last purchase event (missing when none); written only when the export holds repeat purchases.</summary>
    public const string DaysSinceLastPurchase = "days_since_last_purchase";
    /// <summary>minutes of use (the value of login events) in the last 30 days; written only when the export gives login values.</summary>
    public const string UsageMinutes30d = "usage_minutes_30d";
    /// <summary>minutes of use in the 30 days before the last 30.</summary>
    public const string UsageMinutesPrev30d = "usage_minutes_prev_30d";
    /// <summary>minutes of use in the last 90 days.</summary>
    public const string UsageMinutes90d = "usage_minutes_90d";
    /// <summary>log2 ratio of minutes of use in the last 30 days to the 30 before (missing with under 60 days of history).</summary>
    public const string UsageTrend = "usage_trend";
    /// <summary>highest ticket severity (the value of ticket events) in the last 90 days; written only when the export gives ticket values.</summary>
    public const string TicketSeverityMax90d = "ticket_severity_max_90d";
    /// <summary>mean ticket severity in the last 90 days.</summary>
    public const string TicketSeverityMean90d = "ticket_severity_mean_90d";
    /// <summary>minutes attended (the value of webinar_attended events) over the last 90 days; written only when the export gives webinar values.</summary>
    public const string WebinarMinutes90d = "webinar_minutes_90d";
    /// <summary>the sum of the values of page_view events (seconds on page, say) over the last 90 days; written only when the export gives them.</summary>
    public const string PageViewValue90d = "page_view_value_90d";
    /// <summary>the sum of the values of email_open events over the last 90 days; written only when the export gives them.</summary>
    public const string EmailOpenValue90d = "email_open_value_90d";
    /// <summary>the sum of the values of email_click events over the last 90 days; written only when the export gives them.</summary>
    public const string EmailClickValue90d = "email_click_value_90d";
    /// <summary>the sum of the values of download events over the last 90 days; written only when the export gives them.</summary>
    public const string DownloadValue90d = "download_value_90d";
    /// <summary>the sum of the values of case_study_view events over the last 90 days; written only when the export gives them.</summary>
    public const string CaseStudyViewValue90d = "case_study_view_value_90d";
    /// <summary>the sum of the values of comparison_page_view events over the last 90 days; written only when the export gives them.</summary>
    public const string ComparisonPageViewValue90d = "comparison_page_view_value_90d";
    /// <summary>the sum of the values of pricing_page_view events over the last 90 days; written only when the export gives them.</summary>
    public const string PricingPageViewValue90d = "pricing_page_view_value_90d";
    /// <summary>the mean value of the page_view events of the last 90 days that give one (missing without such an event).</summary>
    public const string PageViewValueMean90d = "page_view_value_mean_90d";
    /// <summary>the mean value of the email_open events of the last 90 days that give one (missing without such an event).</summary>
    public const string EmailOpenValueMean90d = "email_open_value_mean_90d";
    /// <summary>the mean value of the email_click events of the last 90 days that give one (missing without such an event).</summary>
    public const string EmailClickValueMean90d = "email_click_value_mean_90d";
    /// <summary>the mean value of the download events of the last 90 days that give one (missing without such an event).</summary>
    public const string DownloadValueMean90d = "download_value_mean_90d";
    /// <summary>the mean value of the webinar_attended events of the last 90 days that give one (missing without such an event).</summary>
    public const string WebinarMinutesMean90d = "webinar_minutes_mean_90d";
    /// <summary>the mean value of the case_study_view events of the last 90 days that give one (missing without such an event).</summary>
    public const string CaseStudyViewValueMean90d = "case_study_view_value_mean_90d";
    /// <summary>the mean value of the comparison_page_view events of the last 90 days that give one (missing without such an event).</summary>
    public const string ComparisonPageViewValueMean90d = "comparison_page_view_value_mean_90d";
    /// <summary>the mean value of the pricing_page_view events of the last 90 days that give one (missing without such an event).</summary>
    public const string PricingPageViewValueMean90d = "pricing_page_view_value_mean_90d";
    /// <summary>the customer's plan.</summary>
    public const string Plan = "plan";
    /// <summary>the customer's buying-group role.</summary>
    public const string Role = "role";
    /// <summary>the customer's region.</summary>
    public const string Region = "region";

    /// <summary>The account roll-ups: written only when some account has two or more contacts (a single-contact export has no account to roll up).</summary>
    public static IReadOnlyList<string> AccountRollups { get; } = [AccountContacts, AccountEngagedContacts30d, AccountEngagedRoles30d, AccountDecisionMakerEngaged];

    /// <summary>
    /// The order counts: written only when the export holds repeat purchases (<see cref="EventValues.HoldsRepeatPurchases"/>), so
    /// an export whose customers buy once (a contract, a subscription started again after a cancellation) keeps its table.
    /// </summary>
    public static IReadOnlyList<string> RepeatPurchases { get; } = [Purchases90d, DaysSinceLastPurchase];

    /// <summary>The features from login values (minutes of use): written only when some login event in the export has a value.</summary>
    public static IReadOnlyList<string> UsageValues { get; } = [UsageMinutes30d, UsageMinutesPrev30d, UsageMinutes90d, UsageTrend];

    /// <summary>The features from ticket values (severity): written only when some ticket event in the export has a value.</summary>
    public static IReadOnlyList<string> SeverityValues { get; } = [TicketSeverityMax90d, TicketSeverityMean90d];

    /// <summary>
    /// The features from the values of content and pricing-page events, two per event type (the sum over the last 90
    /// days, and the mean per event giving one): written only when some event of its type in the export has a value.
    /// </summary>
    public static IReadOnlyList<(EventKind Kind, string Name, string Mean)> ContentValues { get; } =
    [
        (EventKind.PageView, PageViewValue90d, PageViewValueMean90d),
        (EventKind.EmailOpen, EmailOpenValue90d, EmailOpenValueMean90d),
        (EventKind.EmailClick, EmailClickValue90d, EmailClickValueMean90d),
        (EventKind.Download, DownloadValue90d, DownloadValueMean90d),
        (EventKind.WebinarAttended, WebinarMinutes90d, WebinarMinutesMean90d),
        (EventKind.CaseStudyView, CaseStudyViewValue90d, CaseStudyViewValueMean90d),
        (EventKind.ComparisonPageView, ComparisonPageViewValue90d, ComparisonPageViewValueMean90d),
        (EventKind.PricingPageView, PricingPageViewValue90d, PricingPageViewValueMean90d),
    ];

    /// <summary>The features the behaviour-log step can write (some only when the export holds what they need, see <see cref="FeaturePlan"/>), in table order, with their business meaning (used by reports and explanations).</summary>
    public static IReadOnlyList<(string Name, string Description)> Definitions { get; } =
    [
        (FeatureNames.TenureDays, "days since the customer signed up"),
        (FeatureNames.HistoryDays, "days of behaviour history observed before the as-of date (at most 365)"),
        (FeatureNames.IsNew, "1 when the customer signed up less than 30 days before the as-of date"),
        (FeatureNames.IsCustomer, "1 for a paying customer at the as-of date, 0 for a lead"),
        (FeatureNames.DaysAsCustomer, "days since the first purchase after the last cancellation: renewals do not reset it, a reactivation starts it again (missing for leads and churned customers)"),
        (FeatureNames.Logins7d, "logins in the last 7 days"),
        (FeatureNames.Logins30d, "logins in the last 30 days"),
        (FeatureNames.LoginsPrev30d, "logins in the 30 days before the last 30"),
        (FeatureNames.Logins90d, "logins in the last 90 days"),
        (FeatureNames.LoginRate90d, "logins per week over the observed part of the last 90 days"),
        (FeatureNames.LoginTrend, "log2 ratio of logins in the last 30 days to the 30 before (missing with under 60 days of history)"),
        (FeatureNames.DaysSinceLastLogin, "days since the last login (missing when never logged in)"),
        (FeatureNames.DaysSinceLastActivity, "days since the last event of any kind (missing when none)"),
        (FeatureNames.ActiveDays30d, "days with any activity in the last 30 days"),
        (FeatureNames.ActiveDays90d, "days with any activity in the last 90 days"),
        (FeatureNames.Tickets30d, "support tickets in the last 30 days"),
        (FeatureNames.TicketsPrev30d, "support tickets in the 30 days before the last 30"),
        (FeatureNames.Tickets90d, "support tickets in the last 90 days"),
        (FeatureNames.TicketTrend, "log2 ratio of tickets in the last 30 days to the 30 before (missing with under 60 days of history)"),
        (FeatureNames.Escalations90d, "escalated tickets in the last 90 days"),
        (FeatureNames.Content30d, "content engagements (views, email opens and clicks, downloads, webinars, case studies) in the last 30 days"),
        (FeatureNames.Content90d, "content engagements in the last 90 days"),
        (FeatureNames.PageViews30d, "page views in the last 30 days"),
        (FeatureNames.PageViews90d, "page views in the last 90 days"),
        (FeatureNames.EmailOpens30d, "email opens in the last 30 days"),
        (FeatureNames.EmailOpens90d, "email opens in the last 90 days"),
        (FeatureNames.EmailClicks30d, "email clicks in the last 30 days"),
        (FeatureNames.EmailClicks90d, "email clicks in the last 90 days"),
        (FeatureNames.Downloads90d, "whitepaper and asset downloads in the last 90 days"),
        (FeatureNames.Webinars90d, "webinars attended in the last 90 days"),
        (FeatureNames.CaseStudyViews90d, "case-study views in the last 90 days"),
        (FeatureNames.ComparisonViews90d, "comparison-page views in the last 90 days"),
        (FeatureNames.PricingViews14d, "pricing-page views in the last 14 days (3 or more signals buying intent)"),
        (FeatureNames.PricingViews90d, "pricing-page views in the last 90 days"),
        (FeatureNames.SalesTouches90d, "forms, meetings and opportunities in the last 90 days"),
        (FeatureNames.AccountContacts, "contacts in the customer's account at the as-of date"),
        (FeatureNames.AccountEngagedContacts30d, "contacts of the account active in the last 30 days"),
        (FeatureNames.AccountEngagedRoles30d, "distinct buying-group roles active in the account in the last 30 days"),
        (FeatureNames.AccountDecisionMakerEngaged, "1 when a decision-maker of the account was active in the last 30 days"),
        (FeatureNames.Reactivations, "times the customer came back (a purchase, renewal or upgrade after a cancellation) before the as-of date"),
        (FeatureNames.UsageMinutes30d, "minutes of use in the last 30 days: the sum of the values given on login events (missing for a customer none of whose logins before the as-of date has a value)"),
        (FeatureNames.UsageMinutesPrev30d, "minutes of use in the 30 days before the last 30 (missing as usage_minutes_30d)"),
        (FeatureNames.UsageMinutes90d, "minutes of use in the last 90 days (missing as usage_minutes_30d)"),
        (FeatureNames.UsageTrend, "log2 ratio of minutes of use in the last 30 days to the 30 before (missing with under 60 days of history or without login values)"),
        (FeatureNames.TicketSeverityMax90d, "highest severity (the value given on ticket events) among the tickets of the last 90 days (missing without such a ticket)"),
        (FeatureNames.TicketSeverityMean90d, "mean severity of the tickets of the last 90 days that give one (missing without such a ticket)"),
        (FeatureNames.PageViewValue90d, "the sum of the values given on page_view events in the last 90 days, in the export's unit (seconds on page, say; missing for a customer none of whose page views before the as-of date has a value)"),
        (FeatureNames.PageViewValueMean90d, "the mean value of the page_view events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.EmailOpenValue90d, "the sum of the values given on email_open events in the last 90 days, in the export's unit (missing for a customer none of whose email opens before the as-of date has a value)"),
        (FeatureNames.EmailOpenValueMean90d, "the mean value of the email_open events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.EmailClickValue90d, "the sum of the values given on email_click events in the last 90 days, in the export's unit (missing for a customer none of whose email clicks before the as-of date has a value)"),
        (FeatureNames.EmailClickValueMean90d, "the mean value of the email_click events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.DownloadValue90d, "the sum of the values given on download events in the last 90 days, in the export's unit (missing for a customer none of whose downloads before the as-of date has a value)"),
        (FeatureNames.DownloadValueMean90d, "the mean value of the download events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.WebinarMinutes90d, "minutes of webinars attended in the last 90 days: the sum of the values given on webinar_attended events (missing for a customer none of whose webinars before the as-of date has a value)"),
        (FeatureNames.WebinarMinutesMean90d, "mean minutes per webinar attended: the mean value of the webinar_attended events of the last 90 days that give one (missing without such an event)"),
        (FeatureNames.CaseStudyViewValue90d, "the sum of the values given on case_study_view events in the last 90 days, in the export's unit (missing for a customer none of whose case-study views before the as-of date has a value)"),
        (FeatureNames.CaseStudyViewValueMean90d, "the mean value of the case_study_view events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.ComparisonPageViewValue90d, "the sum of the values given on comparison_page_view events in the last 90 days, in the export's unit (missing for a customer none of whose comparison-page views before the as-of date has a value)"),
        (FeatureNames.ComparisonPageViewValueMean90d, "the mean value of the comparison_page_view events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.PricingPageViewValue90d, "the sum of the values given on pricing_page_view events in the last 90 days, in the export's unit (missing for a customer none of whose pricing-page views before the as-of date has a value)"),
        (FeatureNames.PricingPageViewValueMean90d, "the mean value of the pricing_page_view events of the last 90 days that give one, in the export\'s unit (missing without such an event)"),
        (FeatureNames.Purchases90d, "purchases (orders; renewals and upgrades do not count) in the last 90 days (written only when the export holds repeat purchases)"),
        (FeatureNames.DaysSinceLastPurchase, "days since the last purchase (order) before the as-of date (missing when none; written only when the export holds repeat purchases)"),
        (FeatureNames.Plan, "the customer's plan"),
        (FeatureNames.Role, "the customer's buying-group role"),
        (FeatureNames.Region, "the customer's region"),
    ];
}
