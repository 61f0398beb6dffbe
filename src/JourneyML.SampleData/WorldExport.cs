using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// Writes the subscription or small world: customers (the world's own columns), events (the world's own event names),
/// outcomes where the world exports them, the ground truth (same columns as the B2B world's) and ground_truth.json with
/// the planted drivers, and journeyml.json mapping the world's event names to canonical ones.
/// </summary>
internal static class WorldExport
{
    private static readonly IReadOnlyList<TableColumn> s_eventColumns =
    [
        new("customer_id", ColumnType.Text),
        new("occurred_at", ColumnType.Time),
        new("type", ColumnType.Text),
        new("channel", ColumnType.OptionalText),
        new("value", ColumnType.OptionalNumber),
    ];

    private static readonly IReadOnlyList<TableColumn> s_outcomeColumns =
    [
        new("customer_id", ColumnType.Text),
        new("churned_at", ColumnType.OptionalTime),
        new("converted_at", ColumnType.OptionalTime),
    ];

    public static GenerationSummary Write(GeneratorOptions options, string directory, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(directory);
        var profile = PlantedWorld.For(options.World);
        var world = new SimulatedWorld(options);
        var eventsFormat = options.EventsFormat ?? options.Format;
        string Path(string name, TableFormat format) => System.IO.Path.Combine(directory, name + (format == TableFormat.Parquet ? ".parquet" : ".csv"));
        var customersPath = Path("customers", options.Format);
        var eventsPath = Path("events", eventsFormat);
        var outcomesPath = profile.HasOutcomesTable ? Path("outcomes", options.Format) : null;
        var groundTruthPath = Path("ground_truth", options.Format);
        var stagePathsPath = Path(PlantedStagePaths.FileName, options.Format);
        var survivalTruthPath = Path(PlantedSurvival.FileName, options.Format);
        var stats = new WorldStatistics(profile.Segments.Count);
        int units = 0;
        var planted = options.Interventions ? new PlantedInterventions(world, directory, options.Format) : null;
        using (var customers = TableWriter.Create(customersPath, options.Format, profile.CustomerColumns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var events = TableWriter.Create(eventsPath, eventsFormat, s_eventColumns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var outcomes = outcomesPath is null ? null : TableWriter.Create(outcomesPath, options.Format, s_outcomeColumns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var groundTruth = TableWriter.Create(groundTruthPath, options.Format, ExportDialectNames.GroundTruthColumns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var stagePaths = TableWriter.Create(stagePathsPath, options.Format, PlantedStagePaths.Columns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var survivalTruth = TableWriter.Create(survivalTruthPath, options.Format, PlantedSurvival.Columns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        {
            while (stats.Customers < options.Customers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int size = Math.Min(WorldSimulation.DrawSize(options.World, options.Seed, units), options.Customers - stats.Customers);
                foreach (var contact in new WorldSimulation(world, profile, units, stats.Customers + 1).Run(size))
                {
                    if (planted?.Plant(contact.CustomerId, profile.Segments[contact.Segment].Name, contact.StatusAtAsOf,
                            contact.ChurnProbability, contact.ChurnedInHorizon, contact.ChurnedSecond).Prevented == true)
                    {
                        contact.ChurnedSecond = PlantedInterventions.KeepCustomer(contact.Events, world);
                        contact.ChurnedInHorizon = false;
                    }
                    WriteContact(contact, world, profile, customers, events, outcomes, groundTruth);
                    PlantedStagePaths.Write(stagePaths, contact.CustomerId, contact.PlantedPath ?? PlantedStagePaths.ForWorld(contact, SimulatedWorld.ToSecond(contact.SignUp)), world);
                    PlantedSurvival.Write(survivalTruth, world, contact.CustomerId, contact.StatusAtAsOf, contact.ChurnProbability, contact.ChurnedSecond);
                    stats.Add(contact);
                }
                units++;
                if (units % 500 == 0)
                {
                    progress?.Report((double)stats.Customers / options.Customers);
                }
            }
        }
        var groundTruthJsonPath = System.IO.Path.Combine(directory, "ground_truth.json");
        var mappingPath = System.IO.Path.Combine(directory, "journeyml.json");
        planted?.Finish();
        WriteGroundTruthJson(groundTruthJsonPath, options, profile, stats, profile.HasAccounts ? units : 0);
        WriteMapping(mappingPath, options, profile, customersPath, eventsPath, outcomesPath);
        progress?.Report(1.0);
        string[] files = [customersPath, eventsPath, .. outcomesPath is null ? Array.Empty<string>() : [outcomesPath], groundTruthPath, groundTruthJsonPath, stagePathsPath, survivalTruthPath, mappingPath,
            .. planted is null ? Array.Empty<string>() : [planted.RowsPath, planted.TruthPath, planted.TruthJsonPath]];
        return new GenerationSummary(directory, stats.Customers, profile.HasAccounts ? units : 0, stats.Events,
            profile.Segments.ToDictionary(s => s.Name, s => stats.PerSegment[s.Id]), stats.ChurnRate, stats.ConversionRate, stopwatch.Elapsed, files);
    }

    private static void WriteContact(WorldContact c, SimulatedWorld world, PlantedWorld profile,
        TableWriter customers, TableWriter events, TableWriter? outcomes, TableWriter groundTruth)
    {
        foreach (var column in profile.CustomerColumns)
        {
            switch (column.Name)
            {
                case "customer_id":
                    customers.Text(c.CustomerId);
                    break;
                case "account_id":
                    customers.Text(c.AccountId);
                    break;
                case "signed_up_at":
                    customers.Time(world.ToDateTime(SimulatedWorld.ToSecond(c.SignUp)));
                    break;
                case "plan":
                    customers.Text(c.Plan);
                    break;
                case "role":
                    customers.Text(c.Role);
                    break;
                case "region":
                    customers.Text(c.Region);
                    break;
                default:
                    var value = c.Attributes[column.Name];
                    if (column.Type == ColumnType.Integer)
                    {
                        customers.Integer(int.Parse(value, CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        customers.Text(value);
                    }
                    break;
            }
        }
        customers.EndRow();

        foreach (var e in c.Events)
        {
            events.Text(c.CustomerId);
            events.Time(world.ToDateTime(e.Second));
            events.Text(profile.TypeName(e.Kind));
            events.Text(ExportDialectNames.ChannelName(e.Channel));
            events.Number(double.IsNaN(e.Value) ? null : e.Value);
            events.EndRow();
        }

        if (outcomes is not null)
        {
            outcomes.Text(c.CustomerId);
            outcomes.Time(c.ChurnedSecond is long churned ? world.ToDateTime(churned) : null);
            outcomes.Time(c.ConvertedSecond is long converted ? world.ToDateTime(converted) : null);
            outcomes.EndRow();
        }

        groundTruth.Text(c.CustomerId);
        groundTruth.Integer(c.Segment);
        groundTruth.Text(profile.Segments[c.Segment].Name);
        groundTruth.Text(c.StatusAtAsOf switch
        {
            LifecycleStatus.Customer => "customer",
            LifecycleStatus.Churned => "churned",
            _ => "lead",
        });
        groundTruth.Number(c.StatusAtAsOf == LifecycleStatus.Customer ? c.ChurnProbability : null);
        groundTruth.Number(c.StatusAtAsOf == LifecycleStatus.Lead ? c.ConversionProbability : null);
        groundTruth.Integer(c.ChurnedInHorizon ? 1 : 0);
        groundTruth.Integer(c.ConvertedInHorizon ? 1 : 0);
        groundTruth.EndRow();
    }

    private static void WriteGroundTruthJson(string path, GeneratorOptions options, PlantedWorld profile, WorldStatistics stats, int accounts)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("generator", "JourneyML.SampleData");
        json.WriteString("generatorVersion", SampleGenerator.GeneratorVersion);
        json.WriteString("world", GeneratorWorlds.NameOf(profile.World));
        json.WriteString("description", profile.Description);
        json.WriteNumber("seed", options.Seed);
        json.WriteString("dataStart", Iso(options.DataStart));
        json.WriteString("dataAsOf", Iso(options.DataAsOf));
        json.WriteString("referenceAsOf", Iso(options.ReferenceAsOf));
        json.WriteNumber("horizonDays", options.HorizonDays);
        json.WriteNumber("customers", stats.Customers);
        json.WriteNumber("accounts", accounts);
        json.WriteNumber("events", stats.Events);
        json.WriteBoolean("hasAccounts", profile.HasAccounts);
        json.WriteBoolean("hasLeadFunnel", profile.HasLeadFunnel);
        json.WriteNumber("customersActiveAtAsOf", stats.ActiveCustomers);
        json.WriteNumber("leadsAtAsOf", stats.Leads);
        json.WriteNumber("churnedBeforeAsOf", stats.ChurnedBefore);
        json.WriteNumber("churnRate", Math.Round(stats.ChurnRate, 4));
        json.WriteNumber("conversionRate", Math.Round(stats.ConversionRate, 4));
        json.WriteStartArray("segments");
        foreach (var segment in profile.Segments)
        {
            json.WriteStartObject();
            json.WriteNumber("id", segment.Id);
            json.WriteString("name", segment.Name);
            json.WriteString("description", segment.Description);
            json.WriteString("lifecycle", segment.IsLead ? "lead" : "customer");
            json.WriteNumber("count", stats.PerSegment[segment.Id]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WritePropertyName("plantedDrivers");
        JsonSerializer.Serialize(json, profile.Drivers, GroundTruthJson.Default.IReadOnlyListPlantedDriver);
        json.WriteEndObject();
    }

    private static void WriteMapping(string path, GeneratorOptions options, PlantedWorld profile, string customersPath, string eventsPath, string? outcomesPath)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("dataAsOf", Iso(options.DataAsOf));
        json.WriteString("dataStart", Iso(options.DataStart));
        if (profile.ChurnedKeepAccess)
        {
            json.WriteStartObject("timelines");
            json.WriteString("activityAfterChurn", "keep");
            json.WriteEndObject();
        }
        json.WriteStartObject("customers");
        json.WriteString("path", System.IO.Path.GetFileName(customersPath));
        json.WriteEndObject();
        json.WriteStartObject("events");
        json.WriteString("path", System.IO.Path.GetFileName(eventsPath));
        if (profile.EventNames.Count > 0)
        {
            json.WriteStartObject("types");
            foreach (var (kind, name) in profile.EventNames.Where(n => n.Value != n.Key.CanonicalName()))
            {
                json.WriteString(name, kind.CanonicalName());
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        if (outcomesPath is not null)
        {
            json.WriteStartObject("outcomes");
            json.WriteString("path", System.IO.Path.GetFileName(outcomesPath));
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static string Iso(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString(ExportDialectNames.CanonicalTimeFormat, CultureInfo.InvariantCulture);

    private sealed class WorldStatistics(int segments)
    {
        public int Customers { get; private set; }
        public long Events { get; private set; }
        public int[] PerSegment { get; } = new int[segments];
        public int ActiveCustomers { get; private set; }
        public int Leads { get; private set; }
        public int ChurnedBefore { get; private set; }
        private int _churned;
        private int _converted;

        public double ChurnRate => ActiveCustomers == 0 ? 0 : (double)_churned / ActiveCustomers;
        public double ConversionRate => Leads == 0 ? 0 : (double)_converted / Leads;

        public void Add(WorldContact c)
        {
            Customers++;
            Events += c.Events.Count;
            PerSegment[c.Segment]++;
            switch (c.StatusAtAsOf)
            {
                case LifecycleStatus.Customer:
                    ActiveCustomers++;
                    _churned += c.ChurnedInHorizon ? 1 : 0;
                    break;
                case LifecycleStatus.Lead:
                    Leads++;
                    _converted += c.ConvertedInHorizon ? 1 : 0;
                    break;
                default:
                    ChurnedBefore++;
                    break;
            }
        }
    }
}
