using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Segmentation;

/// <summary>Segment names a marketer can read: never contradicting themselves, never underselling the top group, in the column's own spelling.</summary>
public sealed class SegmentNamingTests(ITestOutputHelper output)
{
    // The words a name can use about each underlying signal (the catalogue's features); one signal, one phrase.
    private static readonly Dictionary<string, string[]> s_familyWords = new()
    {
        ["logins"] = ["high logins", "regular logins", "low logins", "no logins", "rising logins", "falling logins", "long since last login", "logged in lately"],
        ["activity"] = ["active most days", "rarely active", "long inactive", "recently active"],
        ["tickets"] = ["many tickets", "few tickets", "escalated tickets", "rising tickets", "falling tickets"],
    };

    private static readonly string[] s_catalogue =
        [FeatureNames.Logins30d, FeatureNames.Logins90d, FeatureNames.LoginTrend, FeatureNames.DaysSinceLastLogin, FeatureNames.ActiveDays90d,
         FeatureNames.DaysSinceLastActivity, FeatureNames.Tickets90d, FeatureNames.TicketTrend];

    private static readonly string[] s_userColumns = ["Annual Income", "月額料金", "spend_per_month", "Visits", "NPS"];

    [Fact]
    public void No_name_contradicts_itself_or_calls_the_top_group_regular_or_low_on_random_tables()
    {
        int named = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var table = RandomTable(random, out var userColumns);
            int k = random.Next(2, 7);
            var result = BehaviourSegmentation.Train(table, new SegmentationOptions { FixedK = k, Seed = seed });
            foreach (var profile in result.Profiles)
            {
                // A name's first phrase is capitalised ("High Visits, falling logins"); on these tables every phrase starts with our words.
                var phrases = profile.Name.Split(", ").Select(p => char.ToLowerInvariant(p[0]) + p[1..]).ToArray();
                var families = phrases.Select(p => FamilyOf(p, userColumns)).Where(f => f is not null).ToList();
                Assert.True(families.Count == families.Distinct().Count(), $"seed {seed}: '{profile.Name}' says two things about one signal");
                foreach (var column in userColumns)
                {
                    var means = SegmentMeans(table.Numbers(column), result.Assignments);
                    int top = means.MaxBy(m => m.Value).Key, bottom = means.MinBy(m => m.Value).Key;
                    if (profile.SegmentId == top)
                    {
                        Assert.DoesNotContain($"regular {column}", phrases);
                        Assert.DoesNotContain($"low {column}", phrases);
                    }
                    if (profile.SegmentId == bottom)
                    {
                        Assert.DoesNotContain(phrases, p => p == $"high {column}" || p == $"regular {column}");
                    }
                    // The column as the user wrote it, never re-cased or re-spelled.
                    Assert.DoesNotContain(phrases, p => p.Contains(column, StringComparison.OrdinalIgnoreCase) && !p.Contains(column, StringComparison.Ordinal));
                    Assert.DoesNotContain(column.Replace('_', ' '), column.Contains('_') ? profile.Name : "");
                }
                named += phrases.Length;
            }
        }
        Assert.True(named > 100, "the random tables gave names with phrases to check");
    }

    [Fact]
    public void A_telco_table_is_segmented_on_its_categorical_columns_and_lists_every_column()
    {
        var dir = TempFolder.Create("naming");
        var table = FeatureTableFiles.Read(ReadyTables.Telco(dir), new ValidationReport(), "customerID", "Churn");
        var result = BehaviourSegmentation.Train(table, new SegmentationOptions { MaxK = 6 });
        output.WriteLine(string.Join(Environment.NewLine, result.Candidates.Select(c => $"k={c.K} silhouette={c.Silhouette:F4} inertia={c.Inertia:F1} gap={c.Gap:F4}")));
        output.WriteLine(result.ChoiceReason);
        output.WriteLine(string.Join(Environment.NewLine, result.Profiles.Select(p => $"{p.SegmentId} {p.Name} ({p.Size}, churn {p.ChurnRate:P0}): {p.Description}")));

        Assert.Equal(19, result.Columns.Count);
        Assert.Equal(15, result.Columns.Count(c => c.Used && c.Kind == "categorical"));
        Assert.All(result.Columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
        Assert.Contains("Contract", result.Model.FeatureNames);
        // The planted high-churn group (fibre, month to month) is found and named by what sets it apart, in the table's own words.
        var riskiest = result.Profiles.MaxBy(p => p.ChurnRate)!;
        var fibre = table.Categories("InternetService");
        var members = Enumerable.Range(0, table.RowCount).Where(r => result.Assignments[r] == riskiest.SegmentId).ToList();
        Assert.True(members.Count(r => fibre[r] == "Fiber optic") >= 0.7 * members.Count, riskiest.Name);
        Assert.True(riskiest.ChurnRate > 0.3, $"{riskiest.Name}: churn {riskiest.ChurnRate}");
        Assert.Contains(result.Profiles, p => p.Name.Contains("InternetService: Fiber optic", StringComparison.Ordinal)
            || p.Name.Contains("Contract: Month-to-month", StringComparison.Ordinal));
    }

    [Fact]
    public void Columns_that_cannot_describe_a_group_are_left_out_with_the_reason()
    {
        int n = 300;
        var random = new Random(2);
        var table = new FeatureTable([.. Enumerable.Range(0, n).Select(i => $"c{i}")],
        [
            FeatureColumn.Numeric("spend", "", [.. Enumerable.Range(0, n).Select(i => (float)((i % 2 == 0 ? 100 : 10) + random.NextDouble()))]),
            FeatureColumn.Numeric("Lead Number", "", [.. Enumerable.Range(0, n).Select(i => (float)(660_000 + i * 7))]),
            FeatureColumn.Categorical("City", "", [.. Enumerable.Range(0, n).Select(i => (string?)$"city {i % 40}")]),
            FeatureColumn.Categorical("email", "", [.. Enumerable.Range(0, n).Select(i => (string?)$"p{i}@example.com")]),
            FeatureColumn.Categorical("country", "", [.. Enumerable.Repeat<string?>("JP", n)]),
            FeatureColumn.Categorical("plan", "", [.. Enumerable.Range(0, n).Select(i => (string?)(i % 2 == 0 ? "pro" : i % 5 == 0 ? null : "basic"))]),
        ]);
        var result = BehaviourSegmentation.Train(table, new SegmentationOptions { FixedK = 2 });
        var reasons = result.Columns.ToDictionary(c => c.Column);
        Assert.True(reasons["spend"].Used);
        Assert.True(reasons["plan"].Used);
        Assert.Contains("looks like an id", reasons["Lead Number"].Reason);
        Assert.Contains("40 different values", reasons["City"].Reason);
        Assert.Contains("different value on every row", reasons["email"].Reason);
        Assert.Contains("same value for every customer", reasons["country"].Reason);
        Assert.Equal(["spend", "plan"], result.Model.FeatureNames);
        Assert.Equal(1.0, ClusterAgreementOf(result.Assignments, n), 3);
    }

    [Fact]
    public void A_japanese_lead_table_keeps_its_column_and_value_spelling_and_a_saved_model_assigns_the_same()
    {
        var dir = TempFolder.Create("naming");
        var table = FeatureTableFiles.Read(ReadyTables.JapaneseLeads(dir, ids: true), new ValidationReport(), "リードID", "成約", LabelNames.Conversion);
        var result = BehaviourSegmentation.Train(table, new SegmentationOptions { MaxK = 5 });
        output.WriteLine(string.Join(Environment.NewLine, result.Profiles.Select(p => $"{p.SegmentId} {p.Name} ({p.Size}, conversion {p.ConversionRate:P0}): {p.Description}")));
        Assert.False(result.Columns.Single(c => c.Column == "会社名").Used);
        var best = result.Profiles.MaxBy(p => p.ConversionRate)!;
        Assert.True(best.ConversionRate > 0.3);
        Assert.Matches("セミナー|訪問回数|閲覧ページ数|サイト滞在時間|月額料金", best.Name);
        Assert.Contains(result.Profiles, p => p.Name.Contains("流入元: セミナー", StringComparison.Ordinal) || p.Name.Contains("high 訪問回数", StringComparison.OrdinalIgnoreCase));

        var saved = TempFolder.Create("naming-model");
        result.Model.Save(saved);
        var loaded = SegmentationModel.Load(saved);
        Assert.Equal(result.Assignments, loaded.Assign(table));
        Assert.Equal(result.Model.FeatureNames, loaded.FeatureNames);
    }

    private static string? FamilyOf(string phrase, IReadOnlyList<string> userColumns)
    {
        foreach (var (family, words) in s_familyWords)
        {
            if (words.Contains(phrase))
            {
                return family;
            }
        }
        foreach (var column in userColumns)
        {
            if (phrase == $"high {column}" || phrase == $"regular {column}" || phrase == $"low {column}")
            {
                return column;
            }
        }
        return null;
    }

    private static Dictionary<int, double> SegmentMeans(float[] values, int[] assignments) =>
        Enumerable.Range(0, values.Length).Where(r => !float.IsNaN(values[r])).GroupBy(r => assignments[r])
            .ToDictionary(g => g.Key, g => g.Average(r => (double)values[r]));

    /// <summary>Agreement with the planted halves (even rows against odd ones): 1 when the segments are exactly those halves.</summary>
    private static double ClusterAgreementOf(int[] assignments, int n) =>
        ClusterAgreement.AdjustedRandIndex(assignments, [.. Enumerable.Range(0, n).Select(i => i % 2)]);

    /// <summary>
    /// A table of 200-400 customers in 2-5 planted groups, with 3-6 columns drawn from the catalogue's login, activity and
    /// ticket features and from user-named columns: normal or long-tailed, some with missing values, some unrelated to the groups.
    /// </summary>
    internal static FeatureTable RandomTable(Random random, out List<string> userColumns)
    {
        int n = random.Next(200, 401), groups = random.Next(2, 6);
        var group = Enumerable.Range(0, n).Select(_ => random.Next(groups)).ToArray();
        var names = s_catalogue.Concat(s_userColumns).OrderBy(_ => random.Next()).Take(random.Next(3, 7)).ToList();
        if (random.Next(2) == 0)
        {
            // Several features of one signal side by side: where a name could say "falling logins, high logins".
            names = [.. names.Union([FeatureNames.Logins90d, FeatureNames.LoginTrend, FeatureNames.DaysSinceLastLogin, FeatureNames.Tickets90d, FeatureNames.TicketTrend])];
        }
        userColumns = [.. names.Where(s_userColumns.Contains)];
        var columns = new List<FeatureColumn>();
        foreach (var name in names)
        {
            var level = Enumerable.Range(0, groups).Select(_ => random.NextDouble() * 10).ToArray();
            bool skewed = random.Next(2) == 0, related = random.Next(5) > 0, signed = name.EndsWith("_trend", StringComparison.Ordinal);
            double missing = random.Next(3) == 0 ? 0.1 : 0;
            var values = new float[n];
            for (int r = 0; r < n; r++)
            {
                double centre = related ? level[group[r]] : 5;
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                double v = skewed ? Math.Exp(centre / 3 + noise) : centre + noise * 2;
                values[r] = random.NextDouble() < missing ? float.NaN : (float)(signed ? v - 5 : Math.Max(0, v));
            }
            columns.Add(FeatureColumn.Numeric(name, name, values));
        }
        return new FeatureTable([.. Enumerable.Range(0, n).Select(i => $"c{i}")], columns);
    }
}
