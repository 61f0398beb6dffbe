using System.Text.RegularExpressions;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using JourneyML.Core.Survival;
using JourneyML.TestSupport;

namespace JourneyML.Core.Tests.Survival;

/// <summary>The survival model of the committed sample and of the Japanese export, each scored at its data's end with its factors.</summary>
public sealed class TimeToChurnWorlds
{
    private readonly Lazy<Scored> _sample = new(() => Score(Samples.Sample));
    private readonly Lazy<Scored> _ja = new(() => Score(Samples.Path("ja-export")));

    public Scored this[string world] => world == "ja-export" ? _ja.Value : _sample.Value;

    /// <summary>A world's model, its table at the data's end, the paying rows, the snapshot's columns and every factor both ways.</summary>
    public sealed record Scored(HazardModel Model, FeatureTable Table, int[] Paying, TimeToChurn Columns, IReadOnlyList<(string Customer, Factor Factor)> Factors);

    private static Scored Score(string data)
    {
        var dataset = Dataset.Open(data, new ValidationReport());
        var (result, reason) = SurvivalTraining.TrainOnAsOfDates(SurvivalTraining.AsOfTables(dataset, null, new SurvivalOptions(), CancellationToken.None),
            new SurvivalOptions(), CancellationToken.None);
        Assert.True(result is not null, reason);
        var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = dataset.DataAsOf, HorizonDays = SurvivalCurve.PeriodDays });
        var status = table.Status!;
        var paying = Enumerable.Range(0, table.RowCount).Where(r => status[r] == CustomerStatus.Customer).ToArray();
        var columns = TimeToChurn.Score(result!.Model, table, status, topFactors: 3)!;
        var contributions = result.Model.Contributions(table, paying);
        var vectorizer = result.Model.Model.Vectorizer;
        var factors = paying.SelectMany((r, i) => new[] { true, false }
            .SelectMany(shortens => FactorText.TopForTimeToChurn(table, r, vectorizer, contributions[i], vectorizer.Features.Count, shortens))
            .Select(f => (table.CustomerIds[r], f))).ToList();
        return new Scored(result.Model, table, paying, columns, factors);
    }
}

public sealed class TimeToChurnFactorTests(TimeToChurnWorlds worlds) : IClassFixture<TimeToChurnWorlds>
{
    private static readonly (string Why, Regex Pattern)[] s_nonsense =
    [
        ("unknown", new Regex(@"\bunknown\b", RegexOptions.IgnoreCase)),
        ("NaN", new Regex(@"\bNaN\b")),
        ("Infinity", new Regex(@"Infinity|∞")),
        ("the period (no reason: every customer has every period)", new Regex(@"\d+-\d+d\b|survival")),
        ("a snake_case name (a feature's code name)", new Regex(@"\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b")),
    ];

    private static readonly Regex s_direction = new(@" \((shortens|lengthens) time to churn\)$");

    private static string? Why(string text) => s_nonsense.FirstOrDefault(n => n.Pattern.IsMatch(text)).Why;

