namespace JourneyML.SampleData;

/// <summary>Latent daily event rates of one contact (expected events per day, before seasonality).</summary>
internal readonly record struct LatentRates(
    double Login,
    double Ticket,
    double PageView,
    double EmailOpen,
    double EmailClick,
    double Download,
    double Webinar,
    double CaseStudy,
    double Comparison,
    double Pricing)
{
    /// <summary>All content engagement except pricing-page views (DOMAIN.md "content engagement").</summary>
    public double Content => PageView + EmailOpen + EmailClick + Download + Webinar + CaseStudy + Comparison;

    public LatentRates Scale(double activity, SeededRandom rng, double sigma) => new(
        Login * activity * rng.LogNormalMultiplier(sigma),
        Ticket * activity * rng.LogNormalMultiplier(sigma),
        PageView * activity * rng.LogNormalMultiplier(sigma),
        EmailOpen * activity * rng.LogNormalMultiplier(sigma),
        EmailClick * activity * rng.LogNormalMultiplier(sigma),
        Download * activity * rng.LogNormalMultiplier(sigma),
        Webinar * activity * rng.LogNormalMultiplier(sigma),
        CaseStudy * activity * rng.LogNormalMultiplier(sigma),
        Comparison * activity * rng.LogNormalMultiplier(sigma),
        Pricing * activity * rng.LogNormalMultiplier(sigma));
}

/// <summary>
/// A planted behavioural segment: the latent rates its members share (each member gets lognormal noise on
/// top) and its offset in the churn model. Ids are stable: the ground truth files refer to them.
/// </summary>
internal sealed record BehaviourSegment(int Id, string Name, string Description, bool IsLead, LatentRates Rates, double ChurnOffset)
{
    public const int PowerUser = 0;
    public const int Steady = 1;
    public const int Declining = 2;
    public const int SupportHeavy = 3;
    public const int Dormant = 4;
    public const int Evaluator = 5;
    public const int Nurture = 6;

    /// <summary>How far logins of the declining segment fall over the 60 days before the reference as-of (fraction, drawn per contact).</summary>
    public const double DecliningFallMin = 0.90;
    public const double DecliningFallMax = 0.98;

    /// <summary>Ticket rate of the support-heavy segment at the reference as-of, against its level 60 days earlier.</summary>
    public const double SupportTicketRise = 2.5;

    /// <summary>Days before the reference as-of over which the declining and support-heavy trends unfold.</summary>
    public const double TrendDays = 60;

    /// <summary>Days before the reference as-of at which the declining segment's logins reach their floor.</summary>
    public const double DecliningFloorDays = 20;

    public static IReadOnlyList<BehaviourSegment> All { get; } =
    [
        new(PowerUser, "power_user", "Customers who log in most working days, with long sessions and steady content engagement; few tickets.", false,
            new(Login: 0.85, Ticket: 0.004, PageView: 0.03, EmailOpen: 0.025, EmailClick: 0.015, Download: 0.006, Webinar: 0.006, CaseStudy: 0.003, Comparison: 0.001, Pricing: 0.004),
            ChurnOffset: -3.55),
        new(Steady, "steady", "Customers with regular, moderate use (a login every few days) and no trend.", false,
            new(Login: 0.25, Ticket: 0.004, PageView: 0.015, EmailOpen: 0.02, EmailClick: 0.01, Download: 0.003, Webinar: 0.003, CaseStudy: 0.002, Comparison: 0.001, Pricing: 0.003),
            ChurnOffset: -3.0),
        new(Declining, "declining", "Customers who used the product heavily but whose logins fall 90-98% over the 60 days before the as-of date; little content engagement.", false,
            new(Login: 0.85, Ticket: 0.01, PageView: 0.008, EmailOpen: 0.015, EmailClick: 0.004, Download: 0.001, Webinar: 0.001, CaseStudy: 0.001, Comparison: 0.002, Pricing: 0.002),
            ChurnOffset: -2.3),
        new(SupportHeavy, "support_heavy", "Customers with moderate use and many support tickets, rising 2.5x over the 60 days before the as-of date.", false,
            new(Login: 0.3, Ticket: 0.1, PageView: 0.015, EmailOpen: 0.02, EmailClick: 0.008, Download: 0.002, Webinar: 0.002, CaseStudy: 0.001, Comparison: 0.001, Pricing: 0.003),
            ChurnOffset: -2.2),
        new(Dormant, "dormant", "Customers with almost no activity (a login a month or less), including contacts whose account already cancelled.", false,
            new(Login: 0.018, Ticket: 0.002, PageView: 0.004, EmailOpen: 0.02, EmailClick: 0.001, Download: 0, Webinar: 0, CaseStudy: 0, Comparison: 0, Pricing: 0.0005),
            ChurnOffset: -2.3),
        new(Evaluator, "evaluator", "Leads in an active evaluation: heavy content use, webinars, downloads and repeated pricing-page views; no product logins yet.", true,
            new(Login: 0, Ticket: 0, PageView: 0.25, EmailOpen: 0.14, EmailClick: 0.05, Download: 0.03, Webinar: 0.02, CaseStudy: 0.03, Comparison: 0.025, Pricing: 0.12),
            ChurnOffset: 0),
        new(Nurture, "nurture", "Leads in nurture: they open marketing emails and read the odd page, rarely look at pricing.", true,
            new(Login: 0, Ticket: 0, PageView: 0.04, EmailOpen: 0.07, EmailClick: 0.012, Download: 0.004, Webinar: 0.003, CaseStudy: 0.004, Comparison: 0.002, Pricing: 0.005),
            ChurnOffset: 0),
    ];
}
