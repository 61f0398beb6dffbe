using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;
using JourneyML.Core.Tests.Features;

namespace JourneyML.Core.Tests.Stages;

/// <summary>
/// The fast timeline (events grouped once, windows slid from date to date) against the plain one (the whole feature
/// step at every date): the same features at every date and the same stays for every customer, on the committed
/// sample and on random small exports with the edge cases the fast path could get wrong.
/// </summary>
public sealed class TimelineEquivalenceTests
{
    private static readonly string[] s_features = [.. FeatureNames.Definitions.Select(d => d.Name)];
    private static readonly DateTime SampleFrom = new(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime SampleTo = new(2026, 6, 24, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Stage rules over many features, so that every window and the account roll-ups decide a stage somewhere.</summary>
    private const string WideStages = """
        { "stages": [
            { "name": "Visitor" },
            { "name": "Reader", "when": [ [ { "signal": "content_30d", "op": ">", "value": 1 } ], [ { "signal": "email_clicks_90d", "op": ">=", "value": 2 } ] ] },
            { "name": "Buyer-group", "when": [ [ { "signal": "account_decision_maker_engaged", "op": "==", "value": 1 }, { "signal": "account_engaged_roles_30d", "op": ">=", "value": 2 } ] ] },
            { "name": "Trial", "when": [ [ { "signal": "logins_7d", "op": ">=", "value": 1 }, { "signal": "status", "op": "!=", "value": "customer" } ] ] },
            { "name": "Paying", "when": [ [ { "signal": "is_customer", "op": "==", "value": 1 } ] ] },
            { "name": "Rising", "when": [ [ { "signal": "login_trend", "op": ">", "value": 0.5 }, { "signal": "active_days_30d", "op": ">=", "value": 3 } ] ] },
            { "name": "Lost", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "CHURNED" } ] ] },
            { "name": "Frustrated", "kind": "off-path", "when": [ [ { "signal": "ticket_trend", "op": ">=", "value": 1 } ], [ { "signal": "escalations_90d", "op": ">", "value": 0 }, { "signal": "tickets_prev_30d", "op": "<", "value": 2 } ] ] },
            { "name": "Quiet", "kind": "off-path", "when": [ [ { "signal": "days_since_last_login", "op": ">", "value": 20.5 }, { "signal": "history_days", "op": ">=", "value": 60 } ], [ { "signal": "active_days_90d", "op": "<=", "value": 1 }, { "signal": "tenure_days", "op": ">", "value": 45 } ] ] },
            { "name": "Intent", "kind": "off-path", "when": [ [ { "signal": "pricing_views_14d", "op": ">=", "value": 2 }, { "signal": "login_rate_90d", "op": "<", "value": 0.75 } ] ] }
        ] }
        """;

    [Fact]
    public void On_the_sample_the_rolling_features_equal_the_feature_step_at_every_date()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var rolling = new RollingFeatures(EventTimeline.Build(dataset));
        // Steps of a week, of a day, and a long one: windows that overlap, touch and skip.
        int[] steps = [7, 7, 1, 1, 30, 13, 7, 7, 90, 7, 7, 7, 7, 7, 7, 7, 7];
        var date = SampleFrom;
        foreach (int step in steps)
        {
            SameFeatures(rolling.Advance(date), dataset, date);
            date = date.AddDays(step);
        }
    }

    [Fact]
    public void On_the_sample_the_timelines_equal_the_per_step_ones()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        foreach (var stages in new[] { StageModel.Default(s_features), StageModel.Parse(WideStages, "wide", s_features) })
        {
            foreach (int step in new[] { 14, 5 })
            {
                SameStays(StageHistory.BuildPerStep(dataset, stages, SampleFrom, SampleTo, step),
                    StageHistory.Build(dataset, stages, SampleFrom, SampleTo, step));
            }
        }
    }