    [Theory]
    [InlineData("committed sample")]
    [InlineData("ja-export")]
    public void Every_paying_customer_has_time_to_churn_factors_in_words_that_say_which_way_they_move_it(string world)
    {
        var s = worlds[world];
        Assert.NotEmpty(s.Factors);
        var bad = s.Factors.Where(f => Why(f.Factor.Text) is not null || !s_direction.IsMatch(f.Factor.Text))
            .Select(f => $"{f.Customer}: {f.Factor.Text}  <- {Why(f.Factor.Text) ?? "no direction"}").ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} of {s.Factors.Count} time-to-churn reasons in {world} are nonsense:\n" + string.Join("\n", bad.Take(15)));
        // The snapshot's line: every paying customer has one, and no one else does.
        Assert.All(s.Paying, r => Assert.False(string.IsNullOrEmpty(s.Columns.Factors![r]), $"{s.Table.CustomerIds[r]} has no time-to-churn factors"));
        Assert.All(Enumerable.Range(0, s.Table.RowCount).Except(s.Paying), r => Assert.Equal("", s.Columns.Factors![r]));
        Assert.Contains(s.Factors, f => f.Factor.Text.EndsWith("(shortens time to churn)", StringComparison.Ordinal));
        Assert.Contains(s.Factors, f => f.Factor.Text.EndsWith("(lengthens time to churn)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("committed sample")]
    [InlineData("ja-export")]
    public void Every_time_to_churn_factor_in_japanese_is_words_not_a_code_name(string world)
    {
        var s = worlds[world];
        var latin = new Regex(@"[A-Za-z]{2,}_|_[A-Za-z]{2,}|NaN|Infinity|survival");
        var bad = s.Factors.Select(f => (f.Customer, Text: f.Factor.Japanese))
            .Where(f => string.IsNullOrEmpty(f.Text) || latin.IsMatch(f.Text) || !Regex.IsMatch(f.Text, @"（解約を(早める|遅らせる)要因）$"))
            .Select(f => $"{f.Customer}: {f.Text}").ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} Japanese time-to-churn reasons in {world} are not words:\n" + string.Join("\n", bad.Take(10)));
        Assert.All(s.Paying, r => Assert.Matches(@"[\p{IsHiragana}\p{IsKatakana}\p{IsCJKUnifiedIdeographs}]", s.Columns.FactorsJapanese![r]));
    }

    [Fact]
    public void The_japanese_export_s_time_to_churn_factors_use_its_own_column_names_and_no_english_feature_words()
    {
        var s = worlds["ja-export"];
        var english = new Regex(@"\b(login|logins|ticket|tickets|days|customer)\b", RegexOptions.IgnoreCase);
        var bad = s.Factors.Where(f => english.IsMatch(f.Factor.Japanese!)).Select(f => f.Factor.Japanese).Distinct().ToList();
        Assert.True(bad.Count == 0, "English words in Japanese reasons:\n" + string.Join("\n", bad.Take(10)));
    }

    [Theory]
    [InlineData("committed sample")]
    [InlineData("ja-export")]
    public void Curves_scored_without_copying_each_customer_per_period_are_the_expanded_rows_curves(string world)
    {
        var s = worlds[world];
        var fast = s.Model.Curves(s.Table, s.Paying);
        var expanded = s.Model.CurvesByExpansion(s.Table, s.Paying);
        for (int i = 0; i < s.Paying.Length; i++)
        {
            for (int p = 0; p < SurvivalCurve.Periods; p++)
            {
                Assert.Equal(expanded[i].Survival[p], fast[i].Survival[p], 6);
            }
        }
    }

    [Fact]
    public void A_snapshot_keeps_the_time_to_churn_factors_and_reads_them_back()
    {
        var s = worlds["committed sample"];
        using var folder = new TempFolder("ttc-factors");
        var snapshot = new Snapshot
        {
            AsOf = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), ModelVersion = "v1", CustomerIds = s.Table.CustomerIds,
            AccountIds = new string?[s.Table.RowCount], Status = s.Table.Status!, SegmentIds = new int[s.Table.RowCount],
            SegmentNames = [.. Enumerable.Repeat("a", s.Table.RowCount)], Stage = [.. Enumerable.Repeat("Customer", s.Table.RowCount)],
            ChurnRisk = new float[s.Table.RowCount], LeadScore = new float[s.Table.RowCount], Factors = [.. Enumerable.Repeat("", s.Table.RowCount)],
            Change = new float[s.Table.RowCount], ChangeReason = [.. Enumerable.Repeat("", s.Table.RowCount)], FeatureValues = new Dictionary<string, float[]>(),
            TimeToChurn = s.Columns,
        };
        string path = Path.Combine(folder.Path, Snapshot.FileName(snapshot.AsOf, snapshot.AsOf, "v1"));
        snapshot.Write(path);
        var back = Snapshot.Read(path).TimeToChurn!;
        Assert.Equal(s.Columns.Factors, back.Factors);
        Assert.Equal(s.Columns.FactorsJapanese, back.FactorsJapanese);
        int r = s.Paying[0];
        Assert.Equal(s.Columns.FactorsJapanese![r], back.FactorsIn(r, ReasonLanguage.Japanese));
    }
}
