using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Tests.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Scoring;

[Collection(TrainedModelsCollection.Name)]
public sealed class CustomerPredictorTests(TrainedModels trained)
{
    [Fact]
    public void Live_predictions_give_the_same_segment_stage_scores_and_factors_as_batch_scoring()
    {
        var models = new ModelRegistry(trained.RegistryPath).LoadChampion()!;
        var table = trained.Result.Table;
        var batch = BatchScoring.Score(table, models, 3);
        var predictor = new CustomerPredictor(models);
        var live = predictor.Predict(table);
        Assert.Equal(table.RowCount, live.Length);
        for (int r = 0; r < table.RowCount; r++)
        {
            var p = live[r];
            Assert.Equal(batch.CustomerIds[r], p.CustomerId);
            Assert.Equal(batch.SegmentIds[r], p.SegmentId);
            Assert.Equal(batch.Stage[r], p.Stage);
            Assert.Equal(batch.ChurnRisk[r], p.ChurnRisk ?? float.NaN, 5);
            Assert.Equal(batch.LeadScore[r], p.LeadScore ?? float.NaN, 5);
            Assert.Equal(models.Metadata.Version, p.ModelVersion);
            if (p.Factors.Count > 0)
            {
                Assert.EndsWith(string.Join("; ", p.Factors.Select(f => f.Text)), batch.Factors[r]);
            }
        }
    }

