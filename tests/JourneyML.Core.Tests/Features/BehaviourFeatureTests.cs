using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Features;

public sealed class BehaviourFeatureTests
{
    private static readonly DateTime T = TestExport.AsOf;
    private static readonly DateTime LongAgo = new(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static FeatureTable Build(string dir, DateTime? asOf = null, int horizon = 90)
    {
        var dataset = Dataset.Open(dir, new ValidationReport());
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = asOf ?? T, HorizonDays = horizon }).Table;
    }

    private static float Value(FeatureTable table, string customer, string feature) =>
        table.Numbers(feature)[Array.IndexOf(table.CustomerIds, customer)];

    [Fact]
    public void Windows_count_only_events_strictly_before_the_as_of_date()
    {
        using var export = new TestExport();
        export.Customer("C1", LongAgo)
            .Event("C1", T.AddDays(-3), "login")
            .Event("C1", T.AddDays(-3).AddHours(2), "login")   // same day: two logins, one active day
            .Event("C1", T.AddDays(-10), "login")
            .Event("C1", T.AddDays(-40), "login")
            .Event("C1", T.AddDays(-100), "login")
            .Event("C1", T.AddSeconds(-1), "ticket_opened")
            .Event("C1", T, "login")                            // at T: not a feature
            .Event("C1", T.AddDays(-12), "pricing_page_view")
            .Event("C1", T.AddDays(-20), "pricing_page_view")
            .Event("C1", T.AddDays(-5), "webinar_attended", "webinar", 45);
        var table = Build(export.Write());
        Assert.Equal(1 + 1, Value(table, "C1", "logins_7d"));
        Assert.Equal(3, Value(table, "C1", "logins_30d"));
        Assert.Equal(1, Value(table, "C1", "logins_prev_30d"));
        Assert.Equal(4, Value(table, "C1", "logins_90d"));
        Assert.Equal(3 - 2 / 24f, Value(table, "C1", "days_since_last_login"), 3);
        Assert.Equal(1, Value(table, "C1", "tickets_30d"));
        Assert.Equal(1, Value(table, "C1", "pricing_views_14d"));
        Assert.Equal(2, Value(table, "C1", "pricing_views_90d"));
        Assert.Equal(1, Value(table, "C1", "webinars_90d"));
        Assert.Equal(1, Value(table, "C1", "content_30d"));
        Assert.Equal(MathF.Log2((3 + 1f) / (1 + 1f)), Value(table, "C1", "login_trend"), 4);
        // Active days in 30: T-1s (day 0), T-3 (day 2), T-5, T-10, T-12, T-20.
        Assert.Equal(6, Value(table, "C1", "active_days_30d"));
        Assert.Equal(7, Value(table, "C1", "active_days_90d"));
    }

    [Fact]
    public void Missing_history_is_not_zero_activity()
    {
        using var export = new TestExport();
        export.Customer("NEW", T.AddDays(-10))
            .Customer("QUIET", LongAgo)
            .Customer("NEVER", LongAgo)
            .Event("NEW", T.AddDays(-2), "login")
            .Event("QUIET", T.AddDays(-80), "login")
            .Event("NEVER", T.AddDays(-5), "email_open", "email");
        var table = Build(export.Write());
        // A new customer: no trend can be measured, and the rate is over the 10 days observed, not 90.
        Assert.True(float.IsNaN(Value(table, "NEW", "login_trend")));
        Assert.Equal(1, Value(table, "NEW", "is_new"));
        Assert.Equal(10, Value(table, "NEW", "history_days"), 3);
        Assert.Equal(0.7f, Value(table, "NEW", "login_rate_90d"), 3);
        // Quiet for 80 days is measured; never having logged in is unknown, not 0 days.
        Assert.Equal(80, Value(table, "QUIET", "days_since_last_login"), 3);
        Assert.Equal(0, Value(table, "QUIET", "login_trend"));
        Assert.True(float.IsNaN(Value(table, "NEVER", "days_since_last_login")));
        Assert.Equal(5, Value(table, "NEVER", "days_since_last_activity"), 3);
    }

    [Fact]
    public void Labels_come_from_the_horizon_after_the_as_of_date()
    {
        using var export = new TestExport();
        export.Customer("STAYS", LongAgo).Event("STAYS", LongAgo.AddDays(1), "purchase")
            .Customer("CHURNS", LongAgo).Event("CHURNS", LongAgo.AddDays(1), "purchase").Event("CHURNS", T.AddDays(30), "cancellation")
            .Customer("LATE", LongAgo).Event("LATE", LongAgo.AddDays(1), "purchase").Event("LATE", T.AddDays(95), "cancellation")
            .Customer("GONE", LongAgo).Event("GONE", LongAgo.AddDays(1), "purchase").Event("GONE", T.AddDays(-10), "cancellation")
            .Customer("BUYS", LongAgo).Event("BUYS", T.AddDays(10), "purchase")
            .Customer("BROWSES", LongAgo).Event("BROWSES", T.AddDays(-1), "page_view")
            .Customer("FUTURE", T.AddDays(5));
        var dataset = Dataset.Open(export.Write(), new ValidationReport());
        var (table, summary) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = T, HorizonDays = 90 });
        CustomerStatus Status(string id) => table.Status![Array.IndexOf(table.CustomerIds, id)];
        float Label(string id, string name) => table.Labels[name][Array.IndexOf(table.CustomerIds, id)];

        Assert.Equal(CustomerStatus.Customer, Status("STAYS"));
        Assert.Equal(0, Label("STAYS", LabelNames.Churn));
        Assert.Equal(1, Label("CHURNS", LabelNames.Churn));
        Assert.Equal(0, Label("LATE", LabelNames.Churn)); // cancelled after the horizon
        Assert.Equal(CustomerStatus.Churned, Status("GONE"));
        Assert.True(float.IsNaN(Label("GONE", LabelNames.Churn)));
        Assert.Equal(CustomerStatus.Lead, Status("BUYS"));
        Assert.Equal(1, Label("BUYS", LabelNames.Conversion));
        Assert.True(float.IsNaN(Label("BUYS", LabelNames.Churn)));
        Assert.Equal(0, Label("BROWSES", LabelNames.Conversion));
        Assert.DoesNotContain("FUTURE", table.CustomerIds);
        Assert.Equal(1, summary.SignedUpOnOrAfterAsOf);
        Assert.Equal((1, 2), summary.Labels[LabelNames.Churn]);
    }

    [Fact]
    public void An_outcomes_table_overrides_lifecycle_events_and_unknown_futures_stay_unknown()
    {
        using var export = new TestExport();
        export.Customer("A", LongAgo).Customer("B", LongAgo).Customer("C", LongAgo)
            .Event("A", LongAgo.AddDays(1), "purchase")
            .Outcome("A", T.AddDays(20), LongAgo.AddDays(1))
            .Outcome("B", null, LongAgo.AddDays(3))
            .Outcome("C", null, null);
        var dir = export.Write();
        var table = Build(dir);
        Assert.Equal(1, table.Labels[LabelNames.Churn][Array.IndexOf(table.CustomerIds, "A")]);
        Assert.Equal(0, table.Labels[LabelNames.Churn][Array.IndexOf(table.CustomerIds, "B")]);
        Assert.Equal(CustomerStatus.Lead, table.Status![Array.IndexOf(table.CustomerIds, "C")]);

        // T + 90 days is after the data's as-of date: 'no churn yet' is not a 'no', but an observed churn is a 'yes'.
        var late = Build(dir, asOf: new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.True(float.IsNaN(late.Labels[LabelNames.Churn][Array.IndexOf(late.CustomerIds, "B")]));
    }

    [Fact]
    public void Account_rollups_count_engaged_contacts_and_the_decision_maker()
    {
        using var export = new TestExport();
        export.Customer("DM", LongAgo, account: "A1", role: "decision-maker")
            .Customer("IT", LongAgo, account: "A1", role: "it")
            .Customer("U", LongAgo, account: "A1", role: "user")
            .Customer("SOLO", LongAgo, role: "decision-maker")
            .Event("DM", T.AddDays(-3), "webinar_attended")
            .Event("IT", T.AddDays(-20), "login")
            .Event("U", T.AddDays(-45), "login")       // not engaged in the last 30 days
            .Event("U", T.AddDays(-2), "ticket_opened"); // a ticket is friction, not engagement
        var table = Build(export.Write());
        Assert.Equal(3, Value(table, "U", "account_contacts"));
        Assert.Equal(2, Value(table, "U", "account_engaged_contacts_30d"));
        Assert.Equal(2, Value(table, "U", "account_engaged_roles_30d"));
        Assert.Equal(1, Value(table, "IT", "account_decision_maker_engaged"));
        Assert.Equal(1, Value(table, "SOLO", "account_contacts"));
        Assert.Equal(0, Value(table, "SOLO", "account_decision_maker_engaged"));
    }

    [Fact]
    public void No_event_at_or_after_the_as_of_date_changes_any_feature()
    {
        // Property: for random exports and random extra events at or after T (any customer, type, time), features are identical.
        var kinds = EventKinds.All.Select(k => k.CanonicalName()).ToArray();
        for (int trial = 0; trial < 5; trial++)
        {
            var random = new Random(1000 + trial);
            // With the customer's own columns and event values: no value at or after T changes minutes of use, severity or content values either.
            using var before = new TestExport("industry", "seats");
            using var after = new TestExport("industry", "seats");
            for (int c = 0; c < 60; c++)
            {
                var signedUp = T.AddDays(-random.Next(1, 400));
                string account = $"A{random.Next(20)}";
                string role = random.Next(4) == 0 ? "decision-maker" : "user";
                string industry = random.Next(2) == 0 ? "retail" : "finance", seats = random.Next(1, 30).ToString(System.Globalization.CultureInfo.InvariantCulture);
                before.Customer($"C{c}", signedUp, account, "pro", role, "emea", industry, seats);
                after.Customer($"C{c}", signedUp, account, "pro", role, "emea", industry, seats);
                for (int e = random.Next(0, 30); e > 0; e--)
                {
                    var at = T.AddMinutes(-random.Next(1, 200 * 24 * 60));
                    var type = kinds[random.Next(kinds.Length)];
                    double? value = random.Next(2) == 0 ? random.Next(0, 100) : null;
                    before.Event($"C{c}", at, type, value: value);
                    after.Event($"C{c}", at, type, value: value);
                }
            }
            for (int e = 0; e < 300; e++)
            {
                var at = T.AddMinutes(random.Next(0, 100 * 24 * 60));
                after.Event($"C{random.Next(60)}", at, kinds[random.Next(kinds.Length)], value: random.Next(0, 100));
            }
            after.Event("C0", T, "login"); // exactly at T
            // Random timelines are often impossible (a login after a cancellation with no purchase since): kept, as this property is about T.
            var (early, late) = (Build(before.Write(mapping: TestExport.KeepingImpossibleTimelines)), Build(after.Write(mapping: TestExport.KeepingImpossibleTimelines)));
            Assert.Equal(early.Columns.Select(c => c.Name), late.Columns.Select(c => c.Name));
            Assert.Contains(early.Numbers(FeatureNames.UsageMinutes90d), v => v > 0);
            Assert.All(FeatureNames.ContentValues, v => Assert.Contains(early.Numbers(v.Name), x => x > 0));
            Assert.All(FeatureNames.ContentValues, v => Assert.Contains(early.Numbers(v.Mean), x => x > 0));
            FeatureAssert.SameFeatures(early, late, labels: false);
        }
    }

    [Fact]
    public void Splitting_events_over_files_read_in_parallel_gives_the_same_features()
    {
        using var one = new TestExport();
        using var many = new TestExport();
        var random = new Random(7);
        var kinds = EventKinds.All.Select(k => k.CanonicalName()).ToArray();
        foreach (var export in new[] { one, many })
        {
            export.Customer("C1", LongAgo, "A1", role: "decision-maker").Customer("C2", LongAgo, "A1").Customer("C3", LongAgo);
        }
        for (int e = 0; e < 400; e++)
        {
            var id = $"C{random.Next(1, 4)}";
            var at = T.AddHours(-random.Next(1, 150 * 24));
            var type = kinds[random.Next(kinds.Length)];
            one.Event(id, at, type);
            many.Event(id, at, type);
        }
        FeatureAssert.SameFeatures(Build(one.Write()), Build(many.Write(eventFiles: 4)), labels: true);
    }
}