    [Theory]
    [InlineData(1, true, true)]
    [InlineData(2, false, true)]
    [InlineData(3, true, false)]
    [InlineData(4, false, false)]
    [InlineData(5, true, true)]
    [InlineData(6, false, false)]
    public void On_random_exports_the_features_and_timelines_equal_the_per_step_ones(int seed, bool outcomes, bool dataStart)
    {
        var random = new Random(seed);
        // Some exports without any event value, some without shared accounts: the features those need are absent from both.
        using var export = RandomExport(random, outcomes, dataStart, values: seed % 3 != 0, accounts: seed % 2 != 0);
        var dataset = Dataset.Open(export.Directory, new ValidationReport());
        // From any time of day (the windows are whole days from it), in steps of 1 to 20 days.
        var from = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(random.Next(0, 24 * 60));
        int step = random.Next(1, 21);
        var to = from.AddDays(random.Next(60, 300));
        var rolling = new RollingFeatures(EventTimeline.Build(dataset, withChannels: random.Next(2) == 0));
        for (var date = from; date <= to; date = date.AddDays(step))
        {
            SameFeatures(rolling.Advance(date), dataset, date);
        }
        foreach (var stages in new[] { StageModel.Default(s_features), StageModel.Parse(WideStages, "wide", s_features), RandomStages(random) })
        {
            SameStays(StageHistory.BuildPerStep(dataset, stages, from, to, step), StageHistory.Build(dataset, stages, from, to, step));
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void With_random_exit_conditions_and_minimum_stays_the_timelines_equal_the_per_step_ones(int seed)
    {
        var random = new Random(seed);
        using var export = RandomExport(random, outcomes: true, dataStart: true);
        var dataset = Dataset.Open(export.Directory, new ValidationReport());
        var from = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(random.Next(0, 24 * 30));
        var to = from.AddDays(random.Next(150, 350));
        bool changed = false;
        for (int i = 0; i < 3; i++)
        {
            var stages = RandomStages(random);
            int step = random.Next(1, 15);
            var expected = StageHistory.BuildPerStep(dataset, stages, from, to, step);
            SameStays(expected, StageHistory.Build(dataset, stages, from, to, step));
            // Not vacuous: the exit conditions change some timeline against the same entry rules judged date by date.
            var plain = StageHistory.Build(dataset, stages.WithoutExitConditions(), from, to, step);
            changed |= expected.Any(t => !t.Value.SequenceEqual(plain[t.Key]));
        }
        Assert.True(changed);
    }

    /// <summary>Features the random rules read: windows that slide, roll-ups, recency and status.</summary>
    private static readonly string[] s_randomSignals =
        ["content_30d", "content_90d", "logins_7d", "logins_30d", "active_days_30d", "active_days_90d", "days_since_last_activity", "tickets_30d", "sales_touches_90d", "days_as_customer"];

    /// <summary>A random stage model: entry rules, stay rules looser or stricter than them, minimum stays of 0 to 40 days, on and off the path.</summary>
    internal static StageModel RandomStages(Random random)
    {
        string Condition()
        {
            if (random.Next(6) == 0)
            {
                string[] statuses = ["lead", "customer", "churned"];
                return $$"""{ "signal": "status", "op": "{{(random.Next(2) == 0 ? "==" : "!=")}}", "value": "{{statuses[random.Next(3)]}}" }""";
            }
            string[] ops = [">=", ">", "<=", "<", "==", "!="];
            return $$"""{ "signal": "{{s_randomSignals[random.Next(s_randomSignals.Length)]}}", "op": "{{ops[random.Next(ops.Length)]}}", "value": {{random.Next(0, 12)}} }""";
        }
        string Rules() => "[ " + string.Join(", ", Enumerable.Range(0, random.Next(1, 3)).Select(_ => "[ " + string.Join(", ", Enumerable.Range(0, random.Next(1, 3)).Select(_ => Condition())) + " ]")) + " ]";
        var stages = new List<string> { """{ "name": "S0" }""" };
        int path = random.Next(2, 5), off = random.Next(0, 3);
        for (int i = 1; i <= path + off; i++)
        {
            var kind = i > path ? "off-path" : "path";
            var stay = random.Next(3) > 0 ? $$""", "stay": {{Rules()}}""" : "";
            var minDays = random.Next(3) == 0 ? $$""", "minDays": {{random.Next(0, 41)}}""" : "";
            stages.Add($$"""{ "name": "S{{i}}", "kind": "{{kind}}", "when": {{Rules()}}{{stay}}{{minDays}} }""");
        }
        return StageModel.Parse($$"""{ "stages": [ {{string.Join(", ", stages)}} ] }""", "random", s_features);
    }

    [Fact]
    public void Touchpoints_from_the_grouped_events_equal_those_from_a_scan_of_the_export()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var stages = StageModel.Default(s_features);
        var events = EventTimeline.Build(dataset);
        var history = StageHistory.Build(events, stages, SampleFrom, SampleTo, 14);
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var someone = history.Keys.Where((_, i) => i % 3 == 0).ToHashSet();
        foreach (var members in new[] { null, someone })
        {
            var expected = Touchpoints.BuildByScan(dataset, stages, history, from, SampleTo, members);
            var actual = Touchpoints.Build(events, stages, history, from, SampleTo, members);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, actual);
        }
        Assert.Throws<ArgumentException>(() => Touchpoints.Build(EventTimeline.Build(dataset, withChannels: false), stages, history, from, SampleTo));
    }