    [Fact]
    public void Predictions_from_many_threads_at_once_equal_the_single_threaded_ones()
    {
        var models = new ModelRegistry(trained.RegistryPath).LoadChampion()!;
        var table = trained.Result.Table;
        var predictor = new CustomerPredictor(models);
        var expected = predictor.Predict(table);
        var rows = Enumerable.Range(0, 2_000).ToArray();
        var got = new float?[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var one = WhatIf.Apply(table, rows[i], [], new ValidationReport());
            got[i] = predictor.Predict(one)[0] is var p && p.ChurnRisk is { } risk ? risk : p.LeadScore;
        });
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[rows[i]].ChurnRisk ?? expected[rows[i]].LeadScore, got[i]);
        }
    }

    [Fact]
    public void A_profile_with_recent_events_gets_the_features_the_feature_step_computes()
    {
        var asOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var customer = new Customer("c-1", "a-1", asOf.AddDays(-400), "pro", "decision-maker", "emea", new Dictionary<string, string>());
        var events = new List<CustomerEvent>();
        for (int d = 1; d <= 5; d++)
        {
            events.Add(new CustomerEvent("c-1", asOf.AddDays(-d), "login"));
        }
        for (int d = 35; d <= 55; d += 2)
        {
            events.Add(new CustomerEvent("c-1", asOf.AddDays(-d), "login"));
        }
        events.Add(new CustomerEvent("c-1", asOf.AddDays(-3), "ticket_opened", "email"));
        events.Add(new CustomerEvent("c-1", asOf.AddDays(-2), "pricing_page_view", "web"));
        var table = LiveFeatures.Build([new ProfileInput(customer, events, new Outcome(asOf.AddDays(-300), null))], asOf, asOf.AddDays(-120));
        Assert.Equal(CustomerStatus.Customer, table.Status![0]);
        Assert.Equal(5, table.Numbers("logins_30d")[0]);
        Assert.Equal(11, table.Numbers("logins_prev_30d")[0]);
        Assert.Equal(1, table.Numbers("tickets_30d")[0]);
        Assert.Equal(1, table.Numbers("pricing_views_14d")[0]);
        Assert.Equal(1, table.Numbers("days_since_last_login")[0], 3);
        Assert.Equal((float)Math.Log2(6.0 / 12.0), table.Numbers("login_trend")[0], 4);
        Assert.Equal(1, table.Numbers("account_decision_maker_engaged")[0]);
    }

    [Fact]
    public void Every_event_kind_counts_in_each_of_its_windows_content_kind_and_engagement_alike()
    {
        // Regression: a page view in the last 30 days has three counters (content, page views, engagement); the
        // engagement counter once overwrote the page-view one, so page_views_30d was always 0.
        var asOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var customer = new Customer("c-1", "a-1", asOf.AddDays(-400), "pro", "user", "emea", new Dictionary<string, string>());
        string[] kinds = ["page_view", "email_open", "email_click", "download", "webinar_attended", "case_study_view", "comparison_page_view"];
        var events = kinds.Select((k, i) => new CustomerEvent("c-1", asOf.AddDays(-3 - i), k)).ToList();
        var table = LiveFeatures.Build([new ProfileInput(customer, events)], asOf);
        foreach (var feature in new[] { "page_views_30d", "page_views_90d", "email_opens_30d", "email_opens_90d", "email_clicks_30d", "email_clicks_90d",
            "downloads_90d", "webinars_90d", "case_study_views_90d", "comparison_views_90d" })
        {
            Assert.True(table.Numbers(feature)[0] == 1, $"{feature} is {table.Numbers(feature)[0]}, expected 1");
        }
        Assert.Equal(kinds.Length, table.Numbers("content_30d")[0]);
        Assert.Equal(1, table.Numbers("account_engaged_contacts_30d")[0]);
    }

    [Fact]
    public void Invalid_profiles_and_events_name_the_customer_the_event_and_the_field()
    {
        var asOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var good = new Customer("c-1", null, asOf.AddDays(-100), "pro", null, null, new Dictionary<string, string>());
        var noPlan = good with { CustomerId = "c-2", Plan = "" };
        var e = Assert.Throws<DataValidationException>(() => LiveFeatures.Build([new ProfileInput(good, []), new ProfileInput(noPlan, [])], asOf));
        Assert.Contains(e.Report.Listed, p => p.Row == 2 && p.Column == "profile.plan");

        var events = new List<CustomerEvent>
        {
            new("c-1", asOf.AddDays(-1), "login"),
            new("c-1", asOf.AddDays(-1), "logn"),
            new("c-1", asOf.AddDays(1), "login"),
            new("c-1", asOf.AddDays(-1), "ticket_opened", Value: -3),
        };
        e = Assert.Throws<DataValidationException>(() => LiveFeatures.Build([new ProfileInput(good, events)], asOf));
        var problems = e.Report.Listed;
        Assert.Contains(problems, p => p.Column == "events[1].type" && p.Reason.Contains("logn"));
        Assert.Contains(problems, p => p.Column == "events[2].occurredAt");
        Assert.Contains(problems, p => p.Column == "events[3].value");
        Assert.DoesNotContain(problems, p => p.Column == "events[0].type");
    }

    [Fact]
    public void What_if_logins_return_to_last_months_level_recomputes_the_trend_and_lowers_the_risk_of_a_falling_customer()
    {
        var models = new ModelRegistry(trained.RegistryPath).LoadChampion()!;
        var table = trained.Result.Table;
        var predictor = new CustomerPredictor(models);
        var now = table.Numbers("logins_30d");
        var before = table.Numbers("logins_prev_30d");
        var trend = table.Numbers("login_trend");
        var status = table.Status!;
        var falling = Enumerable.Range(0, table.RowCount)
            .Where(r => status[r] == CustomerStatus.Customer && !float.IsNaN(trend[r]) && before[r] >= 10 && now[r] <= before[r] * 0.3f)
            .Take(200).ToList();
        Assert.True(falling.Count >= 20, $"only {falling.Count} customers with falling logins");
        var change = new FeatureChange("logins_30d", SameAs: "logins_prev_30d");
        int lower = 0;
        foreach (int r in falling)
        {
            var report = new ValidationReport();
            var changed = WhatIf.Apply(table, r, [change], report);
            Assert.False(report.HasProblems);
            Assert.Equal(before[r], changed.Numbers("logins_30d")[0]);
            Assert.Equal(0, changed.Numbers("login_trend")[0], 5);
            var b = predictor.Predict(WhatIf.Apply(table, r, [], report))[0].ChurnRisk!.Value;
            var a = predictor.Predict(changed)[0].ChurnRisk!.Value;
            lower += a < b ? 1 : 0;
        }
        // The generator plants falling logins as a churn driver: restoring them lowers most of these customers' risk.
        Assert.True(lower >= falling.Count * 0.7, $"risk fell for {lower} of {falling.Count}");
    }

    [Fact]
    public void What_if_rejects_unknown_features_and_wrong_kinds_by_position()
    {
        var table = trained.Result.Table;
        var report = new ValidationReport();
        WhatIf.Apply(table, 0, [
            new FeatureChange("logins_30d", JsonSerializer.SerializeToElement(4)),
            new FeatureChange("no_such_feature", JsonSerializer.SerializeToElement(1)),
            new FeatureChange("plan", JsonSerializer.SerializeToElement(3)),
            new FeatureChange("tickets_30d"),
        ], report);
        var problems = report.Listed;
        Assert.Contains(problems, p => p.Row == 2 && p.Column == "feature");
        Assert.Contains(problems, p => p.Row == 3 && p.Column == "value");
        Assert.Contains(problems, p => p.Row == 4 && p.Column == "value");
        Assert.DoesNotContain(problems, p => p.Row == 1);
    }
}
