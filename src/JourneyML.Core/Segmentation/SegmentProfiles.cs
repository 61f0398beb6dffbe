using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Segmentation;

/// <summary>Describes each segment in numbers (means, z-scores, churn and conversion) and in words (a name and a sentence).</summary>
internal static class SegmentProfiles
{
    /// <summary>How far (standard deviations of the log scale) a feature must sit from the population to be named.</summary>
    private const double NameThreshold = 0.4;

    /// <summary>A segment whose members average fewer logins than this over 90 days is said to have none.</summary>
    private const double NoLogins = 0.5;

    private sealed record Wording(string Concept, string High, string Low, string Template);

    // Words a marketer uses for each behaviour; features of one concept (for example every login count) give one phrase.
    private static readonly Dictionary<string, Wording> s_wording = new(StringComparer.OrdinalIgnoreCase)
    {
        [FeatureNames.Logins7d] = new("logins", "high logins", "low logins", "{0} logins in 7 days (population {1})"),
        [FeatureNames.Logins30d] = new("logins", "high logins", "low logins", "{0} logins in 30 days (population {1})"),
        [FeatureNames.LoginsPrev30d] = new("logins", "high logins", "low logins", "{0} logins in the 30 days before the last 30 (population {1})"),
        [FeatureNames.Logins90d] = new("logins", "high logins", "low logins", "{0} logins in 90 days (population {1})"),
        [FeatureNames.LoginRate90d] = new("logins", "high logins", "low logins", "{0} logins a week (population {1})"),
        [FeatureNames.ActiveDays30d] = new("activity", "active most days", "rarely active", "active {0} of the last 30 days (population {1})"),
        [FeatureNames.ActiveDays90d] = new("activity", "active most days", "rarely active", "active {0} of the last 90 days (population {1})"),
        [FeatureNames.LoginTrend] = new("login trend", "rising logins", "falling logins", "logins in the last 30 days at {0} of the 30 before (population {1})"),
        [FeatureNames.DaysSinceLastLogin] = new("recency", "long since last login", "logged in lately", "{0} days since the last login (population {1})"),
        [FeatureNames.DaysSinceLastActivity] = new("recency", "long inactive", "recently active", "{0} days since the last activity (population {1})"),
        [FeatureNames.Tickets30d] = new("tickets", "many tickets", "few tickets", "{0} tickets in 30 days (population {1})"),
        [FeatureNames.TicketsPrev30d] = new("tickets", "many tickets", "few tickets", "{0} tickets in the 30 days before the last 30 (population {1})"),
        [FeatureNames.Tickets90d] = new("tickets", "many tickets", "few tickets", "{0} tickets in 90 days (population {1})"),
        [FeatureNames.Escalations90d] = new("tickets", "escalated tickets", "few tickets", "{0} escalations in 90 days (population {1})"),
        [FeatureNames.TicketTrend] = new("ticket trend", "rising tickets", "falling tickets", "tickets in the last 30 days at {0} of the 30 before (population {1})"),
        [FeatureNames.Content30d] = new("content", "heavy content readers", "little content", "{0} content engagements in 30 days (population {1})"),
        [FeatureNames.Content90d] = new("content", "heavy content readers", "little content", "{0} content engagements in 90 days (population {1})"),
        [FeatureNames.PageViews30d] = new("content", "heavy content readers", "little content", "{0} page views in 30 days (population {1})"),
        [FeatureNames.PageViews90d] = new("content", "heavy content readers", "little content", "{0} page views in 90 days (population {1})"),
        [FeatureNames.EmailOpens30d] = new("email", "email readers", "ignore email", "{0} email opens in 30 days (population {1})"),
        [FeatureNames.EmailOpens90d] = new("email", "email readers", "ignore email", "{0} email opens in 90 days (population {1})"),
        [FeatureNames.EmailClicks30d] = new("email", "email clickers", "ignore email", "{0} email clicks in 30 days (population {1})"),
        [FeatureNames.EmailClicks90d] = new("email", "email clickers", "ignore email", "{0} email clicks in 90 days (population {1})"),
        [FeatureNames.Downloads90d] = new("downloads", "downloaders", "no downloads", "{0} downloads in 90 days (population {1})"),
        [FeatureNames.Webinars90d] = new("webinars", "webinar attendees", "no webinars", "{0} webinars in 90 days (population {1})"),
        [FeatureNames.CaseStudyViews90d] = new("research", "reading case studies", "little research", "{0} case-study views in 90 days (population {1})"),
        [FeatureNames.ComparisonViews90d] = new("research", "comparing vendors", "little research", "{0} comparison-page views in 90 days (population {1})"),
        [FeatureNames.PricingViews14d] = new("pricing", "pricing-page visitors", "rarely on pricing", "{0} pricing-page views in 14 days (population {1})"),
        [FeatureNames.PricingViews90d] = new("pricing", "pricing-page visitors", "rarely on pricing", "{0} pricing-page views in 90 days (population {1})"),
        [FeatureNames.SalesTouches90d] = new("sales", "talking to sales", "no sales contact", "{0} sales touches in 90 days (population {1})"),
        [FeatureNames.TenureDays] = new("tenure", "long-standing", "recently signed up", "{0} days since sign-up (population {1})"),
        [FeatureNames.IsCustomer] = new("status", "paying customers", "leads", "{0} paying customers (population {1})"),
    };