    [Fact]
    public void The_features_of_values_attributes_and_lifecycles_are_written_by_both_and_are_not_vacuous()
    {
        var random = new Random(11);
        using var export = RandomExport(random, outcomes: false, dataStart: true, values: true, accounts: true, everyTypeValued: true);
        var dataset = Dataset.Open(export.Directory, new ValidationReport());
        var date = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        var table = new RollingFeatures(EventTimeline.Build(dataset)).Advance(date);
        SameFeatures(table, dataset, date);
        var contentValues = FeatureNames.ContentValues.SelectMany(v => new[] { v.Name, v.Mean }).ToList();
        foreach (var feature in FeatureNames.UsageValues.Concat(FeatureNames.SeverityValues).Concat(contentValues).Append(FeatureNames.DaysAsCustomer))
        {
            Assert.Contains(table.Numbers(feature), v => !float.IsNaN(v) && v > 0);
        }
        // A customer with no webinar value before the date has the minutes missing, not zero.
        Assert.Contains(table.Numbers(FeatureNames.WebinarMinutes90d), float.IsNaN);
        Assert.Contains(table.Numbers(FeatureNames.Reactivations), v => v >= 1);
        Assert.Contains(table.Numbers("seats"), v => v > 0);
        Assert.Contains(table.Categories("業種"), v => v == "小売");
        // Only what the rules ask for: an attribute and an absent roll-up name are accepted.
        var some = new RollingFeatures(EventTimeline.Build(dataset), ["seats", FeatureNames.TicketSeverityMax90d]).Advance(date);
        Assert.Equal(["ticket_severity_max_90d", "seats"], some.Columns.Select(c => c.Name));
        Assert.Equal(table.Numbers(FeatureNames.TicketSeverityMax90d), some.Numbers(FeatureNames.TicketSeverityMax90d));
    }

