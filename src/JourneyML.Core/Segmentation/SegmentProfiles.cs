using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Segmentation;

/// <summary>Describes each segment in numbers (means, z-scores, churn and conversion) and in words (a name and a sentence).</summary>
internal static partial class SegmentProfiles
{
    /// <summary>How far (standard deviations of the log scale) a feature must sit from the population to be named.</summary>
    private const double NameThreshold = 0.4;

    /// <summary>A segment whose members average fewer logins than this over 90 days is said to have none.</summary>
    private const double NoLogins = 0.5;

    /// <summary>
    /// How one feature is told: its family (the underlying signal: every login count, the login trend and the days since
    /// the last login are all about logins), the words for above and below the population, and a sentence template. A
    /// name says at most one thing per family, so it never reads "falling logins, high logins".
    /// </summary>
    private sealed record Wording(string Concept, string High, string Low, string Template);

    // Words a marketer uses for each behaviour; features of one family give one phrase.
    private static readonly Dictionary<string, Wording> s_wording = new(StringComparer.OrdinalIgnoreCase)
    {
        [FeatureNames.Logins7d] = new("logins", "high logins", "low logins", "{0} logins in 7 days (population {1})"),
        [FeatureNames.Logins30d] = new("logins", "high logins", "low logins", "{0} logins in 30 days (population {1})"),
        [FeatureNames.LoginsPrev30d] = new("logins", "high logins", "low logins", "{0} logins in the 30 days before the last 30 (population {1})"),
        [FeatureNames.Logins90d] = new("logins", "high logins", "low logins", "{0} logins in 90 days (population {1})"),
        [FeatureNames.LoginRate90d] = new("logins", "high logins", "low logins", "{0} logins a week (population {1})"),
        [FeatureNames.ActiveDays30d] = new("activity", "active most days", "rarely active", "active {0} of the last 30 days (population {1})"),
        [FeatureNames.ActiveDays90d] = new("activity", "active most days", "rarely active", "active {0} of the last 90 days (population {1})"),
        [FeatureNames.LoginTrend] = new("logins", "rising logins", "falling logins", "logins in the last 30 days at {0} of the 30 before (population {1})"),
        [FeatureNames.DaysSinceLastLogin] = new("logins", "long since last login", "logged in lately", "{0} days since the last login (population {1})"),
        [FeatureNames.DaysSinceLastActivity] = new("activity", "long inactive", "recently active", "{0} days since the last activity (population {1})"),
        [FeatureNames.Tickets30d] = new("tickets", "many tickets", "few tickets", "{0} tickets in 30 days (population {1})"),
        [FeatureNames.TicketsPrev30d] = new("tickets", "many tickets", "few tickets", "{0} tickets in the 30 days before the last 30 (population {1})"),
        [FeatureNames.Tickets90d] = new("tickets", "many tickets", "few tickets", "{0} tickets in 90 days (population {1})"),
        [FeatureNames.Escalations90d] = new("tickets", "escalated tickets", "few tickets", "{0} escalations in 90 days (population {1})"),
        [FeatureNames.TicketTrend] = new("tickets", "rising tickets", "falling tickets", "tickets in the last 30 days at {0} of the 30 before (population {1})"),
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

    /// <summary>A level of a categorical column is named only when most of the segment has it.</summary>
    private const double LevelMajority = 0.5;

    /// <summary>One thing a name or description could say about a segment, with how strongly the segment shows it.</summary>
    /// <param name="Family">The underlying signal: at most one phrase per family in a name.</param>
    /// <param name="Ours">Whether the phrase starts with JourneyML's own words (which may be capitalised), not a user's column name.</param>
    /// <param name="SentenceOurs">Likewise for the sentence that describes it.</param>
    /// <param name="PhraseJa">The same phrase in Japanese.</param>
    private sealed record Trait(string Family, string Phrase, double Strength, bool Ours, string Sentence, bool SentenceOurs, string PhraseJa);

    public static IReadOnlyList<SegmentProfile> Build(FeatureTable table, SegmentationModel model, int[] labels, int[] sizes, IReadOnlyList<int> newSegments)
    {
        int k = sizes.Length, n = table.RowCount;
        var numeric = table.Columns.OfType<NumericColumn>().ToList();
        var (means, population) = Means(numeric, labels, k, n);
        var levels = LevelShares(table, model, labels, k);

        var churn = LabelRates(table, LabelNames.Churn, labels, k);
        var conversion = LabelRates(table, LabelNames.Conversion, labels, k);
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var profiles = new List<SegmentProfile>();
        // Names are given largest segment first, so the biggest group gets the shortest name when two would clash.
        foreach (int c in Enumerable.Range(0, k).OrderByDescending(c => sizes[c]).ThenBy(c => c))
        {
            var stats = numeric.Select((column, f) => new FeatureStat(column.Name, means[c][f], population[f].Mean,
                population[f].Std > 0 && !double.IsNaN(means[c][f]) ? (means[c][f] - population[f].Mean) / population[f].Std : 0)).ToList();
            stats.AddRange(levels.Select(l => l.Stat(c)));
            var distinguishing = stats.OrderByDescending(s => Math.Abs(s.ZScore)).ThenBy(s => s.Feature, StringComparer.Ordinal)
                .Take(3).Select(s => s.Feature).ToList();
            var byName = stats.ToDictionary(s => s.Feature, StringComparer.OrdinalIgnoreCase);
            // Is this segment the highest (or lowest) of all on each numeric feature? Then "regular" would undersell it.
            var rank = numeric.Select((column, f) => (column.Name, Highest: IsExtreme(means, c, f, highest: true))).ToDictionary(x => x.Name, x => x.Highest, StringComparer.OrdinalIgnoreCase);
            var traits = Traits(model, c, byName, rank, levels);
            var (name, nameJa) = UniqueName(traits, usedNames);
            string description = Describe(traits, churn[c], conversion[c]);
            int id = model.SegmentIds[c];
            profiles.Add(new SegmentProfile(id, name, description, sizes[c], sizes[c] / (double)n, stats, churn[c], conversion[c],
                distinguishing, newSegments.Contains(id)) { NameJapanese = nameJa });
        }
        return profiles.OrderBy(p => p.SegmentId).ToList();
    }

    /// <summary>Each segment's mean of every numeric feature, and the population's mean and deviation (missing values left out).</summary>
    private static (double[][] Means, (double Mean, double Std)[] Population) Means(List<NumericColumn> numeric, int[] labels, int k, int n)
    {
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
        return (means, population);
    }

    private static bool IsExtreme(double[][] means, int c, int f, bool highest)
    {
        double mine = means[c][f];
        if (double.IsNaN(mine))
        {
            return false;
        }
        for (int other = 0; other < means.Length; other++)
        {
            double theirs = means[other][f];
            if (other != c && !double.IsNaN(theirs) && (highest ? theirs > mine : theirs < mine))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A categorical column's level in the segmentation: its share in each segment and in the population.</summary>
    private sealed record LevelShare(string Column, string Level, double[] Shares, double Population)
    {
        public string Feature => $"{Column} = {Level}";

        public FeatureStat Stat(int c)
        {
            double sd = Math.Sqrt(Population * (1 - Population));
            return new FeatureStat(Feature, Shares[c], Population, sd > 0 && !double.IsNaN(Shares[c]) ? (Shares[c] - Population) / sd : 0);
        }
    }

    private static List<LevelShare> LevelShares(FeatureTable table, SegmentationModel model, int[] labels, int k)
    {
        var result = new List<LevelShare>();
        foreach (var scale in model.Scales.Where(s => s.Level is not null))
        {
            var values = table.Categories(scale.Name);
            var hits = new double[k];
            var present = new double[k];
            double allHits = 0, allPresent = 0;
            for (int r = 0; r < values.Length; r++)
            {
                if (values[r] is null)
                {
                    continue;
                }
                bool hit = string.Equals(values[r], scale.Level, StringComparison.Ordinal);
                present[labels[r]]++;
                allPresent++;
                if (hit)
                {
                    hits[labels[r]]++;
                    allHits++;
                }
            }
            result.Add(new LevelShare(scale.Name, scale.Level!, [.. hits.Zip(present, (h, p) => p > 0 ? h / p : double.NaN)],
                allPresent > 0 ? allHits / allPresent : double.NaN));
        }
        return result;
    }

    /// <summary>
    /// What sets segment <paramref name="c"/> apart, strongest first. A numeric feature counts when the segment's centroid
    /// (on the model's log-standardised scale) and its plain mean lie on the same side of the population: when the two
    /// disagree (a skewed column), the segment is neither clearly high nor low on it. A level counts when most of the
    /// segment has it and clearly more than the population.
    /// </summary>
    private static List<Trait> Traits(SegmentationModel model, int c, Dictionary<string, FeatureStat> stats, Dictionary<string, bool> highest, List<LevelShare> levels)
    {
        var traits = new List<Trait>();
        for (int j = 0; j < model.Scales.Count; j++)
        {
            var scale = model.Scales[j];
            if (scale.Level is not null || !stats.TryGetValue(scale.Name, out var stat))
            {
                continue;
            }
            double z = model.Centroids[c][j];
            if (Math.Abs(z) < NameThreshold || Math.Sign(z) != Math.Sign(stat.ZScore))
            {
                continue;
            }
            traits.Add(NumericTrait(scale.Name, z, stat, highest.GetValueOrDefault(scale.Name), stats));
        }
        foreach (var level in levels)
        {
            var stat = level.Stat(c);
            if (stat.Mean >= LevelMajority && stat.ZScore >= NameThreshold)
            {
                traits.Add(new Trait(level.Column, $"{level.Column}: {level.Level}", stat.ZScore, Ours: false,
                    string.Create(CultureInfo.InvariantCulture, $"{Percent(stat.Mean)} {level.Column}: {level.Level} (population {Percent(stat.PopulationMean)})"), SentenceOurs: false,
                    LevelJa(level.Column, level.Level)));
            }
        }
        return [.. traits.OrderByDescending(t => t.Strength).ThenBy(t => t.Phrase, StringComparer.Ordinal)];
    }

    private static Trait NumericTrait(string feature, double z, FeatureStat stat, bool highest, Dictionary<string, FeatureStat> stats)
    {
        var known = s_wording.GetValueOrDefault(feature);
        // A column of the user's own keeps its own spelling: "high Annual Income", "low 月額料金".
        var wording = known ?? new Wording(feature, "high " + feature, "low " + feature, feature + " {0} (population {1})");
        string phrase;
        bool noLogins = wording.Concept == "logins" && z < 0 && stats.TryGetValue(FeatureNames.Logins90d, out var logins) && logins.Mean < NoLogins;
        // Between the population and the top, "high" would oversell: moderate users are not heavy users. The segment
        // highest of all on it is never "regular", however close to the population it sits.
        bool regular = z > 0 && z < 1 && !highest && wording.High.StartsWith("high ", StringComparison.Ordinal);
        if (noLogins)
        {
            phrase = "no logins";
        }
        else if (z > 0)
        {
            phrase = regular ? "regular " + wording.High[5..] : wording.High;
        }
        else
        {
            phrase = wording.Low;
        }
        // Trends are log2 ratios; their mean reads best as a percentage of the earlier level.
        bool trend = known is not null && feature.EndsWith("_trend", StringComparison.OrdinalIgnoreCase);
        string sentence = trend
            ? string.Format(CultureInfo.InvariantCulture, wording.Template, Percent(Math.Pow(2, stat.Mean)), Percent(Math.Pow(2, stat.PopulationMean)))
            : string.Format(CultureInfo.InvariantCulture, wording.Template, Number(stat.Mean), Number(stat.PopulationMean));
        return new Trait(wording.Concept, phrase, Math.Abs(z), Ours: true, sentence, SentenceOurs: known is not null, PhraseJa(feature, z, regular, noLogins));
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

    /// <summary>One phrase per family, strongest first.</summary>
    private static List<Trait> Phrases(List<Trait> traits)
    {
        var families = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return [.. traits.Where(t => families.Add(t.Family))];
    }

    /// <summary>The name in English and in Japanese: the English names decide how many phrases (and which suffix) tell the segments apart, and the Japanese name says the same.</summary>
    private static (string Name, string Japanese) UniqueName(List<Trait> traits, HashSet<string> used)
    {
        var phrases = Phrases(traits);
        if (phrases.Count == 0)
        {
            phrases.Add(new Trait("", "typical behaviour", 0, Ours: true, "", SentenceOurs: true, TypicalJa));
        }
        // Two phrases read as a name; a third only when needed to tell two segments apart.
        for (int count = Math.Min(2, phrases.Count); count <= phrases.Count; count++)
        {
            string candidate = Join(phrases.Take(count));
            if (used.Add(candidate))
            {
                return (candidate, JoinJa(phrases.Take(count)));
            }
        }
        string baseName = Join(phrases);
        string baseJa = JoinJa(phrases);
        string[] suffixes = ["second group", "third group", "fourth group", "fifth group", "sixth group"];
        for (int i = 0; i < suffixes.Length; i++)
        {
            string candidate = $"{baseName}, {suffixes[i]}";
            if (used.Add(candidate))
            {
                return (candidate, baseJa + SuffixJa(i + 2));
            }
        }
        string last = $"{baseName}, another group {used.Count}";
        string lastJa = $"{baseJa}（別グループ{used.Count}）";
        used.Add(last);
        return (last, lastJa);
    }

    /// <summary>The phrases as a name; capitalised only when it starts with JourneyML's words, never a user's column name.</summary>
    private static string Join(IEnumerable<Trait> phrases)
    {
        var list = phrases.ToList();
        string text = string.Join(", ", list.Select(p => p.Phrase));
        return list.Count > 0 && list[0].Ours ? Capitalise(text) : text;
    }

    private static string Describe(List<Trait> traits, double? churn, double? conversion)
    {
        var phrases = Phrases(traits).Take(2).ToList();
        var parts = phrases.Count == 0 ? ["close to the population on every feature"] : phrases.Select(t => t.Sentence).ToList();
        if (churn is { } c)
        {
            parts.Add("churn " + Percent(c));
        }
        if (conversion is { } v)
        {
            parts.Add("conversion " + Percent(v));
        }
        string text = string.Join("; ", parts) + ".";
        return phrases.Count == 0 || phrases[0].SentenceOurs ? Capitalise(text) : text;
    }

    private static string Percent(double value) => double.IsNaN(value) ? "unknown" : (value * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";

    private static string Number(double value) => double.IsNaN(value)
        ? "unknown"
        : Math.Abs(value) >= 10 ? value.ToString("F0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
