using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>One reason a customer is where they are on the list: the feature, its signed weight and the words for it.</summary>
public sealed record Factor(string Feature, float Contribution, string Text);

/// <summary>
/// Writes a customer's factors in business words from their own feature values ("logins down 62% against the
/// previous 30 days (16 → 6)", "4 support tickets in the last 30 days"), not feature names. Features without a
/// phrase (a ready feature table's own columns) read as "name: value".
/// </summary>
public static class FactorText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The strongest contributions in the given direction (positive: raises the score), described.</summary>
    public static IReadOnlyList<Factor> Top(FeatureTable table, int row, IReadOnlyList<string> features, float[] contributions, int count, bool raising = true)
    {
        // Related features (a count and its trend) can read the same: keep each text once, with the larger weight.
        return [.. contributions.Select((c, i) => (c, i))
            .Where(x => raising ? x.c > 1e-6f : x.c < -1e-6f)
            .OrderByDescending(x => raising ? x.c : -x.c)
            .Select(x => new Factor(features[x.i], x.c, Describe(table, row, features[x.i])))
            .DistinctBy(f => f.Text)
            .Take(count)];
    }

    public static string Describe(FeatureTable table, int row, string feature)
    {
        float V(string name) => table.Find(name)?.Numbers is { } n ? n[row] : float.NaN;
        string N(float v) => float.IsNaN(v) ? "unknown" : v.ToString(Math.Abs(v - MathF.Round(v)) < 1e-4 ? "0" : "0.#", Inv);
        string Plural(float v, string one, string many) => $"{N(v)} {(Math.Abs(v - 1) < 1e-6 ? one : many)}";
        float value = V(feature);
        switch (feature)
        {
            case FeatureNames.LoginTrend:
            case FeatureNames.LoginsPrev30d:
                return Trend(V(FeatureNames.Logins30d), V(FeatureNames.LoginsPrev30d), "logins");
            case FeatureNames.TicketTrend:
                return Trend(V(FeatureNames.Tickets30d), V(FeatureNames.TicketsPrev30d), "support tickets");
            case FeatureNames.TicketsPrev30d:
                return $"{Plural(value, "support ticket", "support tickets")} in the 30 days before the last 30";
            case FeatureNames.Logins7d:
                return $"{Plural(value, "login", "logins")} in the last 7 days";
            case FeatureNames.Logins30d:
                return $"{Plural(value, "login", "logins")} in the last 30 days ({N(V(FeatureNames.LoginsPrev30d))} in the 30 before)";
            case FeatureNames.Logins90d:
                return $"{Plural(value, "login", "logins")} in the last 90 days";
            case FeatureNames.LoginRate90d:
                return $"{N(value)} logins a week over the last 90 days";
            case FeatureNames.DaysSinceLastLogin:
                return float.IsNaN(value) ? "has never logged in" : $"no login for {Plural(MathF.Floor(value), "day", "days")}";
            case FeatureNames.DaysSinceLastActivity:
                return float.IsNaN(value) ? "no activity recorded" : $"no activity for {Plural(MathF.Floor(value), "day", "days")}";
            case FeatureNames.ActiveDays30d:
                return $"active on {N(value)} of the last 30 days";
            case FeatureNames.ActiveDays90d:
                return $"active on {N(value)} of the last 90 days";
            case FeatureNames.Tickets30d:
                return $"{Plural(value, "support ticket", "support tickets")} in the last 30 days";
            case FeatureNames.Tickets90d:
                return $"{Plural(value, "support ticket", "support tickets")} in the last 90 days";
            case FeatureNames.Escalations90d:
                return $"{Plural(value, "escalated ticket", "escalated tickets")} in the last 90 days";
            case FeatureNames.Content30d:
                return value == 0 ? "no content engagement in the last 30 days" : $"{Plural(value, "content engagement", "content engagements")} in the last 30 days";
            case FeatureNames.Content90d:
                return value == 0 ? "no content engagement in the last 90 days" : $"{Plural(value, "content engagement", "content engagements")} in the last 90 days";
            case FeatureNames.PageViews30d:
            case FeatureNames.PageViews90d:
                return $"{Plural(value, "page view", "page views")} in the last {Window(feature)} days";
            case FeatureNames.EmailOpens30d:
            case FeatureNames.EmailOpens90d:
                return $"{Plural(value, "email opened", "emails opened")} in the last {Window(feature)} days";
            case FeatureNames.EmailClicks30d:
            case FeatureNames.EmailClicks90d:
                return $"{Plural(value, "email click", "email clicks")} in the last {Window(feature)} days";
            case FeatureNames.Downloads90d:
                return $"{Plural(value, "download", "downloads")} (whitepapers, assets) in the last 90 days";
            case FeatureNames.Webinars90d:
                return value == 0 ? "no webinar attended in the last 90 days" : $"{Plural(value, "webinar", "webinars")} attended in the last 90 days";
            case FeatureNames.CaseStudyViews90d:
                return $"{Plural(value, "case-study view", "case-study views")} in the last 90 days";
            case FeatureNames.ComparisonViews90d:
                return $"{Plural(value, "comparison-page view", "comparison-page views")} in the last 90 days";
            case FeatureNames.PricingViews14d:
                return $"{Plural(value, "pricing-page view", "pricing-page views")} in the last 14 days";
            case FeatureNames.PricingViews90d:
                return $"{Plural(value, "pricing-page view", "pricing-page views")} in the last 90 days";
            case FeatureNames.SalesTouches90d:
                return $"{Plural(value, "sales touch", "sales touches")} (forms, meetings, opportunities) in the last 90 days";
            case FeatureNames.AccountContacts:
                return $"{Plural(value, "contact", "contacts")} in the account";
            case FeatureNames.AccountEngagedContacts30d:
                return $"{N(value)} of {N(V(FeatureNames.AccountContacts))} contacts in the account active in the last 30 days";
            case FeatureNames.AccountEngagedRoles30d:
                return $"{Plural(value, "buying-group role", "buying-group roles")} active in the account in the last 30 days";
            case FeatureNames.AccountDecisionMakerEngaged:
                return value >= 0.5f ? "a decision-maker in the account is engaged" : "no decision-maker in the account engaged in the last 30 days";
            case FeatureNames.TenureDays:
                return $"signed up {N(MathF.Floor(value))} days ago";
            case FeatureNames.DaysAsCustomer:
                return float.IsNaN(value) ? "not a paying customer yet" : $"paying customer for {N(MathF.Floor(value))} days";
            case FeatureNames.HistoryDays:
                return $"{N(MathF.Floor(value))} days of behaviour history";
            case FeatureNames.IsNew:
                return value >= 0.5f ? "new: signed up less than 30 days ago" : "past the first 30 days";
            case FeatureNames.IsCustomer:
                return value >= 0.5f ? "a paying customer" : "not a paying customer yet";
        }
        if (table.Find(feature) is { Kind: FeatureKind.Categorical } categorical)
        {
            var category = categorical.Categories![row];
            return feature switch
            {
                FeatureNames.Plan => $"on the {category ?? "unknown"} plan",
                FeatureNames.Role => category is null ? "role unknown" : $"role: {category}",
                FeatureNames.Region => category is null ? "region unknown" : $"region: {category}",
                _ => $"{feature}: {category ?? "(missing)"}",
            };
        }
        return $"{feature}: {N(value)}";
    }

    /// <summary>"logins down 62% against the previous 30 days (16 → 6)".</summary>
    public static string Trend(float now, float before, string what)
    {
        string N(float v) => v.ToString("0", Inv);
        if (float.IsNaN(now) || float.IsNaN(before))
        {
            return $"{what}: trend unknown";
        }
        if (before == 0)
        {
            return now == 0 ? $"no {what} in the last 60 days" : $"{what} started: {N(now)} in the last 30 days, none in the 30 before";
        }
        double change = (now - before) / before;
        if (Math.Abs(change) < 0.05)
        {
            return $"{what} steady ({N(before)} → {N(now)} per 30 days)";
        }
        return $"{what} {(change < 0 ? "down" : "up")} {Math.Abs(change):0%} against the previous 30 days ({N(before)} → {N(now)})";
    }

    private static string Window(string feature) => feature.EndsWith("_30d", StringComparison.Ordinal) ? "30" : "90";
}
