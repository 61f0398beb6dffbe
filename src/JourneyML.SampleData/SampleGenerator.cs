using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// Generates a realistic export of one world (<see cref="GeneratorOptions.World"/>: the B2B SaaS one below, or the subscription
/// and small worlds of <see cref="WorldExport"/>). The B2B SaaS export (customers, events, outcomes) with known ground truth: planted
/// behavioural segments and the true churn and conversion probability of every contact at the reference
/// as-of date. Deterministic for a seed, streamed in chunks of accounts so 1,000,000 contacts fit in memory.
/// </summary>
public sealed class SampleGenerator(GeneratorOptions options)
{
    public const string GeneratorVersion = "1.0.0";

    /// <summary>Contacts simulated per chunk: bounds memory (about 100 events each) while both cores stay busy.</summary>
    private const int ChunkCustomers = 20_000;

    public GenerationSummary Generate(string outputDirectory, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        Validate(options);
        if (options.World != GeneratorWorld.B2bSaas)
        {
            return Task.Run(() => WorldExport.Write(options, Path.GetFullPath(outputDirectory), progress, cancellationToken), cancellationToken).GetAwaiter().GetResult();
        }
        // The Parquet writer is async underneath; running off any caller's synchronisation context keeps its blocking waits safe.
        return Task.Run(() => Run(Path.GetFullPath(outputDirectory), progress, cancellationToken), cancellationToken).GetAwaiter().GetResult();
    }

