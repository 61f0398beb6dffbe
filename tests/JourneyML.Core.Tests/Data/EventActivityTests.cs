using JourneyML.Core.Data;

namespace JourneyML.Core.Tests.Data;

public sealed class EventActivityTests
{
    // 2026-02-02 is a Monday; the export starts mid-week before it and ends mid-week after the last whole week.
    private static readonly DateTime Monday = new(2026, 2, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Counts_events_per_whole_week_and_family_and_the_customers_active_each_week()
    {
        using var export = new TestExport();
        export.Customer("A", Monday.AddDays(-30)).Customer("B", Monday.AddDays(-30))
            .Event("A", Monday.AddDays(-2), "login")                 // before the first whole week: left out
            .Event("A", Monday.AddHours(1), "login")
            .Event("A", Monday.AddDays(6).AddHours(23), "login")     // Sunday night: still week 1
            .Event("B", Monday.AddDays(3), "ticket_opened")
            .Event("B", Monday.AddDays(7), "page_view")              // week 2
            .Event("B", Monday.AddDays(8), "pricing_page_view")
            .Event("A", Monday.AddDays(15), "login");                // week 3 ends after the data's as-of date: left out
        var dataset = Dataset.Open(export.Write(mapping: """{ "dataAsOf": "2026-02-18T00:00:00Z", "dataStart": "2026-01-29T00:00:00Z" }"""), new ValidationReport());

        var activity = EventActivity.Weekly(dataset);

        Assert.Equal([Monday, Monday.AddDays(7)], activity.Weeks);
        Assert.Equal([2L, 0L], activity.Events[EventFamily.Login]);
        Assert.Equal([1L, 0L], activity.Events[EventFamily.Ticket]);
        Assert.Equal([0L, 1L], activity.Events[EventFamily.Content]);
        Assert.Equal([0L, 1L], activity.Events[EventFamily.PricingPage]);
        Assert.Equal([2, 1], activity.ActiveCustomers);
        Assert.Equal(3, activity.TotalEvents(0));
    }

    [Fact]
    public void Without_a_data_start_the_first_whole_week_follows_the_first_event()
    {
        using var export = new TestExport();
        export.Customer("A", Monday.AddDays(-30))
            .Event("A", Monday.AddDays(-5), "login")
            .Event("A", Monday.AddDays(1), "login");
        var dataset = Dataset.Open(export.Write(mapping: """{ "dataAsOf": "2026-02-10T00:00:00Z" }"""), new ValidationReport());

        var activity = EventActivity.Weekly(dataset);

        Assert.Equal([Monday], activity.Weeks);
        Assert.Equal([1L], activity.Events[EventFamily.Login]);
    }
}