    public static IReadOnlyList<SegmentProfile> Build(FeatureTable table, SegmentationModel model, int[] labels, int[] sizes, IReadOnlyList<int> newSegments)
    {
        int k = sizes.Length, n = table.RowCount;
        var numeric = table.Columns.OfType<NumericColumn>().ToList();
        var means = new double[k][];
        var population = new (double Mean, double Std)[numeric.Count];
        for (int c = 0; c < k; c++)
        {
            means[c] = new double[numeric.Count];
        }
        Parallel.For(0, numeric.Count, f =>
        {
            var values = numeric[f].Values;
            var sum = new double[k];
            var count = new long[k];
            double total = 0, totalSquares = 0;
            long totalCount = 0;
            for (int r = 0; r < n; r++)
            {
                float v = values[r];
                if (float.IsNaN(v))
                {
                    continue;
                }
                sum[labels[r]] += v;
                count[labels[r]]++;
                total += v;
                totalSquares += (double)v * v;
                totalCount++;
            }
            double mean = totalCount > 0 ? total / totalCount : double.NaN;
            population[f] = (mean, totalCount > 0 ? Math.Sqrt(Math.Max(0, totalSquares / totalCount - mean * mean)) : double.NaN);
            for (int c = 0; c < k; c++)
            {
                means[c][f] = count[c] > 0 ? sum[c] / count[c] : double.NaN;
            }
        });

        var churn = LabelRates(table, LabelNames.Churn, labels, k);
        var conversion = LabelRates(table, LabelNames.Conversion, labels, k);
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var profiles = new List<SegmentProfile>();
        // Names are given largest segment first, so the biggest group gets the shortest name when two would clash.
        foreach (int c in Enumerable.Range(0, k).OrderByDescending(c => sizes[c]).ThenBy(c => c))
        {
            var stats = numeric.Select((column, f) => new FeatureStat(column.Name, means[c][f], population[f].Mean,
                population[f].Std > 0 && !double.IsNaN(means[c][f]) ? (means[c][f] - population[f].Mean) / population[f].Std : 0)).ToList();
            var distinguishing = stats.OrderByDescending(s => Math.Abs(s.ZScore)).ThenBy(s => s.Feature, StringComparer.Ordinal)
                .Take(3).Select(s => s.Feature).ToList();
            // The centroid is the segment's position on the robust (log, standardised) scale of the model's own features.
            var centroid = model.Scales.Select((s, j) => (s.Name, Z: (double)model.Centroids[c][j])).OrderByDescending(p => Math.Abs(p.Z)).ToList();
            var byName = stats.ToDictionary(s => s.Feature, StringComparer.OrdinalIgnoreCase);
            string name = UniqueName(centroid, byName, usedNames);
            string description = Describe(centroid, byName, churn[c], conversion[c]);
            int id = model.SegmentIds[c];
            profiles.Add(new SegmentProfile(id, name, description, sizes[c], sizes[c] / (double)n, stats, churn[c], conversion[c],
                distinguishing, newSegments.Contains(id)));
        }
        return profiles.OrderBy(p => p.SegmentId).ToList();
    }

