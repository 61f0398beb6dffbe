using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>
/// Which reasons state the same fact. Most of them are the absence of something over a stretch of days before the as-of
/// date: "no login yet", "no login for 40 days", "0 logins in the last 7 days" and "no logins in the last 60 days" all say
/// the customer did not log in, over windows that nest. A reason is left out when another one of the same kind (or "no
/// activity", which holds every kind of event) already says it for a window at least as long.
/// </summary>
internal static class ReasonFacts
{
    /// <summary>What is absent, and over which days before the as-of date (0 = the as-of date; <see cref="Forever"/> = never).</summary>
    internal readonly record struct Absence(string Kind, float From, float To)
    {
        /// <summary>True when this absence says at least everything <paramref name="other"/> says.</summary>
        public bool Covers(Absence other) => (Kind == other.Kind || Kind == ActivityKind) && From <= other.From && To >= other.To;
    }

    private const float Forever = float.PositiveInfinity;
    private const string ActivityKind = "activity";

    private static readonly Dictionary<string, string> s_kinds = Kinds();

    private static Dictionary<string, string> Kinds()
    {
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string kind, params string[] features)
        {
            foreach (var f in features)
            {
                kinds[f] = kind;
            }
        }
        Add("login", FeatureNames.Logins7d, FeatureNames.Logins30d, FeatureNames.LoginsPrev30d, FeatureNames.Logins90d,
            FeatureNames.LoginRate90d, FeatureNames.LoginTrend, FeatureNames.DaysSinceLastLogin);
        Add(ActivityKind, FeatureNames.DaysSinceLastActivity, FeatureNames.ActiveDays30d, FeatureNames.ActiveDays90d);
        Add("support", FeatureNames.Tickets30d, FeatureNames.TicketsPrev30d, FeatureNames.Tickets90d, FeatureNames.TicketTrend,
            FeatureNames.Escalations90d);
        Add("usage", FeatureNames.UsageMinutes30d, FeatureNames.UsageMinutesPrev30d, FeatureNames.UsageMinutes90d, FeatureNames.UsageTrend);
        Add("content", FeatureNames.Content30d, FeatureNames.Content90d, FeatureNames.PageViews30d, FeatureNames.PageViews90d,
            FeatureNames.EmailOpens30d, FeatureNames.EmailOpens90d, FeatureNames.EmailClicks30d, FeatureNames.EmailClicks90d,
            FeatureNames.Downloads90d, FeatureNames.Webinars90d, FeatureNames.CaseStudyViews90d, FeatureNames.ComparisonViews90d,
            FeatureNames.PricingViews14d, FeatureNames.PricingViews90d);
        return kinds;
    }

    /// <summary>
    /// The absence a feature's value states for this customer, or null when it states something present (12 logins) or is
    /// of no kind above. <paramref name="value"/> reads a feature of the same row (NaN when missing).
    /// </summary>
    public static Absence? Of(string feature, Func<string, float> value)
    {
        if (!s_kinds.TryGetValue(feature, out var kind))
        {
            return null;
        }
        float v = value(feature);
        if (float.IsNaN(v) && IsTrend(feature))
        {
            // A missing trend is too short a history, not an absence: the customer may well have logged in.
            return null;
        }
        return feature switch
        {
            // "no login for 40 days": nothing over the last 40; missing: never.
            FeatureNames.DaysSinceLastLogin or FeatureNames.DaysSinceLastActivity => new Absence(kind, 0, float.IsNaN(v) ? Forever : MathF.Floor(v)),
            // A trend reads both 30-day counts: absent when both are zero.
            FeatureNames.LoginTrend or FeatureNames.LoginsPrev30d => Both(kind, value(FeatureNames.Logins30d), value(FeatureNames.LoginsPrev30d)),
            FeatureNames.TicketTrend => Both(kind, value(FeatureNames.Tickets30d), value(FeatureNames.TicketsPrev30d)),
            FeatureNames.UsageTrend or FeatureNames.UsageMinutesPrev30d => Both(kind, value(FeatureNames.UsageMinutes30d), value(FeatureNames.UsageMinutesPrev30d)),
            // Missing history of a count: nothing recorded yet.
            _ when float.IsNaN(v) => new Absence(kind, 0, Forever),
            _ when v != 0 => null,
            FeatureNames.TicketsPrev30d => new Absence(kind, 30, 60),
            _ => new Absence(kind, 0, Window(feature)),
        };
    }

    /// <summary>The 30-day trends (missing with under 60 days of history).</summary>
    public static bool IsTrend(string feature) =>
        feature is FeatureNames.LoginTrend or FeatureNames.TicketTrend or FeatureNames.UsageTrend;

    private static Absence? Both(string kind, float now, float before) =>
        float.IsNaN(now) && float.IsNaN(before) ? new Absence(kind, 0, Forever)
        : now == 0 && before == 0 ? new Absence(kind, 0, 60) : null;

    private static float Window(string feature) =>
        feature.EndsWith("_7d", StringComparison.Ordinal) ? 7
        : feature.EndsWith("_14d", StringComparison.Ordinal) ? 14
        : feature.EndsWith("_30d", StringComparison.Ordinal) ? 30
        : 90;

    /// <summary>
    /// The candidates (strongest first) without those another candidate already says: an absence covered by a stronger one,
    /// or by a longer one of the same kind (the longer window is the more telling reason, whichever weighs more).
    /// </summary>
    public static List<T> WithoutRepeats<T>(IReadOnlyList<T> candidates, Func<T, Absence?> absence)
    {
        var absences = candidates.Select(absence).ToArray();
        var kept = new List<T>(candidates.Count);
        for (int i = 0; i < candidates.Count; i++)
        {
            if (absences[i] is not { } mine || !absences.Where((a, j) => j != i && a is { } other && other.Covers(mine)
                && (j < i || !mine.Covers(other))).Any())
            {
                kept.Add(candidates[i]);
            }
        }
        return kept;
    }
}
