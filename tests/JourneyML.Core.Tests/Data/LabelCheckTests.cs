using JourneyML.Core.Data;

namespace JourneyML.Core.Tests.Data;

public sealed class LabelCheckTests
{
    private static readonly DateTime s_signup = new(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static LabelCheck Check(string folder)
    {
        var report = new ValidationReport();
        var dataset = Dataset.Open(folder, report);
        Assert.Null(LabelCheck.Of(dataset));
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var _ in dataset.Events.ReadPartition(p, withChannel: false))
            {
            }
        }
        return LabelCheck.Of(dataset)!;
    }

    private static LabelAvailability Label(LabelCheck check, string name) => check.Labels.Single(l => l.Label == name);

    /// <summary>A subscription export with its own event names whose cancellation name the mapping forgot.</summary>
    private static TestExport Subscriptions()
    {
        var export = new TestExport();
        for (int i = 0; i < 3; i++)
        {
            export.Customer($"U{i}", s_signup).Event($"U{i}", s_signup.AddDays(1), "Subscribed").Event($"U{i}", s_signup.AddDays(2), "App Opened");
        }
        export.Event("U0", s_signup.AddDays(60), "Subscription Cancelled").Event("U1", s_signup.AddDays(70), "Subscription Cancelled")
            .Event("U2", s_signup.AddDays(80), "Survey Sent");
        return export;
    }

    private const string SubscriptionTypes = """ "events": { "types": { "Subscribed": "purchase", "App Opened": "login" } } """;

    [Fact]
    public void An_unmapped_cancellation_with_no_outcomes_table_says_no_churn_label_can_exist_and_what_to_map()
    {
        using var export = Subscriptions();
        var check = Check(export.Write(mapping: $$"""{ "dataAsOf": "2026-07-01T00:00:00Z", {{SubscriptionTypes}} }"""));
        var churn = Label(check, LabelCheck.Churn);
        Assert.False(churn.CanExist);
        Assert.Contains("no event type is mapped to 'cancellation' in events.types", churn.Missing);
        Assert.Contains("there is no outcomes table", churn.Missing);
        Assert.Contains("\"Subscription Cancelled\": \"cancellation\"", churn.Missing);
        Assert.True(Label(check, LabelCheck.Conversion).CanExist);
        Assert.False(check.NoLabel);
        Assert.Equal([("Subscription Cancelled", 2L), ("Survey Sent", 1L)], check.UnmappedTypes);
        var text = check.Format();
        Assert.Contains("'Subscription Cancelled' 2, 'Survey Sent' 1", text);
        Assert.Contains("Warning: `train` will train only the lead model", text);
    }

    [Fact]
    public void Mapping_the_cancellation_or_giving_churned_at_makes_churn_labels_possible()
    {
        using var export = Subscriptions();
        var mapped = Check(export.Write(mapping: """
            { "dataAsOf": "2026-07-01T00:00:00Z", "events": { "types": { "Subscribed": "purchase", "App Opened": "login", "Subscription Cancelled": "cancellation" } } }
            """));
        Assert.All(mapped.Labels, l => Assert.True(l.CanExist));
        Assert.Equal("2 cancellation events, no outcomes table", Label(mapped, LabelCheck.Churn).Evidence);

        export.Outcome("U0", s_signup.AddDays(60), s_signup.AddDays(1));
        var outcomes = Check(export.Write(mapping: $$"""{ "dataAsOf": "2026-07-01T00:00:00Z", {{SubscriptionTypes}} }"""));
        Assert.True(Label(outcomes, LabelCheck.Churn).CanExist);
    }

    [Fact]
    public void A_mapped_name_that_never_occurs_is_named_and_trials_are_not_conversions()
    {
        using var export = new TestExport();
        export.Customer("L1", s_signup).Event("L1", s_signup.AddDays(1), "Trial Started").Event("L1", s_signup.AddDays(2), "login");
        var check = Check(export.Write(mapping: """
            { "dataAsOf": "2026-07-01T00:00:00Z", "events": { "types": { "Trial Started": "trial_started", "Closed Won": "purchase", "Churned": "cancellation" } } }
            """));
        var conversion = Label(check, LabelCheck.Conversion);
        Assert.Contains("'Closed Won' is mapped to 'purchase' but no such event is in the data", conversion.Missing);
        Assert.Contains("1 trial_started events start a trial; a conversion is a purchase", conversion.Missing);
        Assert.Contains("'Churned' is mapped to 'cancellation' but no such event is in the data", Label(check, LabelCheck.Churn).Missing);
        Assert.True(check.NoLabel);
        Assert.Contains("Error: neither label can exist", check.Format());
    }

    [Fact]
    public void Cancellations_without_any_paying_customer_give_no_churn_label()
    {
        using var export = new TestExport();
        export.Customer("C1", s_signup).Event("C1", s_signup.AddDays(1), "login").Event("C1", s_signup.AddDays(30), "cancellation");
        var churn = Label(Check(export.Write()), LabelCheck.Churn);
        Assert.False(churn.CanExist);
        Assert.Contains("no customer ever becomes a paying customer", churn.Missing);
    }
}