    private static double?[] LabelRates(FeatureTable table, string label, int[] labels, int k)
    {
        var rates = new double?[k];
        if (!table.Labels.TryGetValue(label, out var values))
        {
            return rates;
        }
        var sum = new double[k];
        var count = new long[k];
        for (int r = 0; r < values.Length; r++)
        {
            if (!float.IsNaN(values[r]))
            {
                sum[labels[r]] += values[r];
                count[labels[r]]++;
            }
        }
        for (int c = 0; c < k; c++)
        {
            rates[c] = count[c] > 0 ? sum[c] / count[c] : null;
        }
        return rates;
    }

    private static IEnumerable<string> Phrases(List<(string Name, double Z)> centroid, Dictionary<string, FeatureStat> stats)
    {
        var concepts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (feature, z) in centroid)
        {
            if (Math.Abs(z) < NameThreshold)
            {
                yield break;
            }
            var wording = s_wording.GetValueOrDefault(feature) ?? new Wording(feature, "high " + Words(feature), "low " + Words(feature), "");
            if (!concepts.Add(wording.Concept))
            {
                continue;
            }
            if (wording.Concept == "logins" && z < 0 && stats.TryGetValue(FeatureNames.Logins90d, out var logins) && logins.Mean < NoLogins)
            {
                yield return "no logins";
                continue;
            }
            // Between the population and the top, "high" would oversell: moderate users are not heavy users.
            yield return z > 0 ? (z < 1 && wording.High.StartsWith("high ", StringComparison.Ordinal) ? "regular " + wording.High[5..] : wording.High) : wording.Low;
        }
    }

    private static string UniqueName(List<(string Name, double Z)> centroid, Dictionary<string, FeatureStat> stats, HashSet<string> used)
    {
        var phrases = Phrases(centroid, stats).ToList();
        if (phrases.Count == 0)
        {
            phrases.Add("typical behaviour");
        }
        // Two phrases read as a name; a third only when needed to tell two segments apart.
        for (int count = Math.Min(2, phrases.Count); count <= phrases.Count; count++)
        {
            string candidate = Capitalise(string.Join(", ", phrases.Take(count)));
            if (used.Add(candidate))
            {
                return candidate;
            }
        }
        string baseName = Capitalise(string.Join(", ", phrases));
        foreach (string suffix in new[] { "second group", "third group", "fourth group", "fifth group", "sixth group" })
        {
            string candidate = $"{baseName}, {suffix}";
            if (used.Add(candidate))
            {
                return candidate;
            }
        }
        string last = $"{baseName}, another group {used.Count}";
        used.Add(last);
        return last;
    }

    private static string Describe(List<(string Name, double Z)> centroid, Dictionary<string, FeatureStat> stats, double? churn, double? conversion)
    {
        var parts = new List<string>();
        foreach (var (feature, _) in centroid.Take(2))
        {
            var stat = stats[feature];
            string template = s_wording.GetValueOrDefault(feature)?.Template is { Length: > 0 } t ? t : Words(feature) + " {0} (population {1})";
            // Trends are log2 ratios; their mean reads best as a percentage of the earlier level.
            bool trend = feature.EndsWith("_trend", StringComparison.OrdinalIgnoreCase) && s_wording.ContainsKey(feature);
            parts.Add(trend
                ? string.Format(CultureInfo.InvariantCulture, template, Percent(Math.Pow(2, stat.Mean)), Percent(Math.Pow(2, stat.PopulationMean)))
                : string.Format(CultureInfo.InvariantCulture, template, Number(stat.Mean), Number(stat.PopulationMean)));
        }
        if (churn is { } c)
        {
            parts.Add("churn " + Percent(c));
        }
        if (conversion is { } v)
        {
            parts.Add("conversion " + Percent(v));
        }
        return Capitalise(string.Join("; ", parts)) + ".";
    }

    private static string Percent(double value) => double.IsNaN(value) ? "unknown" : (value * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";

    private static string Number(double value) => double.IsNaN(value)
        ? "unknown"
        : Math.Abs(value) >= 10 ? value.ToString("F0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Words(string feature) => feature.Replace('_', ' ').Replace('-', ' ').Trim();

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
