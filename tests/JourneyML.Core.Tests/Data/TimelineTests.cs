using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Data;

public sealed class TimelineTests
{
    private static readonly DateTime s_signup = new(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime s_purchase = new(2025, 5, 10, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime s_cancel = new(2025, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    private static string Mapping(string timelines = "") =>
        $$"""{ "dataAsOf": "2026-07-01T00:00:00Z", "dataStart": "2025-01-01T00:00:00Z"{{(timelines.Length > 0 ? ", \"timelines\": " + timelines : "")}} }""";

    private static (FeatureTable Table, ValidationReport Report, Dataset Dataset) Build(string folder, InvalidRowPolicy policy)
    {
        var report = new ValidationReport(policy);
        var dataset = Dataset.Open(folder, report);
        var table = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = TestExport.AsOf }).Table;
        return (table, report, dataset);
    }

    private static ValidationReport Read(string folder, InvalidRowPolicy policy = InvalidRowPolicy.Strict)
    {
        var report = new ValidationReport(policy);
        var dataset = Dataset.Open(folder, report);
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var _ in dataset.Events.ReadPartition(p))
            {
            }
        }
        return report;
    }

    [Fact]
    public void An_event_before_signup_is_rejected_with_its_row_but_web_visits_and_clock_skew_are_not()
    {
        using var export = new TestExport();
        export.Customer("C1", s_signup)
            .Event("C1", s_signup.AddDays(-10), "login")          // row 2: impossible
            .Event("C1", s_signup.AddDays(-30), "page_view")      // row 3: an anonymous visit, attached at sign-up
            .Event("C1", s_signup.AddHours(-5), "login")          // row 4: within a day: clocks of two systems
            .Event("C1", s_signup.AddDays(3), "login");
        var ex = Assert.Throws<DataValidationException>(() => Build(export.Write(mapping: Mapping()), InvalidRowPolicy.Strict));
        var problem = Assert.Single(ex.Report.Listed);
        Assert.Equal(("events.csv", 2L, "occurred_at"), (problem.File, problem.Row, problem.Column));
        Assert.Contains("event before the customer signed up (10 days before signed_up_at 2025-05-01)", problem.Reason);
        Assert.Contains("timelines.eventsBeforeSignup", problem.Reason);
    }

    [Fact]
    public void Kept_events_before_signup_count_as_events_and_are_counted()
    {
        using var export = new TestExport();
        var signup = TestExport.AsOf.AddDays(-5);
        export.Customer("C1", signup).Event("C1", signup.AddDays(-10), "login").Event("C1", signup.AddDays(1), "login");
        var (table, report, dataset) = Build(export.Write(mapping: Mapping("""{ "eventsBeforeSignup": "keep" }""")), InvalidRowPolicy.Strict);
        Assert.False(report.HasProblems);
        Assert.Equal(2, table.Numbers("logins_30d")[0]);
        Assert.Equal(1, dataset.Events.Timelines!.EventsBeforeSignup);
        Assert.Contains(report.Notes, n => n.Key.Contains("kept (timelines.eventsBeforeSignup is keep)") && n.Value == 1);
    }

    /// <summary>
    /// C1 churns and keeps logging in and opening tickets; C2 churns, logs in, then buys again (a reactivation); C3 churns and
    /// only gets win-back emails. The cancellation and the later logins sit in different files, read in parallel.
    /// </summary>
    private static TestExport ChurnExport()
    {
        var export = new TestExport();
        foreach (var id in new[] { "C1", "C2", "C3" })
        {
            export.Customer(id, s_signup).Event(id, s_purchase, "purchase").Event(id, s_purchase.AddDays(2), "login").Event(id, s_cancel, "cancellation");
        }
        export.Event("C1", s_cancel.AddDays(20), "login").Event("C1", s_cancel.AddDays(40), "ticket_opened").Event("C1", s_cancel.AddDays(41), "email_open");
        export.Event("C2", s_cancel.AddDays(20), "login").Event("C2", s_cancel.AddDays(30), "purchase").Event("C2", s_cancel.AddDays(31), "login");
        export.Event("C3", s_cancel.AddDays(20), "email_open").Event("C3", s_cancel.AddDays(25), "pricing_page_view");
        return export;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Activity_after_churn_with_no_later_purchase_is_rejected_row_by_row_whatever_the_partitions(int eventFiles)
    {
        using var export = ChurnExport();
        var ex = Assert.Throws<DataValidationException>(() => Build(export.Write(eventFiles, Mapping()), InvalidRowPolicy.Strict));
        Assert.Equal(2, ex.Report.TotalProblems);
        Assert.All(ex.Report.Listed, p => Assert.Contains("after the customer churned on 2025-09-01 (their last cancellation event)", p.Reason));
        Assert.Contains(ex.Report.Listed, p => p.Reason.StartsWith("login after", StringComparison.Ordinal));
        Assert.Contains(ex.Report.Listed, p => p.Reason.StartsWith("ticket_opened after", StringComparison.Ordinal));
        Assert.Equal(2, ex.Report.CountsByReason.Where(c => c.Reason == "activity after churn with no later purchase").Sum(c => c.Count));
    }

    [Fact]
    public void The_rows_named_are_the_rows_in_the_file()
    {
        using var export = ChurnExport();
        var report = Read(export.Write(mapping: Mapping()));
        // Rows 2-10 are the three customers' first three events each; C1's login and ticket after the churn are rows 11 and 12.
        Assert.Equal([11L, 12L], report.Listed.Select(p => p.Row));
    }

    [Fact]
    public void Skip_invalid_keeps_the_rows_after_churn_out_of_the_features_and_counts_them()
    {
        using var export = ChurnExport();
        var (table, report, dataset) = Build(export.Write(3, Mapping()), InvalidRowPolicy.Skip);
        Assert.Equal(2, report.TotalProblems);
        int c1 = Array.IndexOf(table.CustomerIds, "C1");
        // C1's last login is the one before the churn, not the one after it.
        Assert.Equal((float)(TestExport.AsOf - s_purchase.AddDays(2)).TotalDays, table.Numbers("days_since_last_login")[c1], 3);
        Assert.Equal(1, dataset.Events.Timelines!.CustomersWithActivityAfterChurn);
        Assert.Equal(2, dataset.Events.Timelines.ActivityAfterChurnRows);
    }

    [Fact]
    public void Kept_activity_after_churn_is_used_and_the_customers_counted()
    {
        using var export = ChurnExport();
        var (table, report, dataset) = Build(export.Write(2, Mapping("""{ "activityAfterChurn": "keep" }""")), InvalidRowPolicy.Strict);
        Assert.False(report.HasProblems);
        int c1 = Array.IndexOf(table.CustomerIds, "C1");
        Assert.Equal((float)(TestExport.AsOf - s_cancel.AddDays(20)).TotalDays, table.Numbers("days_since_last_login")[c1], 3);
        Assert.Equal("churned", table.Status![c1].Name());
        Assert.Equal(1, dataset.Events.Timelines!.CustomersWithActivityAfterChurn);
        Assert.Contains(report.Notes, n => n.Key.Contains("timelines.activityAfterChurn is keep") && n.Value == 1);
    }

    [Fact]
    public void A_churn_from_the_outcomes_table_counts_and_its_converted_at_after_the_churn_is_a_comeback()
    {
        using var export = new TestExport();
        export.Customer("C1", s_signup).Customer("C2", s_signup)
            .Outcome("C1", s_cancel, s_purchase)
            .Outcome("C2", s_cancel, s_cancel.AddDays(10))
            .Event("C1", s_cancel.AddDays(5), "ticket_opened")
            .Event("C2", s_cancel.AddDays(15), "login");
        var report = Read(export.Write(mapping: Mapping()));
        var problem = Assert.Single(report.Listed);
        Assert.Equal(2, problem.Row);
        Assert.Contains("churned on 2025-09-01 (outcomes churned_at)", problem.Reason);
    }

    [Fact]
    public void An_outcome_before_signup_is_rejected_with_the_outcomes_row_or_kept_as_given()
    {
        using var export = new TestExport();
        export.Customer("C1", s_signup).Customer("C2", s_signup)
            .Outcome("C1", null, s_signup.AddDays(-40))
            .Outcome("C2", s_signup.AddDays(-3), null)
            .Event("C1", s_signup.AddDays(1), "login");
        var report = Read(export.Write(mapping: Mapping()));
        Assert.Equal([("outcomes.csv", 2L, "converted_at"), ("outcomes.csv", 3L, "churned_at")],
            report.Listed.Select(p => (p.File, p.Row, p.Column)));
        Assert.All(report.Listed, p => Assert.Contains("outcome before the customer signed up", p.Reason));

        var kept = new ValidationReport();
        var dataset = Dataset.Open(export.Write(mapping: Mapping("""{ "outcomesBeforeSignup": "keep" }""")), kept);
        Assert.False(kept.HasProblems);
        Assert.Equal(s_signup.AddDays(-40), dataset.Outcomes!.ConvertedAt[0]);
        Assert.Equal(2, TimelineFindings.OutcomesBeforeSignup(kept));
    }

    [Fact]
    public void A_bad_timeline_setting_names_the_setting_and_the_choices()
    {
        using var export = new TestExport();
        export.Customer("C1", s_signup);
        var ex = Assert.Throws<DataFileException>(() => Dataset.Open(export.Write(mapping: Mapping("""{ "activityAfterChurn": "maybe" }""")), new ValidationReport()));
        Assert.Contains("timelines.activityAfterChurn", ex.Message);
        Assert.Contains("is not one of: reject, keep", ex.Message);
    }

    [Fact]
    public void The_grace_is_a_setting_and_a_negative_one_names_the_setting()
    {
        using var export = new TestExport();
        export.Customer("C1", s_signup).Event("C1", s_signup.AddHours(-5), "login");
        Assert.Throws<DataValidationException>(() => Build(export.Write(mapping: Mapping("""{ "graceDays": 0 }""")), InvalidRowPolicy.Strict));
        var ex = Assert.Throws<DataFileException>(() => Dataset.Open(export.Write(mapping: Mapping("""{ "graceDays": -1 }""")), new ValidationReport()));
        Assert.Equal("timelines.graceDays", ex.Column);
    }

    [Fact]
    public void The_committed_samples_hold_no_impossible_timeline()
    {
        foreach (var sample in new[] { Samples.Sample, Samples.CrmExport })
        {
            var report = new ValidationReport();
            var dataset = Dataset.Open(sample, report);
            for (int p = 0; p < dataset.Events.PartitionCount; p++)
            {
                foreach (var _ in dataset.Events.ReadPartition(p, withChannel: false))
                {
                }
            }
            Assert.False(report.HasProblems, report.Format());
            Assert.Equal(new TimelineFindings(dataset.Mapping.Timelines, 0, 0, 0), dataset.Events.Timelines);
        }
    }
}