    [Fact]
    public void Features_slid_for_the_rules_then_widened_to_every_feature_equal_the_feature_step()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        // The journey map's way: the timelines slide only what the rules read, the signals now want every feature.
        StageHistory.Build(EventTimeline.Build(dataset, withChannels: false), StageModel.Default(s_features), SampleFrom, SampleTo, 7, null,
            allFeatures: true, out var rolling, CancellationToken.None);
        foreach (var date in new[] { SampleTo, SampleTo.AddDays(3) })
        {
            SameFeatures(rolling.Advance(date), dataset, date);
        }
    }

    [Fact]
    public void Dates_that_go_backwards_or_are_not_whole_days_apart_are_refused()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var rolling = new RollingFeatures(EventTimeline.Build(dataset, withChannels: false), ["logins_30d"]);
        rolling.Advance(SampleFrom);
        Assert.Contains("whole days", Assert.Throws<ArgumentException>(() => rolling.Advance(SampleFrom.AddHours(30))).Message);
        rolling.Advance(SampleFrom.AddDays(3));
        Assert.Contains("backwards", Assert.Throws<ArgumentException>(() => rolling.Advance(SampleFrom)).Message);
        Assert.Throws<ArgumentException>(() => new RollingFeatures(EventTimeline.Build(dataset, withChannels: false), ["logins_per_day"]));
        var stages = StageModel.Default(s_features);
        Assert.Contains("after the data's as-of date", Assert.Throws<InvalidInputException>(
            () => StageHistory.Build(dataset, stages, SampleFrom, dataset.DataAsOf.AddDays(30))).Message);
    }

    [Fact]
    public void Compiled_rules_place_every_row_where_the_stage_model_does_and_a_score_they_skip_never_matters()
    {
        var random = new Random(7);
        var models = new[] { StageModel.Default(s_features), StageModel.Parse(WideStages, "wide", s_features), StageModel.Parse(TimelineWithScoresTests.ScoreStages, "scores", s_features),
            StageModel.Parse(TimelineWithScoresTests.ScoreExitStages, "score exits", s_features), RandomStages(random), RandomStages(random) };
        string?[] statuses = [CustomerStatus.Lead.Name(), CustomerStatus.Customer.Name(), CustomerStatus.Churned.Name(), "Customer", null];
        float[] scores = [float.NaN, 0, 0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.4f, 0.5f, 0.6f, 1, 0.4f - 1e-7f, 0.6f + 1e-7f];
        foreach (var model in models)
        {
            var rules = new CompiledStages(model);
            for (int i = 0; i < 5000; i++)
            {
                // Small whole numbers, fractions and unknowns, so that every threshold falls on both sides and on the line.
                var columns = rules.Signals.Select(_ => new[] { random.Next(5) == 0 ? float.NaN : random.Next(4) == 0 ? random.Next(0, 400) / 4f : random.Next(0, 5) }).ToArray();
                var values = rules.Signals.Select((s, k) => (s, columns[k][0])).ToDictionary(x => x.s, x => x.Item2);
                var status = statuses[random.Next(statuses.Length)];
                float churn = scores[random.Next(scores.Length)], lead = scores[random.Next(scores.Length)];
                float Signal(string s, float c, float l) => s switch { "churn_risk" => c, "lead_score" => l, _ => values.TryGetValue(s, out var v) ? v : float.NaN };
                Assert.Equal(model.StageOf(s => Signal(s, churn, lead), status), rules.Names[rules.StageOf(columns, 0, status, churn, lead)]);
                // In a stage since some days: its stay rules and minimum stay decide alike.
                int current = random.Next(-1, rules.Names.Count);
                double daysIn = random.Next(0, 60);
                string? currentName = current < 0 ? null : rules.Names[current];
                Assert.Equal(model.StageOf(s => Signal(s, churn, lead), status, currentName, daysIn), rules.Names[rules.StageOf(columns, 0, status, churn, lead, current, daysIn)]);
                if (!rules.ScoreMatters(columns, 0, status, churn: true, current, daysIn))
                {
                    var without = model.StageOf(s => Signal(s, float.NaN, float.NaN), status, currentName, daysIn);
                    Assert.All(scores, c => Assert.Equal(without, model.StageOf(s => Signal(s, c, float.NaN), status, currentName, daysIn)));
                }
                if (!rules.ScoreMatters(columns, 0, status, churn: true))
                {
                    var without = model.StageOf(s => Signal(s, float.NaN, float.NaN), status);
                    Assert.All(scores, c => Assert.Equal(without, model.StageOf(s => Signal(s, c, float.NaN), status)));
                }
                if (!rules.ScoreMatters(columns, 0, status, churn: false))
                {
                    var without = model.StageOf(s => Signal(s, float.NaN, float.NaN), status);
                    Assert.All(scores, l => Assert.Equal(without, model.StageOf(s => Signal(s, float.NaN, l), status)));
                }
            }
        }
    }

    private static void SameFeatures(FeatureTable rolling, Dataset dataset, DateTime date)
    {
        var (reference, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = date });
        Assert.Equal(reference.Columns.Select(c => c.Name), rolling.Columns.Select(c => c.Name));
        Assert.Equal(reference.AccountIds, rolling.AccountIds);
        FeatureAssert.SameFeatures(rolling, reference, labels: false);
    }

    internal static void SameStays(IReadOnlyDictionary<string, IReadOnlyList<StageStay>> expected, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (id, stays) in expected)
        {
            Assert.True(stays.SequenceEqual(actual[id]),
                $"{id}: expected {string.Join(", ", stays.Select(s => $"{s.Stage}@{s.EnteredAt:yyyy-MM-dd}"))}; got {string.Join(", ", actual[id].Select(s => $"{s.Stage}@{s.EnteredAt:yyyy-MM-dd}"))}");
        }
    }

    /// <summary>
    /// Customers who sign up before, during and after the window, some in accounts (roles in mixed case, some missing),
    /// events of every type (and unknown ones) at random times, on day boundaries and at the same instant, before
    /// signing up, purchases, renewals and cancellations; outcomes for some customers or none; with or without a data start.
    /// </summary>
    private static TestExport RandomExport(Random random, bool outcomes, bool dataStart, bool values = true, bool accounts = true, bool everyTypeValued = false)
    {
        var export = new TestExport("seats", "業種");
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = TestExport.DataAsOf;
        string[] types = [.. EventKinds.All.Select(k => k.CanonicalName()), "webinar_attended", "login", "login", "ticket_opened", "partner_referral"];
        string?[] roles = ["decision-maker", "Decision-Maker", "finance", "FINANCE", "it", "user", null];
        string?[] channels = ["web", "email", "sales", null];
        DateTime Any() => start.AddSeconds(random.NextInt64((long)(end - start).TotalSeconds));
        int customers = random.Next(40, 90);
        // A content type or two whose events never give a value: its value feature is absent from both tables.
        var unvalued = FeatureNames.ContentValues.Select(v => v.Kind.CanonicalName()).Where(_ => !everyTypeValued && random.Next(4) == 0).ToHashSet();
        for (int c = 0; c < customers; c++)
        {
            var id = $"R{c:D3}";
            var signedUp = start.AddDays(random.Next(0, 520));
            var account = !accounts ? (random.Next(2) == 0 ? null : id) : random.Next(4) == 0 ? null : $"A{random.Next(12)}";
            string? seats = random.Next(5) == 0 ? null : random.Next(1, 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
            export.Customer(id, signedUp, account, "pro", roles[random.Next(roles.Length)], "emea", seats, random.Next(3) switch { 0 => "小売", 1 => "製造", _ => null });
            int events = random.Next(0, 160);
            var previous = Any();
            for (int e = 0; e < events; e++)
            {
                var at = random.Next(10) switch
                {
                    0 => Any().Date,                     // midnight: on a window edge
                    1 => previous,                       // the same instant as the one before
                    2 => signedUp.AddDays(-random.Next(1, 40)), // before signing up
                    _ => Any(),
                };
                previous = at;
                // Values on some events (minutes on logins, severity on tickets, webinar minutes and other content values;
                // on lifecycle and sales types they are no feature), fractions too; some types never give one.
                var type = types[random.Next(types.Length)];
                double? value = values && !unvalued.Contains(type) && random.Next(3) > 0 ? random.Next(0, 400) / 4.0 : null;
                export.Event(id, at, type, channels[random.Next(channels.Length)], value);
            }
            if (outcomes && random.Next(3) > 0)
            {
                var converted = random.Next(2) == 0 ? (DateTime?)Any() : null;
                var churned = converted is { } bought && random.Next(3) == 0 ? bought.AddDays(random.Next(0, 200)) : (DateTime?)null;
                export.Outcome(id, churned < end ? churned : null, converted);
            }
        }
        // Events before signing up are planted on purpose (and random cancellations leave activity after churn): kept.
        const string keep = """ "timelines": { "eventsBeforeSignup": "keep", "activityAfterChurn": "keep", "outcomesBeforeSignup": "keep" } """;
        export.Write(eventFiles: random.Next(1, 4), mapping: dataStart
            ? $$"""{ "dataAsOf": "2026-07-01T00:00:00Z", "dataStart": "2024-11-01T00:00:00Z", {{keep}} }"""
            : $$"""{ "dataAsOf": "2026-07-01T00:00:00Z", {{keep}} }""");
        return export;
    }
}