    private static void Validate(GeneratorOptions o)
    {
        if (o.Customers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Customers must be at least 1.");
        }
        if (o.HorizonDays < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "HorizonDays must be at least 3.");
        }
        if (o.World != GeneratorWorld.B2bSaas && o.Dialect != ExportDialect.Canonical)
        {
            throw new ArgumentException("The CRM dialect belongs to the B2B SaaS world; the other worlds write their own names.", nameof(options));
        }
        if (o.RowGroupSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RowGroupSize must be at least 1.");
        }
        if (!(o.DataStart < o.ReferenceAsOf && o.ReferenceAsOf.AddDays(o.HorizonDays) <= o.DataAsOf))
        {
            throw new ArgumentException("Dates must satisfy DataStart < ReferenceAsOf and ReferenceAsOf + HorizonDays <= DataAsOf.", nameof(options));
        }
    }

    private GenerationSummary Run(string directory, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(directory);
        var world = new SimulatedWorld(options);
        var names = ExportDialectNames.For(options.Dialect);
        var eventsFormat = options.EventsFormat ?? options.Format;

        string customersPath = Path.Combine(directory, names.CustomersFile + Extension(options.Format));
        string eventsPath = Path.Combine(directory, names.EventsFile + Extension(eventsFormat));
        string outcomesPath = Path.Combine(directory, names.OutcomesFile + Extension(options.Format));
        string groundTruthPath = Path.Combine(directory, "ground_truth" + Extension(options.Format));
        string groundTruthJsonPath = Path.Combine(directory, "ground_truth.json");
        string stagePathsPath = Path.Combine(directory, PlantedStagePaths.FileName + Extension(options.Format));
        string survivalTruthPath = Path.Combine(directory, PlantedSurvival.FileName + Extension(options.Format));
        string mappingPath = Path.Combine(directory, "journeyml.json");

        var stats = new RunStatistics();
        int accounts = 0;
        var planted = options.Interventions ? new PlantedInterventions(world, directory, options.Format) : null;
        using (var customers = TableWriter.Create(customersPath, options.Format, names.CustomerColumns.Select(c => c.Column).ToArray(), names.TimeFormat, options.RowGroupSize))
        using (var events = TableWriter.Create(eventsPath, eventsFormat, names.EventColumns.Select(c => c.Column).ToArray(), names.TimeFormat, options.RowGroupSize))
        using (var outcomes = TableWriter.Create(outcomesPath, options.Format, names.OutcomeColumns.Select(c => c.Column).ToArray(), names.TimeFormat, options.RowGroupSize))
        using (var groundTruth = TableWriter.Create(groundTruthPath, options.Format, ExportDialectNames.GroundTruthColumns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var stagePaths = TableWriter.Create(stagePathsPath, options.Format, PlantedStagePaths.Columns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        using (var survivalTruth = TableWriter.Create(survivalTruthPath, options.Format, PlantedSurvival.Columns, ExportDialectNames.CanonicalTimeFormat, options.RowGroupSize))
        {
            var planner = new ChunkPlanner(options);
            // Simulate the next chunk while the current one is written.
            var pending = planner.Next() is { } first ? Simulate(world, first, cancellationToken) : null;
            while (pending is not null)
            {
                var chunk = pending.GetAwaiter().GetResult();
                pending = planner.Next() is { } next ? Simulate(world, next, cancellationToken) : null;
                foreach (var account in chunk)
                {
                    foreach (var contact in account)
                    {
                        if (planted?.Plant(contact.CustomerId, BehaviourSegment.All[contact.SegmentId].Name, contact.StatusAtAsOf,
                                contact.ChurnProbability, contact.ChurnedInHorizon, contact.ChurnedSecond).Prevented == true)
                        {
                            contact.ChurnedSecond = PlantedInterventions.KeepCustomer(contact.Events, world);
                            contact.ChurnedInHorizon = false;
                        }
                        WriteContact(contact, world, names, customers, events, outcomes, groundTruth);
                        PlantedStagePaths.Write(stagePaths, contact.CustomerId, PlantedStagePaths.ForB2b(contact, account), world);
                        PlantedSurvival.Write(survivalTruth, world, contact.CustomerId, contact.StatusAtAsOf, contact.ChurnProbability, contact.ChurnedSecond);
                        stats.Add(contact);
                    }
                }
                accounts += chunk.Length;
                progress?.Report((double)planner.PlannedCustomers / options.Customers);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        planted?.Finish();
        WriteGroundTruthJson(groundTruthJsonPath, stats, accounts);
        WriteMapping(mappingPath, names, customersPath, eventsPath, outcomesPath);
        progress?.Report(1.0);

        return new GenerationSummary(
            directory,
            stats.Customers,
            accounts,
            stats.Events,
            BehaviourSegment.All.ToDictionary(s => s.Name, s => stats.PerSegment[s.Id]),
            stats.ChurnRate,
            stats.ConversionRate,
            stopwatch.Elapsed,
            [customersPath, eventsPath, outcomesPath, groundTruthPath, groundTruthJsonPath, stagePathsPath, survivalTruthPath, mappingPath,
                .. planted is null ? Array.Empty<string>() : [planted.RowsPath, planted.TruthPath, planted.TruthJsonPath]]);
    }

    private static string Extension(TableFormat format) => format == TableFormat.Parquet ? ".parquet" : ".csv";

    private static Task<SimulatedContact[][]> Simulate(SimulatedWorld world, ChunkPlan plan, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var result = new SimulatedContact[plan.Sizes.Length][];
            Parallel.For(0, plan.Sizes.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                result[i] = new AccountSimulation(world, plan.FirstAccount + i, plan.FirstCustomerNumbers[i], plan.Sizes[i]).Run());
            return result;
        }, cancellationToken);

    private static void WriteContact(
        SimulatedContact contact,
        SimulatedWorld world,
        ExportDialectNames names,
        TableWriter customers,
        TableWriter events,
        TableWriter outcomes,
        TableWriter groundTruth)
    {
        string id = contact.CustomerId;
        customers.Text(id);
        customers.Text(contact.AccountId);
        customers.Time(world.ToDateTime(contact.SignedUpSecond));
        customers.Text(contact.Plan);
        customers.Text(names.RoleName(contact.Role));
        customers.Text(contact.Region);
        customers.Text(contact.CompanySize);
        customers.Text(contact.Industry);
        customers.EndRow();

        foreach (var e in contact.Events)
        {
            events.Text(id);
            events.Time(world.ToDateTime(e.Second));
            events.Text(names.TypeName(e.Kind));
            events.Text(ExportDialectNames.ChannelName(e.Channel));
            events.Number(double.IsNaN(e.Value) ? null : e.Value);
            events.EndRow();
        }

        outcomes.Text(id);
        outcomes.Time(contact.ChurnedSecond is long churned ? world.ToDateTime(churned) : null);
        outcomes.Time(contact.ConvertedSecond is long converted ? world.ToDateTime(converted) : null);
        outcomes.EndRow();

        groundTruth.Text(id);
        groundTruth.Integer(contact.SegmentId);
        groundTruth.Text(BehaviourSegment.All[contact.SegmentId].Name);
        groundTruth.Text(contact.StatusAtAsOf switch
        {
            LifecycleStatus.Customer => "customer",
            LifecycleStatus.Churned => "churned",
            _ => "lead",
        });
        groundTruth.Number(contact.ChurnProbability);
        groundTruth.Number(contact.ConversionProbability);
        groundTruth.Integer(contact.ChurnedInHorizon ? 1 : 0);
        groundTruth.Integer(contact.ConvertedInHorizon ? 1 : 0);
        groundTruth.EndRow();
    }

    private void WriteGroundTruthJson(string path, RunStatistics stats, int accounts)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("generator", "JourneyML.SampleData");
        json.WriteString("generatorVersion", GeneratorVersion);
        json.WriteNumber("seed", options.Seed);
        json.WriteString("dialect", options.Dialect == ExportDialect.Crm ? "crm" : "canonical");
        json.WriteString("dataStart", Iso(options.DataStart));
        json.WriteString("dataAsOf", Iso(options.DataAsOf));
        json.WriteString("referenceAsOf", Iso(options.ReferenceAsOf));
        json.WriteNumber("horizonDays", options.HorizonDays);
        json.WriteNumber("customers", stats.Customers);
        json.WriteNumber("accounts", accounts);
        json.WriteNumber("events", stats.Events);
        json.WriteNumber("customersActiveAtAsOf", stats.ActiveCustomers);
        json.WriteNumber("leadsAtAsOf", stats.Leads);
        json.WriteNumber("churnedBeforeAsOf", stats.ChurnedBefore);
        json.WriteNumber("churnRate", Math.Round(stats.ChurnRate, 4));
        json.WriteNumber("meanChurnProbability", Math.Round(stats.MeanChurnProbability, 4));
        json.WriteNumber("conversionRate", Math.Round(stats.ConversionRate, 4));
        json.WriteNumber("meanConversionProbability", Math.Round(stats.MeanConversionProbability, 4));
        json.WriteStartArray("segments");
        foreach (var segment in BehaviourSegment.All)
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
        json.WriteEndObject();
    }

    private void WriteMapping(string path, ExportDialectNames names, string customersPath, string eventsPath, string outcomesPath)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("dataAsOf", Iso(options.DataAsOf));
        json.WriteString("dataStart", Iso(options.DataStart));
        if (names.IsCrm)
        {
            json.WriteString("timeFormat", names.TimeFormat);
        }
        WriteTable("customers", customersPath, names.CustomerColumns.Where(c => c.Key is not ("companySize" or "industry")).ToArray(), () =>
        {
            json.WriteStartObject("roles");
            foreach (var (crm, canonical) in ExportDialectNames.CrmRoles)
            {
                json.WriteString(crm, canonical);
            }
            json.WriteEndObject();
        });
        WriteTable("events", eventsPath, names.EventColumns, () =>
        {
            json.WriteStartObject("types");
            foreach (var kind in EventKinds.All.Where(k => k != EventKind.Other))
            {
                json.WriteString(ExportDialectNames.CrmTypeName(kind), kind.CanonicalName());
            }
            json.WriteEndObject();
        });
        WriteTable("outcomes", outcomesPath, names.OutcomeColumns, null);
        json.WriteEndObject();

        void WriteTable(string table, string filePath, IReadOnlyList<(string Key, TableColumn Column)> columns, Action? writeValueMap)
        {
            json.WriteStartObject(table);
            json.WriteString("path", Path.GetFileName(filePath));
            if (names.IsCrm)
            {
                json.WriteStartObject("columns");
                foreach (var (key, column) in columns)
                {
                    json.WriteString(key, column.Name);
                }
                json.WriteEndObject();
                writeValueMap?.Invoke();
            }
            json.WriteEndObject();
        }
    }

    private static string Iso(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString(ExportDialectNames.CanonicalTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>The accounts of one chunk: where they start and how many contacts each has.</summary>
    private sealed record ChunkPlan(int FirstAccount, int[] Sizes, int[] FirstCustomerNumbers);

    /// <summary>Cuts the run into chunks; account sizes are drawn here, sequentially, so ids do not depend on threading.</summary>
    private sealed class ChunkPlanner(GeneratorOptions options)
    {
        private int _nextAccount;

        public int PlannedCustomers { get; private set; }

        public ChunkPlan? Next()
        {
            if (PlannedCustomers >= options.Customers)
            {
                return null;
            }
            var sizes = new List<int>();
            var firsts = new List<int>();
            int first = _nextAccount;
            int inChunk = 0;
            while (inChunk < ChunkCustomers && PlannedCustomers < options.Customers)
            {
                int size = Math.Min(AccountSimulation.DrawSize(options.Seed, _nextAccount), options.Customers - PlannedCustomers);
                sizes.Add(size);
                firsts.Add(PlannedCustomers + 1);
                PlannedCustomers += size;
                inChunk += size;
                _nextAccount++;
            }
            return new ChunkPlan(first, sizes.ToArray(), firsts.ToArray());
        }
    }

    private sealed class RunStatistics
    {
        public int Customers { get; private set; }
        public long Events { get; private set; }
        public int[] PerSegment { get; } = new int[BehaviourSegment.All.Count];
        public int ActiveCustomers { get; private set; }
        public int Leads { get; private set; }
        public int ChurnedBefore { get; private set; }
        private int _churnedInHorizon;
        private int _convertedInHorizon;
        private double _churnProbabilitySum;
        private double _conversionProbabilitySum;

        public double ChurnRate => ActiveCustomers == 0 ? 0 : (double)_churnedInHorizon / ActiveCustomers;
        public double ConversionRate => Leads == 0 ? 0 : (double)_convertedInHorizon / Leads;
        public double MeanChurnProbability => ActiveCustomers == 0 ? 0 : _churnProbabilitySum / ActiveCustomers;
        public double MeanConversionProbability => Leads == 0 ? 0 : _conversionProbabilitySum / Leads;

        public void Add(SimulatedContact contact)
        {
            Customers++;
            Events += contact.Events.Count;
            PerSegment[contact.SegmentId]++;
            switch (contact.StatusAtAsOf)
            {
                case LifecycleStatus.Customer:
                    ActiveCustomers++;
                    _churnProbabilitySum += contact.ChurnProbability ?? 0;
                    _churnedInHorizon += contact.ChurnedInHorizon ? 1 : 0;
                    break;
                case LifecycleStatus.Lead:
                    Leads++;
                    _conversionProbabilitySum += contact.ConversionProbability ?? 0;
                    _convertedInHorizon += contact.ConvertedInHorizon ? 1 : 0;
                    break;
                default:
                    ChurnedBefore++;
                    break;
            }
        }
    }
}
