using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.SampleData;
using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Tests.SampleData;

[Collection(GeneratedSamplesCollection.Name)]
public sealed class SampleGeneratorTests(GeneratedSamples samples)
{
    private static readonly HashSet<string> s_emailKinds = ["email_open", "email_click"];

    [Fact]
    public void Same_seed_writes_byte_identical_files_and_another_seed_does_not()
    {
        var options = new GeneratorOptions { Customers = 300, Seed = 21, EventsFormat = TableFormat.Parquet, RowGroupSize = 5000 };
        string first = samples.NewDirectory("same-a");
        string second = samples.NewDirectory("same-b");
        string other = samples.NewDirectory("other");
        var summary = new SampleGenerator(options).Generate(first);
        new SampleGenerator(options).Generate(second);
        new SampleGenerator(options with { Seed = 22 }).Generate(other);

        Assert.Equal(8, summary.Files.Count);
        foreach (string file in summary.Files)
        {
            string name = Path.GetFileName(file);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, name))), $"{name} differs between runs");
        }
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "events.parquet")), File.ReadAllBytes(Path.Combine(other, "events.parquet")));
        Assert.NotEqual(File.ReadAllText(Path.Combine(first, "ground_truth.csv")), File.ReadAllText(Path.Combine(other, "ground_truth.csv")));
    }

    [Fact]
    public void Every_contact_has_one_row_in_each_table_with_the_requested_count()
    {
        var (_, summary, data) = samples.Small;
        var ids = data.Customers.Select(c => c["customer_id"]).ToList();
        Assert.Equal(GeneratedSamples.SmallOptions.Customers, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, data.GroundTruth.Select(t => t.CustomerId));
        Assert.Equal(ids.ToHashSet(), data.Outcomes.Keys.ToHashSet());
        Assert.Equal(summary.Events, data.Events.Count);
        Assert.All(data.Events, e => Assert.Contains(e.CustomerId, data.Outcomes.Keys));
        Assert.Equal("C000001", ids[0]);
        Assert.Equal("A00001", data.Customers[0]["account_id"]);
    }

    [Fact]
    public void Horizon_outcomes_are_backed_by_lifecycle_events()
    {
        var (_, _, data) = samples.Small;
        var o = GeneratedSamples.SmallOptions;
        var horizonEnd = o.ReferenceAsOf.AddDays(o.HorizonDays);
        Assert.Contains(data.GroundTruth, t => t.ChurnedInHorizon);
        Assert.Contains(data.GroundTruth, t => t.ConvertedInHorizon);
        foreach (var truth in data.GroundTruth)
        {
            var events = data.EventsByCustomer[truth.CustomerId].ToList();
            var outcome = data.Outcomes[truth.CustomerId];
            if (truth.ChurnedInHorizon)
            {
                Assert.Equal("customer", truth.Status);
                var cancellation = Assert.Single(events, e => e.Type == "cancellation");
                Assert.InRange(cancellation.OccurredAt, o.ReferenceAsOf.AddTicks(1), horizonEnd);
                Assert.Equal(cancellation.OccurredAt, outcome.ChurnedAt);
            }
            if (truth.ConvertedInHorizon)
            {
                Assert.Equal("lead", truth.Status);
                var purchase = Assert.Single(events, e => e.Type == "purchase");
                Assert.InRange(purchase.OccurredAt, o.ReferenceAsOf.AddTicks(1), horizonEnd);
                Assert.Equal(purchase.OccurredAt, outcome.ConvertedAt);
            }
        }
    }

    [Fact]
    public void Status_at_as_of_agrees_with_outcomes_and_probabilities_are_given_where_they_apply()
    {
        var (_, _, data) = samples.Small;
        var asOf = GeneratedSamples.SmallOptions.ReferenceAsOf;
        foreach (var truth in data.GroundTruth)
        {
            var outcome = data.Outcomes[truth.CustomerId];
            switch (truth.Status)
            {
                case "customer":
                    Assert.True(outcome.ConvertedAt < asOf);
                    Assert.False(outcome.ChurnedAt <= asOf);
                    Assert.InRange(truth.ChurnProbability!.Value, 0, 1);
                    Assert.Null(truth.ConversionProbability);
                    break;
                case "lead":
                    Assert.False(outcome.ConvertedAt <= asOf);
                    Assert.InRange(truth.ConversionProbability!.Value, 0, 1);
                    Assert.Null(truth.ChurnProbability);
                    break;
                default:
                    Assert.Equal("churned", truth.Status);
                    Assert.True(outcome.ChurnedAt < asOf);
                    Assert.Null(truth.ChurnProbability);
                    Assert.Null(truth.ConversionProbability);
                    break;
            }
        }
        Assert.Contains(data.GroundTruth, t => t.Status == "churned");
    }

    [Fact]
    public void Events_stay_inside_the_export_window_and_only_emails_follow_a_cancellation()
    {
        var (_, _, data) = samples.Small;
        var o = GeneratedSamples.SmallOptions;
        Assert.All(data.Events, e => Assert.InRange(e.OccurredAt, o.DataStart, o.DataAsOf.AddTicks(-1)));
        foreach (var (id, outcome) in data.Outcomes)
        {
            if (outcome.ChurnedAt is DateTime churned && churned >= o.DataStart)
            {
                var after = data.EventsByCustomer[id].Where(e => e.OccurredAt > churned).ToList();
                Assert.All(after, e => Assert.Contains(e.Type, s_emailKinds));
                Assert.Contains(data.EventsByCustomer[id], e => e.Type == "cancellation" && e.OccurredAt == churned);
            }
            if (outcome.ConvertedAt is DateTime converted && converted >= o.DataStart)
            {
                Assert.Contains(data.EventsByCustomer[id], e => e.Type == "purchase" && e.OccurredAt == converted);
            }
        }
    }

    [Fact]
    public void Events_carry_values_where_meaningful_and_some_attributes_are_missing()
    {
        var (_, _, data) = samples.Large;
        Assert.All(data.Events.Where(e => e.Type == "ticket_opened"), e => Assert.InRange(e.Value!.Value, 1, 4));
        Assert.All(data.Events.Where(e => e.Type == "login"), e => Assert.True(e.Value > 0));
        Assert.All(data.Events.Where(e => e.Type is "page_view" or "purchase"), e => Assert.Null(e.Value));
        double missingChannel = data.Events.Count(e => e.Channel is null) / (double)data.Events.Count;
        Assert.InRange(missingChannel, 0.01, 0.03);
        double missingRole = data.Customers.Count(c => c["role"].Length == 0) / (double)data.Customers.Count;
        Assert.InRange(missingRole, 0.02, 0.07);
        Assert.Subset(new HashSet<string> { "", "decision-maker", "finance", "it", "user" }, data.Customers.Select(c => c["role"]).ToHashSet());
        Assert.Subset(new HashSet<string> { "", "emea", "na", "apac", "latam" }, data.Customers.Select(c => c["region"]).ToHashSet());
        double weekendLogins = data.Events.Count(e => e.Type == "login" && e.OccurredAt.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            / (double)data.Events.Count(e => e.Type == "login");
        Assert.InRange(weekendLogins, 0.01, 0.12); // 2/7 of days, far fewer logins
    }

    [Fact]
    public void Seven_segments_are_planted_and_all_present()
    {
        var (directory, summary, data) = samples.Small;
        Assert.Equal(7, data.GroundTruth.Select(t => t.SegmentId).Distinct().Count());
        Assert.Equal(7, summary.CustomersPerSegment.Count);
        Assert.All(summary.CustomersPerSegment.Values, count => Assert.True(count > 0));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "ground_truth.json")));
        var segments = json.RootElement.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(7, segments.Count);
        Assert.Equal(data.GroundTruth.Count, segments.Sum(s => s.GetProperty("count").GetInt32()));
        foreach (var segment in segments)
        {
            Assert.False(string.IsNullOrWhiteSpace(segment.GetProperty("description").GetString()));
            Assert.Equal(
                data.GroundTruth.Count(t => t.SegmentId == segment.GetProperty("id").GetInt32() && t.Segment == segment.GetProperty("name").GetString()),
                segment.GetProperty("count").GetInt32());
        }
        Assert.Equal(11, json.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal(90, json.RootElement.GetProperty("horizonDays").GetInt32());
        Assert.Equal("2026-04-01T00:00:00Z", json.RootElement.GetProperty("referenceAsOf").GetString());
    }

    [Fact]
    public void Realised_churn_and_conversion_follow_the_true_probabilities()
    {
        var (_, summary, data) = samples.Large;
        var active = data.GroundTruth.Where(t => t.ChurnProbability.HasValue).OrderBy(t => t.ChurnProbability).ToList();
        double lowChurn = active.Take(active.Count / 2).Average(t => t.ChurnedInHorizon ? 1.0 : 0);
        double highChurn = active.Skip(active.Count / 2).Average(t => t.ChurnedInHorizon ? 1.0 : 0);
        Assert.True(highChurn > 2 * lowChurn, $"churn among high-probability customers {highChurn:P1}, low {lowChurn:P1}");

        var leads = data.GroundTruth.Where(t => t.ConversionProbability.HasValue).OrderBy(t => t.ConversionProbability).ToList();
        double lowConversion = leads.Take(leads.Count / 2).Average(t => t.ConvertedInHorizon ? 1.0 : 0);
        double highConversion = leads.Skip(leads.Count / 2).Average(t => t.ConvertedInHorizon ? 1.0 : 0);
        Assert.True(highConversion > 2 * lowConversion, $"conversion among high-probability leads {highConversion:P1}, low {lowConversion:P1}");

        // Calibration overall: realised rates match the mean true probability, and land in the intended ranges.
        Assert.InRange(summary.ChurnRate, 0.12, 0.24);
        Assert.InRange(summary.ConversionRate, 0.10, 0.25);
        Assert.InRange(summary.ChurnRate - active.Average(t => t.ChurnProbability!.Value), -0.04, 0.04);
        Assert.InRange(summary.ConversionRate - leads.Average(t => t.ConversionProbability!.Value), -0.05, 0.05);
        Assert.InRange(summary.Events / (double)summary.Customers, 60, 150);
    }

    [Fact]
    public void Declining_customers_log_in_less_in_the_last_30_days_than_in_the_30_before()
    {
        var (_, _, data) = samples.Small;
        var asOf = GeneratedSamples.SmallOptions.ReferenceAsOf;
        var declining = data.GroundTruth.Where(t => t.Segment == "declining").Select(t => t.CustomerId).ToList();
        var steady = data.GroundTruth.Where(t => t.Segment == "steady").Select(t => t.CustomerId).ToList();
        Assert.NotEmpty(declining);

        (int Last, int Before) Logins(IEnumerable<string> ids)
        {
            var logins = ids.SelectMany(id => data.EventsByCustomer[id]).Where(e => e.Type == "login").ToList();
            return (logins.Count(e => e.OccurredAt > asOf.AddDays(-30) && e.OccurredAt <= asOf),
                logins.Count(e => e.OccurredAt > asOf.AddDays(-60) && e.OccurredAt <= asOf.AddDays(-30)));
        }

        var (last, before) = Logins(declining);
        Assert.True(last < 0.5 * before, $"declining: {last} logins in the last 30 days, {before} in the 30 before");
        var (steadyLast, steadyBefore) = Logins(steady);
        Assert.InRange(steadyLast / (double)steadyBefore, 0.75, 1.33);
    }

    [Fact]
    public void Support_heavy_customers_open_more_tickets_and_more_lately()
    {
        var (_, _, data) = samples.Large;
        var asOf = GeneratedSamples.LargeOptions.ReferenceAsOf;
        double TicketsPerContact(string segment, int fromDaysBefore, int toDaysBefore)
        {
            var ids = data.GroundTruth.Where(t => t.Segment == segment).Select(t => t.CustomerId).ToList();
            return ids.Sum(id => data.EventsByCustomer[id].Count(e => e.Type == "ticket_opened"
                && e.OccurredAt > asOf.AddDays(-fromDaysBefore) && e.OccurredAt <= asOf.AddDays(-toDaysBefore))) / (double)ids.Count;
        }
        Assert.True(TicketsPerContact("support_heavy", 90, 0) > 4 * TicketsPerContact("steady", 90, 0));
        Assert.True(TicketsPerContact("support_heavy", 30, 0) > 1.5 * TicketsPerContact("support_heavy", 90, 60));
    }

    [Fact]
    public void Segments_are_recoverable_by_kmeans_on_90_day_behaviour()
    {
        var (directory, _, data) = samples.Large;
        var dataset = Dataset.Open(directory, new ValidationReport());
        var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = GeneratedSamples.LargeOptions.ReferenceAsOf });
        var planted = data.GroundTruth.ToDictionary(t => t.CustomerId, t => t.SegmentId);
        var result = BehaviourSegmentation.Train(table, new SegmentationOptions { FixedK = 7 });
        double ari = ClusterAgreement.AdjustedRandIndex(result.Assignments, table.CustomerIds.Select(id => planted[id]).ToArray());
        Assert.True(ari >= 0.8, $"adjusted Rand index {ari:F3}");
    }

    [Fact]
    public void Parquet_and_csv_outputs_hold_the_same_rows()
    {
        var options = new GeneratorOptions { Customers = 250, Seed = 5, RowGroupSize = 3000 };
        string csv = samples.NewDirectory("csv");
        string parquet = samples.NewDirectory("parquet");
        new SampleGenerator(options).Generate(csv);
        var summary = new SampleGenerator(options with { Format = TableFormat.Parquet }).Generate(parquet);
        Assert.All(summary.Files.Where(f => f.EndsWith(".parquet", StringComparison.Ordinal)), f => Assert.True(File.Exists(f)));

        foreach (string table in new[] { "customers", "events", "outcomes", "ground_truth" })
        {
            var fromCsv = TableFiles.ReadCsv(Path.Combine(csv, table + ".csv"));
            var fromParquet = TableFiles.ReadParquetAsText(Path.Combine(parquet, table + ".parquet"));
            Assert.Equal(fromCsv.Count, fromParquet.Count);
            for (int i = 0; i < fromCsv.Count; i++)
            {
                Assert.Equal(fromCsv[i], fromParquet[i]);
            }
        }
    }

    [Fact]
    public void Canonical_mapping_file_points_at_the_files_written()
    {
        string directory = samples.NewDirectory("mapping");
        new SampleGenerator(new GeneratorOptions { Customers = 50, EventsFormat = TableFormat.Parquet }).Generate(directory);
        Assert.Equal(
            """{"dataAsOf":"2026-07-01T00:00:00Z","dataStart":"2025-04-01T00:00:00Z","customers":{"path":"customers.csv"},"events":{"path":"events.parquet"},"outcomes":{"path":"outcomes.csv"}}""",
            JsonSerializer.Serialize(JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "journeyml.json"))).RootElement));
    }

    [Fact]
    public void Crm_dialect_writes_renamed_columns_and_the_mapping_back_to_canonical_names()
    {
        string directory = samples.NewDirectory("crm");
        new SampleGenerator(new GeneratorOptions { Customers = 300, Seed = 7, Dialect = ExportDialect.Crm }).Generate(directory);

        var contacts = TableFiles.ParseCsv(File.ReadAllText(Path.Combine(directory, "contacts.csv")));
        Assert.Equal(["Contact ID", "Company ID", "Create Date", "Plan Tier", "Buying Role", "Country/Region", "Company Size", "Industry"], contacts[0]);
        var activities = TableFiles.ReadCsv(Path.Combine(directory, "activities.csv"));
        Assert.Equal(["Contact ID", "Activity Date", "Activity Type", "Source", "Value"], activities[0].Keys.ToArray());
        Assert.Equal(["Contact ID", "Churn Date", "Close Date"], TableFiles.ParseCsv(File.ReadAllText(Path.Combine(directory, "outcomes.csv")))[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", activities[0]["Activity Date"]);
        Assert.Contains(activities, a => a["Activity Type"] == "Logged In");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "journeyml.json")));
        var root = json.RootElement;
        Assert.Equal("2026-07-01T00:00:00Z", root.GetProperty("dataAsOf").GetString());
        Assert.Equal("yyyy-MM-dd HH:mm:ss", root.GetProperty("timeFormat").GetString());
        var customers = root.GetProperty("customers");
        Assert.Equal("contacts.csv", customers.GetProperty("path").GetString());
        Assert.Equal("Contact ID", customers.GetProperty("columns").GetProperty("customerId").GetString());
        Assert.Equal("Country/Region", customers.GetProperty("columns").GetProperty("region").GetString());
        Assert.Equal(6, customers.GetProperty("columns").EnumerateObject().Count());
        var roles = customers.GetProperty("roles");
        Assert.Equal("decision-maker", roles.GetProperty("Economic Buyer").GetString());
        Assert.All(contacts.Skip(1).Select(c => c[4]).Where(r => r.Length > 0), r => Assert.True(roles.TryGetProperty(r, out _), r));

        var events = root.GetProperty("events");
        Assert.Equal("activities.csv", events.GetProperty("path").GetString());
        Assert.Equal("Activity Type", events.GetProperty("columns").GetProperty("type").GetString());
        var types = events.GetProperty("types");
        Assert.Equal("ticket_opened", types.GetProperty("Support Ticket Created").GetString());
        Assert.Equal("purchase", types.GetProperty("Closed Won").GetString());
        Assert.Equal("cancellation", types.GetProperty("Subscription Cancelled").GetString());
        Assert.All(activities.Select(a => a["Activity Type"]).Distinct(), t => Assert.True(types.TryGetProperty(t, out _), t));
        var outcomes = root.GetProperty("outcomes");
        Assert.Equal("Close Date", outcomes.GetProperty("columns").GetProperty("convertedAt").GetString());
        Assert.Equal("Churn Date", outcomes.GetProperty("columns").GetProperty("churnedAt").GetString());
    }

    [Fact]
    public void Csv_fields_with_separators_are_quoted_per_rfc_4180()
    {
        string path = Path.Combine(samples.NewDirectory("quote"));
        Directory.CreateDirectory(path);
        string file = Path.Combine(path, "t.csv");
        using (var writer = TableWriter.Create(file, TableFormat.Csv, [new("a", ColumnType.Text), new("b", ColumnType.OptionalText)], "o", 10))
        {
            writer.Text("x,y");
            writer.Text("say \"hi\"\nthere");
            writer.EndRow();
        }
        var rows = TableFiles.ParseCsv(File.ReadAllText(file));
        Assert.Equal(["x,y", "say \"hi\"\nthere"], rows[1]);
        Assert.Contains("\"say \"\"hi\"\"", File.ReadAllText(file));
    }
}