/// <summary>With a champion's scores: the fast path scores only the rows where a score can change the stage, and still gives the same stays.</summary>
[Collection(Prediction.TrainedModelsCollection.Name)]
public sealed class TimelineWithScoresTests(Prediction.TrainedModels trained)
{
    private static readonly string[] s_features = [.. FeatureNames.Definitions.Select(d => d.Name)];

    /// <summary>Scores compared above, below and at thresholds, in path and off-path stages.</summary>
    internal const string ScoreStages = """
        { "stages": [
            { "name": "Cold" },
            { "name": "Warm", "when": [ [ { "signal": "lead_score", "op": ">", "value": 0.2 } ], [ { "signal": "content_90d", "op": ">=", "value": 6 } ] ] },
            { "name": "Hot", "when": [ [ { "signal": "lead_score", "op": ">=", "value": 0.5 }, { "signal": "pricing_views_90d", "op": ">=", "value": 1 } ] ] },
            { "name": "Customer", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
            { "name": "Safe", "when": [ [ { "signal": "churn_risk", "op": "<", "value": 0.05 }, { "signal": "status", "op": "==", "value": "customer" } ] ] },
            { "name": "Gone", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] },
            { "name": "Danger", "kind": "off-path", "when": [ [ { "signal": "churn_risk", "op": ">=", "value": 0.3 } ], [ { "signal": "churn_risk", "op": ">", "value": 0.15 }, { "signal": "tickets_30d", "op": ">=", "value": 2 } ] ] },
            { "name": "Exact", "kind": "off-path", "when": [ [ { "signal": "lead_score", "op": "==", "value": 0.25 } ], [ { "signal": "churn_risk", "op": "!=", "value": 0.1 }, { "signal": "logins_30d", "op": "==", "value": 0 } ] ] }
        ] }
        """;

