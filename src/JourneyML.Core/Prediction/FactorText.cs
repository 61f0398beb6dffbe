using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>One reason a customer is where they are on the list: the feature, its signed weight and the words for it.</summary>
public sealed record Factor(string Feature, float Contribution, string Text)
{
    /// <summary>The same reason in Japanese (<see cref="FactorText"/> writes both; null where only English was written).</summary>
    public string? Japanese { get; init; }

    /// <summary>The words in a language: Japanese when asked for and written, English otherwise.</summary>
    public string In(ReasonLanguage language) => language == ReasonLanguage.Japanese && Japanese is { } ja ? ja : Text;
}

/// <summary>The language reasons are written in (English unless a reader asks for Japanese).</summary>
public enum ReasonLanguage
{
    English,
    Japanese,
}

/// <summary>
/// Writes a customer's factors in business words from their own feature values ("logins down 62% against the
/// previous 30 days (16 → 6)", "4 support tickets in the last 30 days"), not feature names, each with the way it pushes
/// the score ("(raises churn risk)"). Missing history reads as such ("no login history yet (signed up 9 days ago)"),
/// never as "unknown", NaN or Infinity; a ready feature table's own columns read in their own names, as the user wrote
/// them ("monthly spend 120.5 (high)", "業種 is 小売").
/// </summary>
public static partial class FactorText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The strongest contributions in the given direction (positive: raises the score), described with that direction. A
    /// reason explains something: never a value every training customer with a value shared
    /// (<see cref="FeatureVectorizer.ConstantWhenPresent"/>), never a fact another, stronger or wider, reason already states
    /// ("0 logins in the last 7 days" beside "no login yet": <see cref="ReasonFacts"/>), never the same words twice.
    /// </summary>
    public static IReadOnlyList<Factor> Top(FeatureTable table, int row, FeatureVectorizer vectorizer, float[] contributions, int count,
        PredictionTask task, bool raising = true, string? scoreWords = null) =>
        Top(table, row, vectorizer.Features, contributions, count, task, raising, scoreWords, vectorizer.ConstantWhenPresent);

    /// <summary>The same for contributions over <paramref name="features"/>, with the features whose present value was constant in training.</summary>
    public static IReadOnlyList<Factor> Top(FeatureTable table, int row, IReadOnlyList<string> features, float[] contributions, int count,
        PredictionTask task, bool raising = true, string? scoreWords = null, IReadOnlySet<string>? constantWhenPresent = null) =>
        Ranked(table, row, features, contributions, count, raising, constantWhenPresent,
            $" ({(raising ? "raises" : "lowers")} {scoreWords ?? ScoreWords(task)})", JapaneseDirection(task, raising, scoreWords));

    /// <summary>The strongest contributions one way, each described with the given direction words (English and Japanese).</summary>
    private static IReadOnlyList<Factor> Ranked(FeatureTable table, int row, IReadOnlyList<string> features, float[] contributions, int count,
        bool raising, IReadOnlySet<string>? constantWhenPresent, string direction, string japaneseDirection)
    {
        var candidates = contributions.Select((c, i) => (c, i))
            .Where(x => raising ? x.c > 1e-6f : x.c < -1e-6f)
            .Where(x => !AccountOfOne(table, row, features[x.i]) && !SharedByAll(table, row, constantWhenPresent, features[x.i]))
            .OrderByDescending(x => raising ? x.c : -x.c)
            .ToList();
        // Related features (a count and its trend) can read the same: keep each text once, with the larger weight.
        return [.. ReasonFacts.WithoutRepeats(candidates, x => ReasonFacts.Of(features[x.i], f => Value(table, row, f)))
            .Select(x => new Factor(features[x.i], x.c, Describe(table, row, features[x.i]) + direction)
            {
                Japanese = DescribeJapanese(table, row, features[x.i]) + japaneseDirection,
            })
            .DistinctBy(f => f.Text)
            .Take(count)];
    }

    /// <summary>A value every training customer who had one shared: only its absence told them apart, so a present one is no reason.</summary>
    private static bool SharedByAll(FeatureTable table, int row, IReadOnlySet<string>? constantWhenPresent, string feature) =>
        constantWhenPresent?.Contains(feature) == true
        && (table.CategoriesOrNull(feature) is { } categories ? !string.IsNullOrEmpty(categories[row]) : !float.IsNaN(Value(table, row, feature)));

    /// <summary>What the task's score is called in a reason: "churn risk", "lead score".</summary>
    public static string ScoreWords(PredictionTask task) => task == PredictionTask.Churn ? "churn risk" : "lead score";

    /// <summary>The feature's value for this customer in words, without a direction.</summary>
    public static string Describe(FeatureTable table, int row, string feature)
    {
        float value = Value(table, row, feature);
        return MissingPhrase(table, row, feature, value)
            ?? InterventionPhrase(feature, value)
            ?? LoginPhrase(table, row, feature, value)
            ?? SupportPhrase(table, row, feature, value)
            ?? ValuePhrase(table, row, feature, value)
            ?? EngagementPhrase(feature, value)
            ?? AccountPhrase(table, row, feature, value)
            ?? LifecyclePhrase(feature, value)
            ?? AttributePhrase(table, row, feature, value)
            ?? CategoryPhrase(table, row, feature)
            ?? OwnColumnPhrase(table, feature, value);
    }

    /// <summary>
    /// A behaviour feature with no value: the customer has no history of it before the as-of date (too new, or never
    /// did it). Said so, with how long ago they signed up, instead of "unknown". Null when the value is known, or for
    /// the features whose own phrase says what missing means (days as a customer, minutes and other event values).
    /// </summary>
    private static string? MissingPhrase(FeatureTable table, int row, string feature, float value)
    {
        if (!float.IsNaN(value) || table.CategoriesOrNull(feature) is not null || table.Find(feature) is { } c && AttributeFeature.IsAttribute(c)
            || feature is FeatureNames.DaysAsCustomer or FeatureNames.TicketSeverityMax90d or FeatureNames.TicketSeverityMean90d
                or FeatureNames.WebinarMinutes90d or FeatureNames.WebinarMinutesMean90d
            || FeatureNames.ContentValues.Any(v => v.Name == feature || v.Mean == feature)
            || !s_catalogue.Contains(feature))
        {
            return null;
        }
        float history = Value(table, row, FeatureNames.HistoryDays);
        string what = feature switch
        {
            // A trend needs 60 days; a younger customer may well have logged in, so no "no history" here.
            _ when ReasonFacts.IsTrend(feature) && !(history >= 60) => "under 60 days of history, too soon for a 30-day trend",
            FeatureNames.DaysSinceLastLogin => "no login yet",
            FeatureNames.DaysSinceLastActivity => "no activity yet",
            FeatureNames.DaysSinceLastPurchase => "no purchase yet",
            _ when feature.Contains("login", StringComparison.Ordinal) => "no login history yet",
            _ when feature.Contains("ticket", StringComparison.Ordinal) || feature.Contains("escalation", StringComparison.Ordinal) => "no support-ticket history yet",
            _ when feature.Contains("usage", StringComparison.Ordinal) => "no usage recorded yet",
            _ when feature.StartsWith("account_", StringComparison.Ordinal) => "no account activity recorded yet",
            _ when feature.Contains("active", StringComparison.Ordinal) => "no activity history yet",
            _ => "no engagement history yet",
        };
        float tenure = Value(table, row, FeatureNames.TenureDays);
        return float.IsNaN(tenure) ? what + " before the as-of date"
            : tenure < 1 ? $"{what} (signed up within the last day)" : $"{what} (signed up {Plural(MathF.Floor(tenure), "day", "days")} ago)";
    }

    /// <summary>An intervention feature in words, with the kind as the export wrote it ("last 電話 12 days ago").</summary>
    private static string? InterventionPhrase(string feature, float value)
    {
        if (!InterventionFeatures.TryParse(feature, out var kind, out bool isCount))
        {
            return null;
        }
        if (float.IsNaN(value))
        {
            return isCount ? $"'{kind}' interventions not known" : $"no '{kind}' intervention before the as-of date";
        }
        return isCount
            ? $"{Plural(value, $"'{kind}' intervention", $"'{kind}' interventions")} in the last 90 days"
            : $"last '{kind}' intervention {Plural(MathF.Floor(value), "day", "days")} ago";
    }

    private static readonly HashSet<string> s_catalogue = new(FeatureNames.Definitions.Select(d => d.Name), StringComparer.Ordinal);

    /// <summary>A column with no phrase of its own (a ready feature table's): its name as the user wrote it, spaced where it is snake_case.</summary>
    private static string OwnColumnPhrase(FeatureTable table, string feature, float value)
    {
        string name = Spaced(feature);
        if (float.IsNaN(value))
        {
            return $"no {name} recorded";
        }
        var level = table.Find(feature) is NumericColumn numeric && Quartiles(numeric) is var (low, high)
            ? value < low ? " (low)" : value > high ? " (high)" : ""
            : "";
        return $"{name} {Number(value)}{level}";
    }

    /// <summary>"monthly_spend" reads "monthly spend"; any other name (MonthlyCharges, 業種) as written.</summary>
    private static string Spaced(string name) => name.Contains('_', StringComparison.Ordinal) ? name.Replace('_', ' ').Trim() : name;

    /// <summary>
    /// An account roll-up of a customer alone in their account says nothing an account does ("1 of 1 contacts in the
    /// account active"): the customer's own activity already says it. Never a reason.
    /// </summary>
    private static bool AccountOfOne(FeatureTable table, int row, string feature) =>
        FeatureNames.AccountRollups.Contains(feature) && Value(table, row, FeatureNames.AccountContacts) is var contacts && !(contacts > 1);

    /// <summary>Minutes of use (login values), ticket severity (ticket values) and content values; null for any other feature.</summary>
    private static string? ValuePhrase(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.UsageTrend or FeatureNames.UsageMinutesPrev30d =>
            Trend(Value(table, row, FeatureNames.UsageMinutes30d), Value(table, row, FeatureNames.UsageMinutesPrev30d), "minutes of use"),
        FeatureNames.UsageMinutes30d => float.IsNaN(value) ? "no minutes of use recorded" : $"{Plural(MathF.Round(value), "minute", "minutes")} of use in the last 30 days",
        FeatureNames.UsageMinutes90d => float.IsNaN(value) ? "no minutes of use recorded" : $"{Plural(MathF.Round(value), "minute", "minutes")} of use in the last 90 days",
        FeatureNames.TicketSeverityMax90d => float.IsNaN(value) ? "no ticket with a severity in the last 90 days" : $"tickets up to severity {Number(value)} in the last 90 days",
        FeatureNames.TicketSeverityMean90d => float.IsNaN(value) ? "no ticket with a severity in the last 90 days" : $"mean ticket severity {Number(value)} over the last 90 days",
        FeatureNames.WebinarMinutes90d => float.IsNaN(value) ? "no webinar minutes recorded" : $"{Plural(value, "webinar minute", "webinar minutes")} in the last 90 days",
        FeatureNames.WebinarMinutesMean90d => float.IsNaN(value) ? "no webinar minutes recorded in the last 90 days" : $"{Plural(value, "minute", "minutes")} per webinar attended on average in the last 90 days",
        _ => ContentValuePhrase(feature, value),
    };

    /// <summary>A content value in the export's own unit (unknown here): "page-view values summing to 340 in the last 90 days".</summary>
    private static string? ContentValuePhrase(string feature, float value)
    {
        foreach (var (kind, sum, mean) in FeatureNames.ContentValues)
        {
            if (feature != sum && feature != mean)
            {
                continue;
            }
            string what = kind.CanonicalName().Replace('_', '-');
            return float.IsNaN(value) ? $"no {what} values recorded in the last 90 days"
                : feature == sum ? $"{what} values summing to {Number(value)} in the last 90 days"
                : $"{what} values of {Number(value)} on average in the last 90 days";
        }
        return null;
    }

    /// <summary>
    /// A column of the customers table in its own name: "industry is retail", "seats 3 (low)" (low or high against the
    /// table's quartiles); null for any other feature.
    /// </summary>
    private static string? AttributePhrase(FeatureTable table, int row, string feature, float value)
    {
        var column = table.Find(feature);
        if (column is null || !AttributeFeature.IsAttribute(column))
        {
            return null;
        }
        if (column is CategoricalColumn categorical)
        {
            return categorical.Values[row] is { } category ? $"{Spaced(feature)} is {Spaced(category)}" : $"no {Spaced(feature)} recorded";
        }
        return OwnColumnPhrase(table, feature, value);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<float[], Tuple<float, float>> s_quartiles = [];

    /// <summary>The 25th and 75th percentiles of a column's present values, computed once per column (reasons are written row by row).</summary>
    private static (float Low, float High) Quartiles(NumericColumn column)
    {
        var q = s_quartiles.GetValue(column.Values, values =>
        {
            var present = values.Where(v => !float.IsNaN(v)).Select(v => (double)v).Order().ToArray();
            return present.Length == 0 ? Tuple.Create(float.NaN, float.NaN)
                : Tuple.Create((float)FeatureSummary.Quantile(present, 0.25), (float)FeatureSummary.Quantile(present, 0.75));
        });
        return (q.Item1, q.Item2);
    }

    /// <summary>A feature's value; NaN when absent or not finite (a 1e300 in an export is no number a reason can show).</summary>
    private static float Value(FeatureTable table, int row, string name) =>
        table.NumbersOrNull(name) is { } n && float.IsFinite(n[row]) ? n[row] : float.NaN;

    private static string Number(float v) => v.ToString(Math.Abs(v - MathF.Round(v)) < 1e-4 ? "0" : "0.#", Inv);

    private static string Plural(float v, string one, string many) => $"{Number(v)} {(Math.Abs(v - 1) < 1e-6 ? one : many)}";

    /// <summary>Logins, their trend, and how long since the last login or activity; null for any other feature.</summary>
    private static string? LoginPhrase(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.LoginTrend or FeatureNames.LoginsPrev30d =>
            Trend(Value(table, row, FeatureNames.Logins30d), Value(table, row, FeatureNames.LoginsPrev30d), "logins"),
        FeatureNames.Logins7d => $"{Plural(value, "login", "logins")} in the last 7 days",
        FeatureNames.Logins30d => $"{Plural(value, "login", "logins")} in the last 30 days{Before(Value(table, row, FeatureNames.LoginsPrev30d))}",
        FeatureNames.Logins90d => $"{Plural(value, "login", "logins")} in the last 90 days",
        FeatureNames.LoginRate90d => $"{Number(value)} logins a week over the last 90 days",
        FeatureNames.DaysSinceLastLogin => value < 1 ? "logged in within the last day" : $"no login for {Plural(MathF.Floor(value), "day", "days")}",
        FeatureNames.DaysSinceLastActivity => value < 1 ? "active within the last day" : $"no activity for {Plural(MathF.Floor(value), "day", "days")}",
        FeatureNames.ActiveDays30d => $"active on {Number(value)} of the last 30 days",
        FeatureNames.ActiveDays90d => $"active on {Number(value)} of the last 90 days",
        FeatureNames.DaysSinceLastPurchase => value < 1 ? "bought within the last day" : $"no purchase for {Plural(MathF.Floor(value), "day", "days")}",
        FeatureNames.Purchases90d => value == 0 ? "no purchase in the last 90 days" : $"{Plural(value, "purchase", "purchases")} in the last 90 days",
        _ => null,
    };

    private static string Before(float before) => float.IsNaN(before) ? "" : $" ({Number(before)} in the 30 before)";

    /// <summary>Support tickets, their trend and escalations; null for any other feature.</summary>
    private static string? SupportPhrase(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.TicketTrend => Trend(Value(table, row, FeatureNames.Tickets30d), Value(table, row, FeatureNames.TicketsPrev30d), "support tickets"),
        FeatureNames.TicketsPrev30d => $"{Plural(value, "support ticket", "support tickets")} in the 30 days before the last 30",
        FeatureNames.Tickets30d => $"{Plural(value, "support ticket", "support tickets")} in the last 30 days",
        FeatureNames.Tickets90d => $"{Plural(value, "support ticket", "support tickets")} in the last 90 days",
        FeatureNames.Escalations90d => $"{Plural(value, "escalated ticket", "escalated tickets")} in the last 90 days",
        _ => null,
    };

    /// <summary>Content, email, pricing and sales engagement; null for any other feature.</summary>
    private static string? EngagementPhrase(string feature, float value) => feature switch
    {
        FeatureNames.Content30d => value == 0 ? "no content engagement in the last 30 days" : $"{Plural(value, "content engagement", "content engagements")} in the last 30 days",
        FeatureNames.Content90d => value == 0 ? "no content engagement in the last 90 days" : $"{Plural(value, "content engagement", "content engagements")} in the last 90 days",
        FeatureNames.PageViews30d or FeatureNames.PageViews90d => $"{Plural(value, "page view", "page views")} in the last {Window(feature)} days",
        FeatureNames.EmailOpens30d or FeatureNames.EmailOpens90d => $"{Plural(value, "email opened", "emails opened")} in the last {Window(feature)} days",
        FeatureNames.EmailClicks30d or FeatureNames.EmailClicks90d => $"{Plural(value, "email click", "email clicks")} in the last {Window(feature)} days",
        FeatureNames.Downloads90d => $"{Plural(value, "download", "downloads")} (whitepapers, assets) in the last 90 days",
        FeatureNames.Webinars90d => value == 0 ? "no webinar attended in the last 90 days" : $"{Plural(value, "webinar", "webinars")} attended in the last 90 days",
        FeatureNames.CaseStudyViews90d => $"{Plural(value, "case-study view", "case-study views")} in the last 90 days",
        FeatureNames.ComparisonViews90d => $"{Plural(value, "comparison-page view", "comparison-page views")} in the last 90 days",
        FeatureNames.PricingViews14d => $"{Plural(value, "pricing-page view", "pricing-page views")} in the last 14 days",
        FeatureNames.PricingViews90d => $"{Plural(value, "pricing-page view", "pricing-page views")} in the last 90 days",
        FeatureNames.SalesTouches90d => $"{Plural(value, "sales touch", "sales touches")} (forms, meetings, opportunities) in the last 90 days",
        _ => null,
    };

    /// <summary>The account roll-ups; null for any other feature.</summary>
    private static string? AccountPhrase(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.AccountContacts => $"{Plural(value, "contact", "contacts")} in the account",
        FeatureNames.AccountEngagedContacts30d => Value(table, row, FeatureNames.AccountContacts) is var contacts && float.IsNaN(contacts)
            ? $"{Plural(value, "contact", "contacts")} in the account active in the last 30 days"
            : $"{Number(value)} of {Number(contacts)} contacts in the account active in the last 30 days",
        FeatureNames.AccountEngagedRoles30d => $"{Plural(value, "buying-group role", "buying-group roles")} active in the account in the last 30 days",
        FeatureNames.AccountDecisionMakerEngaged => value >= 0.5f ? "a decision-maker in the account is engaged" : "no decision-maker in the account engaged in the last 30 days",
        _ => null,
    };

    /// <summary>Tenure, history and whether the customer pays; null for any other feature.</summary>
    private static string? LifecyclePhrase(string feature, float value) => feature switch
    {
        FeatureNames.TenureDays => value < 1 ? "signed up within the last day" : $"signed up {Plural(MathF.Floor(value), "day", "days")} ago",
        FeatureNames.DaysAsCustomer => float.IsNaN(value) ? "not a paying customer yet" : value < 1 ? "became a paying customer within the last day" : $"paying customer for {Plural(MathF.Floor(value), "day", "days")}",
        FeatureNames.HistoryDays => value < 1 ? "less than a day of behaviour history" : $"{Plural(MathF.Floor(value), "day", "days")} of behaviour history",
        FeatureNames.IsNew => value >= 0.5f ? "new, signed up less than 30 days ago" : "past the first 30 days",
        FeatureNames.IsCustomer => value >= 0.5f ? "a paying customer" : "not a paying customer yet",
        FeatureNames.Reactivations => value >= 1 ? $"came back {Plural(value, "time", "times")} after cancelling" : "never cancelled and came back",
        _ => null,
    };

    /// <summary>A categorical feature's value in words; null when the feature is not categorical.</summary>
    private static string? CategoryPhrase(FeatureTable table, int row, string feature)
    {
        if (table.CategoriesOrNull(feature) is not { } categories)
        {
            return null;
        }
        var category = categories[row];
        return feature switch
        {
            FeatureNames.Plan => category is null ? "no plan recorded" : $"on the {Spaced(category)} plan",
            FeatureNames.Role => category is null ? "no role recorded" : $"in the role {Spaced(category)}",
            FeatureNames.Region => category is null ? "no region recorded" : $"in region {Code(category)}",
            _ => category is null ? $"no {Spaced(feature)} recorded" : $"{Spaced(feature)} is {Spaced(category)}",
        };
    }

    /// <summary>A short region code as it is meant ("emea" is EMEA); anything longer (Europe, 関東) as written.</summary>
    private static string Code(string category) =>
        category.Length <= 5 && category.All(char.IsAsciiLetter) ? category.ToUpperInvariant() : category;

    /// <summary>"logins down 62% against the previous 30 days (16 → 6)".</summary>
    public static string Trend(float now, float before, string what)
    {
        string N(float v) => v.ToString("0", Inv);
        if (!float.IsFinite(now) || !float.IsFinite(before))
        {
            return $"no {what} history for a 60-day trend yet";
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
