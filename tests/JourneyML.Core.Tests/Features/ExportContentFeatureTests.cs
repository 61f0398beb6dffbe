using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Features;

/// <summary>Features from what an export holds beyond events: the customer's own columns, event values, lifecycles, accounts.</summary>
public sealed class ExportContentFeatureTests
{
    private static readonly DateTime T = TestExport.AsOf;
    private static readonly DateTime LongAgo = new(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static (FeatureTable Table, FeatureBuildSummary Summary) Build(string dir)
    {
        var dataset = Dataset.Open(dir, new ValidationReport());
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = T });
    }

    private static float Value(FeatureTable table, string customer, string feature) =>
        table.Numbers(feature)[Array.IndexOf(table.CustomerIds, customer)];

    [Fact]
    public void The_customers_own_columns_are_features_typed_by_their_values_and_the_unusable_ones_are_left_out_with_the_reason()
    {
        using var export = new TestExport("industry", "seats", "email", "crm_id", "notes", "churn_reason", "解約日", "業種", "source", "customer_since_note");
        string[] industries = ["retail", "finance", "saas"];
        for (int c = 0; c < 30; c++)
        {
            export.Customer($"C{c:D2}", LongAgo.AddDays(c), account: null, plan: "pro", role: null, region: "emea",
                industries[c % 3], (c % 7 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"person{c}@example.com",
                (1000 + c).ToString(System.Globalization.CultureInfo.InvariantCulture), $"called on day {c}", c % 5 == 0 ? "price" : null,
                c % 4 == 0 ? "2026-05-01" : null, c % 2 == 0 ? "小売" : "製造", "web", null);
        }
        export.Event("C00", T.AddDays(-1), "login");
        var dir = export.Write(mapping: """{ "dataAsOf": "2026-07-01T00:00:00Z", "customers": { "ignore": ["notes", "not_a_column"] } }""");
        var report = new ValidationReport();
        var dataset = Dataset.Open(dir, report);
        var (table, summary) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = T });
        var plan = summary.Plan!;

        Assert.Equal(["industry", "seats", "業種"], plan.Attributes.Select(a => a.Name));
        Assert.Equal([FeatureKind.Categorical, FeatureKind.Numeric, FeatureKind.Categorical], plan.Attributes.Select(a => a.Kind));
        Assert.All(plan.Attributes, a => Assert.Equal(30, a.CustomersWithValue));
        Assert.Equal("finance", table.Categories("industry")[1]);
        Assert.Equal(2, Value(table, "C01", "seats"));
        Assert.Equal("製造", table.Categories("業種")[1]);

        string Reason(string column) => Assert.Single(plan.LeftOut, l => l.Column == column).Reason;
        Assert.Contains("passed through to the exports", Reason("email")); // identifying: for people, never a feature
        Assert.Contains("an id", Reason("crm_id"));
        Assert.Contains("customers.ignore", Reason("notes"));
        Assert.Contains("'churn'", Reason("churn_reason"));
        Assert.Contains("'解約'", Reason("解約日"));
        Assert.Contains("the same value for every customer", Reason("source"));
        Assert.Contains("no customer has a value", Reason("customer_since_note"));
        foreach (var left in plan.LeftOut)
        {
            Assert.Null(table.Find(left.Column));
        }
        Assert.Contains(report.Notes, n => n.Key.Contains("'not_a_column'", StringComparison.Ordinal));
    }

    [Fact]
    public void Free_text_with_many_different_values_is_not_a_category()
    {
        using var export = new TestExport("city", "comment");
        for (int c = 0; c < 60; c++)
        {
            // 6 cities repeat; 40 different comments among 60 customers do not.
            export.Customer($"C{c:D2}", LongAgo, null, "pro", null, "emea", $"city{c % 6}", $"comment {c % 40}");
        }
        export.Event("C00", T.AddDays(-1), "login");
        var plan = Build(export.Write()).Summary.Plan!;
        Assert.Equal(["city"], plan.Attributes.Select(a => a.Name));
        Assert.Contains("free text: 40 different values among 60 customers", Assert.Single(plan.LeftOut).Reason);
    }

    [Theory]
    [InlineData("is_churned", "churned")]
    [InlineData("CancelledAt", "cancelled")]
    [InlineData("converted", "converted")]
    [InlineData("deal closed won", "won")]
    [InlineData("Lost reason", "lost")]
    [InlineData("受注日", "受注")]
    [InlineData("失注理由", "失注")]
    [InlineData("成約フラグ", "成約")]
    [InlineData("退会", "退会")]
    public void A_column_whose_name_says_an_outcome_is_named_as_the_reason(string column, string word) =>
        Assert.Equal(word, FeaturePlan.OutcomeWord(column));

    [Theory]
    [InlineData("industry")]
    [InlineData("download_count")]
    [InlineData("known_since")]
    [InlineData("業種")]
    public void An_ordinary_column_name_says_no_outcome(string column) => Assert.Null(FeaturePlan.OutcomeWord(column));

    [Fact]
    public void Login_values_are_minutes_of_use_and_ticket_values_severity_and_a_customer_without_values_has_them_missing()
    {
        using var export = new TestExport();
        export.Customer("USER", LongAgo).Customer("NOVALUE", LongAgo).Customer("QUIET", LongAgo)
            .Event("USER", T.AddDays(-5), "login", value: 30)
            .Event("USER", T.AddDays(-10), "login", value: 12.5)
            .Event("USER", T.AddDays(-40), "login", value: 100)
            .Event("USER", T.AddDays(-80), "login", value: 7)
            .Event("USER", T.AddDays(-3), "login")              // a login without a value adds no minutes
            .Event("USER", T.AddDays(1), "login", value: 999)   // after T: never a feature
            .Event("USER", T.AddDays(-2), "ticket_opened", value: 2)
            .Event("USER", T.AddDays(-20), "ticket_escalated", value: 4)
            .Event("USER", T.AddDays(-100), "ticket_opened", value: 5) // older than 90 days
            .Event("NOVALUE", T.AddDays(-5), "login")
            .Event("NOVALUE", T.AddDays(-6), "ticket_opened")
            .Event("QUIET", T.AddDays(-70), "login", value: 20);
        var (table, summary) = Build(export.Write());

        Assert.Equal(42.5f, Value(table, "USER", FeatureNames.UsageMinutes30d));
        Assert.Equal(100f, Value(table, "USER", FeatureNames.UsageMinutesPrev30d));
        Assert.Equal(149.5f, Value(table, "USER", FeatureNames.UsageMinutes90d));
        Assert.Equal((float)Math.Log2(43.5 / 101.0), Value(table, "USER", FeatureNames.UsageTrend));
        Assert.Equal(4f, Value(table, "USER", FeatureNames.TicketSeverityMax90d));
        Assert.Equal(3f, Value(table, "USER", FeatureNames.TicketSeverityMean90d));
        // A customer whose export gives values but who was quiet lately used it for 0 minutes: a real zero.
        Assert.Equal(0f, Value(table, "QUIET", FeatureNames.UsageMinutes30d));
        Assert.True(float.IsNaN(Value(table, "QUIET", FeatureNames.TicketSeverityMax90d)));
        foreach (var feature in FeatureNames.UsageValues.Concat(FeatureNames.SeverityValues))
        {
            Assert.True(float.IsNaN(Value(table, "NOVALUE", feature)), feature);
        }
        Assert.True(summary.Plan!.UsageValues);
        Assert.True(summary.Plan.SeverityValues);
    }

    [Fact]
    public void Webinar_and_other_content_values_are_summed_per_type_over_90_days_and_a_type_without_values_has_no_feature()
    {
        using var export = new TestExport();
        export.Customer("FAN", LongAgo).Customer("SKIPS", LongAgo).Customer("OLD", LongAgo)
            .Event("FAN", T.AddDays(-3), "webinar_attended", value: 45)
            .Event("FAN", T.AddDays(-60), "webinar_attended", value: 76)
            .Event("FAN", T.AddDays(-100), "webinar_attended", value: 50) // older than 90 days
            .Event("FAN", T.AddDays(2), "webinar_attended", value: 600)   // after T: never a feature
            .Event("FAN", T.AddDays(-4), "webinar_attended")              // attended, minutes not given
            .Event("FAN", T.AddDays(-8), "page_view", value: 30)
            .Event("FAN", T.AddDays(-9), "page_view", value: 12)
            .Event("FAN", T.AddDays(-9), "download")                      // no download in the export gives a value
            .Event("SKIPS", T.AddDays(-5), "webinar_attended")
            .Event("OLD", T.AddDays(-200), "webinar_attended", value: 20);
        var (table, summary) = Build(export.Write());

        Assert.Equal(121f, Value(table, "FAN", FeatureNames.WebinarMinutes90d));
        Assert.Equal(42f, Value(table, "FAN", FeatureNames.PageViewValue90d));
        // The mean per event that gives a value: minutes per webinar attended, whatever the number of webinars.
        Assert.Equal(60.5f, Value(table, "FAN", FeatureNames.WebinarMinutesMean90d));
        Assert.Equal(21f, Value(table, "FAN", FeatureNames.PageViewValueMean90d));
        Assert.True(float.IsNaN(Value(table, "OLD", FeatureNames.WebinarMinutesMean90d)));
        // Webinar values exist for this customer, just not lately: a real zero; none ever before T: missing.
        Assert.Equal(0f, Value(table, "OLD", FeatureNames.WebinarMinutes90d));
        Assert.True(float.IsNaN(Value(table, "SKIPS", FeatureNames.WebinarMinutes90d)));
        Assert.True(float.IsNaN(Value(table, "SKIPS", FeatureNames.PageViewValue90d)));
        Assert.Null(table.Find(FeatureNames.DownloadValue90d));
        Assert.Null(table.Find(FeatureNames.DownloadValueMean90d));
        Assert.Null(table.Find(FeatureNames.PricingPageViewValue90d));
        Assert.Equal([EventKind.PageView, EventKind.WebinarAttended], summary.Plan!.ContentValueKinds);
        Assert.Contains("content value features written from the values on page_view, webinar_attended events", summary.Plan.Notes);
        Assert.Equal("121 webinar minutes in the last 90 days", FactorText.Describe(table, Array.IndexOf(table.CustomerIds, "FAN"), FeatureNames.WebinarMinutes90d));
        Assert.Equal("page-view values summing to 42 in the last 90 days", FactorText.Describe(table, Array.IndexOf(table.CustomerIds, "FAN"), FeatureNames.PageViewValue90d));
        Assert.Equal("no webinar minutes recorded", FactorText.Describe(table, Array.IndexOf(table.CustomerIds, "SKIPS"), FeatureNames.WebinarMinutes90d));
        Assert.Equal("60.5 minutes per webinar attended on average in the last 90 days", FactorText.Describe(table, Array.IndexOf(table.CustomerIds, "FAN"), FeatureNames.WebinarMinutesMean90d));
    }

    [Fact]
    public void Without_any_value_in_the_export_the_value_features_are_not_written_and_the_plan_says_so()
    {
        using var export = new TestExport();
        export.Customer("A", LongAgo).Event("A", T.AddDays(-5), "login").Event("A", T.AddDays(-5), "ticket_opened")
            .Event("A", T.AddDays(5), "ticket_opened", value: 3); // only after T: the severity features exist, missing at T
        var (table, summary) = Build(export.Write());
        Assert.All(FeatureNames.UsageValues, f => Assert.Null(table.Find(f)));
        Assert.True(float.IsNaN(Value(table, "A", FeatureNames.TicketSeverityMax90d)));
        Assert.Contains(summary.Plan!.Notes, n => n.StartsWith("minutes-of-use features not written: no login event in the export has a value", StringComparison.Ordinal));
    }

    [Fact]
    public void Renewals_do_not_reset_the_tenure_and_a_customer_who_comes_back_starts_a_new_one()
    {
        using var export = new TestExport();
        var first = T.AddDays(-700);
        export.Customer("RENEWS", first.AddDays(-10)).Customer("BACK", first.AddDays(-10)).Customer("GONE", first.AddDays(-10))
            .Event("RENEWS", first, "purchase")
            .Event("RENEWS", first.AddDays(365), "renewal")
            .Event("RENEWS", first.AddDays(690), "renewal")
            .Event("BACK", first, "purchase")
            .Event("BACK", first.AddDays(200), "cancellation")
            .Event("BACK", first.AddDays(400), "purchase")
            .Event("BACK", first.AddDays(500), "renewal")
            .Event("GONE", first, "purchase")
            .Event("GONE", first.AddDays(300), "cancellation");
        var (table, _) = Build(export.Write());
        Assert.Equal(700f, Value(table, "RENEWS", FeatureNames.DaysAsCustomer));
        Assert.Equal(0f, Value(table, "RENEWS", FeatureNames.Reactivations));
        Assert.Equal(300f, Value(table, "BACK", FeatureNames.DaysAsCustomer));
        Assert.Equal(1f, Value(table, "BACK", FeatureNames.Reactivations));
        Assert.True(float.IsNaN(Value(table, "GONE", FeatureNames.DaysAsCustomer)));
        Assert.Equal(0f, Value(table, "GONE", FeatureNames.Reactivations));
    }

    [Fact]
    public void Without_shared_accounts_no_account_rollup_is_written()
    {
        using var solo = new TestExport();
        solo.Customer("A", LongAgo, account: "A").Customer("B", LongAgo, account: "B").Customer("C", LongAgo)
            .Event("A", T.AddDays(-3), "login");
        var (table, summary) = Build(solo.Write());
        Assert.All(FeatureNames.AccountRollups, f => Assert.Null(table.Find(f)));
        Assert.False(summary.Plan!.AccountRollups);
        Assert.Contains(summary.Plan.Notes, n => n.StartsWith("account roll-ups not computed", StringComparison.Ordinal));

        using var shared = new TestExport();
        shared.Customer("A", LongAgo, account: "X").Customer("B", LongAgo, account: "X").Event("A", T.AddDays(-3), "login");
        var (withAccounts, _) = Build(shared.Write());
        Assert.Equal(1f, Value(withAccounts, "B", FeatureNames.AccountEngagedContacts30d));
    }

    [Fact]
    public void A_live_profile_gets_every_behaviour_feature_and_the_customer_columns_the_model_reads()
    {
        var asOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var customer = new Customer("c-1", null, asOf.AddDays(-400), "pro", null, "emea", new Dictionary<string, string> { ["seats"] = "3", ["email"] = "x@example.com" });
        var table = Core.Scoring.LiveFeatures.Build([new Core.Scoring.ProfileInput(customer, [new CustomerEvent("c-1", asOf.AddDays(-2), "login", Value: 25)])], asOf,
            attributes: [("seats", FeatureKind.Numeric), ("業種", FeatureKind.Categorical)]);
        Assert.Equal(3f, table.Numbers("seats")[0]);
        Assert.Null(table.Categories("業種")[0]);
        Assert.Null(table.Find("email"));
        Assert.Equal(25f, table.Numbers(FeatureNames.UsageMinutes30d)[0]);
        Assert.True(float.IsNaN(table.Numbers(FeatureNames.TicketSeverityMax90d)[0]));
        Assert.Equal(1f, table.Numbers(FeatureNames.AccountContacts)[0]);
    }
}