    /// <summary>Scores in stay rules and a minimum stay: the fast path must score the rows where the state lets a score matter.</summary>
    internal const string ScoreExitStages = """
        { "stages": [
            { "name": "Cold" },
            { "name": "Warm", "when": [ [ { "signal": "lead_score", "op": ">", "value": 0.3 } ] ], "stay": [ [ { "signal": "lead_score", "op": ">", "value": 0.15 } ], [ { "signal": "content_30d", "op": ">=", "value": 4 } ] ] },
            { "name": "Customer", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
            { "name": "Gone", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] },
            { "name": "Danger", "kind": "off-path", "when": [ [ { "signal": "churn_risk", "op": ">=", "value": 0.3 } ] ], "stay": [ [ { "signal": "churn_risk", "op": ">=", "value": 0.2 } ] ], "minDays": 21 }
        ] }
        """;

    [Fact]
    public void The_timelines_with_scores_equal_the_per_step_ones()
    {
        var models = new Core.Registry.ModelRegistry(trained.RegistryPath).LoadChampion()!;
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var from = new DateTime(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 6, 24, 0, 0, 0, DateTimeKind.Utc);
        // The default At-risk rule reads the champion's cut, as every run that has a champion does.
        foreach (var stages in new[] { StageModel.Default(new StageSignals(s_features).WithModel(models.Metadata)), StageModel.Parse(ScoreStages, "scores", s_features), StageModel.Parse(ScoreExitStages, "score exits", s_features) })
        {
            var expected = StageHistory.BuildPerStep(dataset, stages, from, to, 14, models);
            TimelineEquivalenceTests.SameStays(expected, StageHistory.Build(dataset, stages, from, to, 14, models));
            // Not vacuous: stages that only scores decide are reached.
            var reached = expected.Values.SelectMany(s => s).Select(s => s.Stage).ToHashSet();
            Assert.Contains(stages.Path.Count >= 8 ? "At-risk" : "Danger", reached);
            Assert.Contains(stages.Path.Count >= 8 ? "MQL" : stages.Path.Count == 3 ? "Warm" : "Hot", reached);
        }
    }
}
