using System.Globalization;
using System.Diagnostics;
using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>Settings of a feature run.</summary>
public sealed record FeatureOptions
{
    /// <summary>The as-of date T: features use events strictly before T.</summary>
    public required DateTime AsOf { get; init; }
    /// <summary>Labels look at (T, T + horizon].</summary>
    public int HorizonDays { get; init; } = 90;
    /// <summary>Worker threads for the event pass (partitions are Parquet row groups or files).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Which features to write; default: what the dataset supports (<see cref="FeaturePlan.For"/>).</summary>
    public FeaturePlan? Plan { get; init; }
}

/// <summary>What a feature run did, for the run's report: nothing is dropped without being counted here.</summary>
public sealed record FeatureBuildSummary(
    DateTime AsOf,
    int HorizonDays,
    int Rows,
    int SignedUpOnOrAfterAsOf,
    long EventsBeforeAsOf,
    long EventsOnOrAfterAsOf,
    IReadOnlyDictionary<string, int> RowsByStatus,
    IReadOnlyDictionary<string, (int Positive, int Negative)> Labels,
    bool LabelsComplete,
    TimeSpan Elapsed)
{
    public double EventsPerSecond => (EventsBeforeAsOf + EventsOnOrAfterAsOf) / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Which features the table holds and why: attributes used and left out, value features, account roll-ups.</summary>
    public FeaturePlan? Plan { get; init; }
}

/// <summary>
/// Point-in-time behavioural features from the behaviour logs (mode A): one row per customer as of T,
/// from events strictly before T, with churn and conversion labels from (T, T + H].
/// One streaming pass over the events, partitions in parallel, each worker with its own accumulators.
/// </summary>
public static class BehaviourFeatures
{
    /// <summary>Builds the feature table. Throws <see cref="DataValidationException"/> in strict mode when any event row was invalid.</summary>
    public static (FeatureTable Table, FeatureBuildSummary Summary) Build(Dataset dataset, FeatureOptions options,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        BuildAt(dataset, [options], progress, cancellationToken)[0];

    /// <summary>
    /// The feature tables as of several dates from one pass over the events: each batch read once and counted into one
    /// accumulator per date, so a run that needs features at T, at T-H and at the survival model's dates pays for one
    /// read (the costly part) instead of one per date. Each table equals what <see cref="Build"/> gives for its options
    /// (the same batches reach every date's counters, and the merge does not depend on order). The pass runs on the most
    /// worker threads any of the options allows; every summary's <see cref="FeatureBuildSummary.Elapsed"/> is the whole pass.
    /// </summary>
    public static IReadOnlyList<(FeatureTable Table, FeatureBuildSummary Summary)> BuildAt(Dataset dataset, IReadOnlyList<FeatureOptions> dates,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        BuildAt(dataset, dates, new EventPass(dataset.Events.PartitionCount, p => dataset.Events.ReadPartition(p, withChannel: false),
            dataset.Events.EventsByKind?.Values.Sum()), progress, cancellationToken);

    /// <summary>
    /// The same tables from events already read and grouped (<see cref="EventTimeline"/>, as a first training run reads them
    /// to suggest stages): no read of the export at all. The timeline holds exactly the valid events a read gives, and the
    /// counters do not depend on the order events arrive in, so each table equals <see cref="Build"/>'s.
    /// </summary>
    public static IReadOnlyList<(FeatureTable Table, FeatureBuildSummary Summary)> BuildAt(EventTimeline timeline, IReadOnlyList<FeatureOptions> dates,
        CancellationToken cancellationToken = default)
    {
        // Blocks of customers, a few per thread, so the workers stay busy to the end.
        int blocks = Math.Clamp(timeline.CustomerCount / 256, 1, 4 * Environment.ProcessorCount);
        return BuildAt(timeline.Dataset, dates, new EventPass(blocks, b => Replay(timeline, b, blocks), timeline.EventCount), progress: null, cancellationToken);
    }

    private static IReadOnlyList<(FeatureTable Table, FeatureBuildSummary Summary)> BuildAt(Dataset dataset, IReadOnlyList<FeatureOptions> dates,
        EventPass pass, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (dates.Count == 0)
        {
            return [];
        }
        var windows = dates.Select(d => Check(dataset, d)).ToArray();
        var watch = Stopwatch.StartNew();
        int threads = Math.Max(1, dates.Max(d => d.MaxDegreeOfParallelism));
        var totals = Accumulate(dataset, pass, windows, threads, progress, cancellationToken);
        var built = new (FeatureTable, FeatureBuildSummary)[dates.Count];
        // Each date's table from its own counters: independent, so side by side.
        ParallelReads.For(dates.Count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, k =>
        {
            var (options, total) = (dates[k], totals[k]);
            var (table, summary) = FromAccumulated(dataset, total, options);
            built[k] = (table, summary with { Elapsed = watch.Elapsed });
        });
        return built;
    }

    /// <summary>Where a pass's events come from: <paramref name="Parts"/> independent parts, each read as batches; how many events in all when known.</summary>
    private sealed record EventPass(int Parts, Func<int, IEnumerable<EventBatch>> Read, long? Total);

    /// <summary>One block of a timeline's customers, their events as batches (time order within each customer; the counters need no more).</summary>
    private static IEnumerable<EventBatch> Replay(EventTimeline timeline, int block, int blocks)
    {
        const int BatchSize = 65_536;
        int customers = timeline.CustomerCount;
        int from = (int)((long)customers * block / blocks), to = (int)((long)customers * (block + 1) / blocks);
        var (offsets, ticks, kinds, values) = (timeline.Offsets, timeline.Ticks, timeline.Kinds, timeline.Values);
        int c = from;
        while (c < to)
        {
            using var batch = new EventBatch(Math.Max(BatchSize, offsets[c + 1] - offsets[c]));
            for (; c < to && (batch.Count == 0 || batch.Count + offsets[c + 1] - offsets[c] <= BatchSize); c++)
            {
                for (int i = offsets[c]; i < offsets[c + 1]; i++)
                {
                    batch.Add(c, ticks[i], kinds[i], values[i], null);
                }
            }
            yield return batch;
        }
    }

    /// <summary>The as-of date's window, after checking the options against the data.</summary>
    private static Window Check(Dataset dataset, FeatureOptions options)
    {
        var asOf = UtcTime.RequireUtc(options.AsOf, "the as-of date");
        if (options.HorizonDays <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the horizon must be at least one day");
        }
        if (asOf > dataset.DataAsOf)
        {
            throw new InvalidInputException($"the as-of date {asOf:yyyy-MM-dd} is after the data's as-of date {dataset.DataAsOf:yyyy-MM-dd}: there is no behaviour to see yet");
        }
        return new Window(asOf.Ticks, asOf.AddDays(options.HorizonDays).Ticks);
    }

    /// <summary>
    /// One streaming pass over the events, partitions in parallel, each worker with one accumulator per window; the
    /// workers' accumulators merged per window.
    /// </summary>
    private static EventAccumulator[] Accumulate(Dataset dataset, EventPass pass, Window[] windows, int maxDegreeOfParallelism, IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        int customers = dataset.Customers.Count;
        var workers = new List<EventAccumulator[]>();
        int done = 0;
        // A first pass over the export counts as it goes; later passes (the backtest's, the survival model's) know the total.
        using var shown = Monitoring.ProgressReporter.Current.Start(Describe(windows), pass.Total, "events");
        ParallelReads.For(pass.Parts,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism), CancellationToken = cancellationToken },
            () => windows.Select(_ => new EventAccumulator(customers)).ToArray(),
            (partition, _, accumulators) =>
            {
                foreach (var batch in pass.Read(partition))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (int k = 0; k < windows.Length; k++)
                    {
                        accumulators[k].Add(batch, windows[k]);
                    }
                    shown.Add(batch.Count);
                }
                int partitions = Interlocked.Increment(ref done);
                progress?.Report((double)partitions / pass.Parts);
                if (shown.Total is null && pass.Parts > 1)
                {
                    shown.SetFraction((double)partitions / pass.Parts);
                }
                return accumulators;
            },
            accumulators =>
            {
                lock (workers)
                {
                    workers.Add(accumulators);
                }
            });
        dataset.Report.ThrowIfInvalid();
        var totals = new EventAccumulator[windows.Length];
        for (int k = 0; k < windows.Length; k++)
        {
            totals[k] = workers.Count > 0 ? workers[0][k] : new EventAccumulator(customers);
            for (int w = 1; w < workers.Count; w++)
            {
                totals[k].Merge(workers[w][k]);
            }
        }
        return totals;
    }

    private static string Describe(Window[] windows)
    {
        var inv = CultureInfo.InvariantCulture;
        var dates = windows.Select(w => UtcTime.FromTicks(w.AsOfTicks)).Distinct().Order().ToList();
        return dates.Count == 1
            ? string.Create(inv, $"building features as of {dates[0]:yyyy-MM-dd}")
            : string.Create(inv, $"building features as of {dates.Count} dates ({dates[0]:yyyy-MM-dd} to {dates[^1]:yyyy-MM-dd})");
    }

    /// <summary>
    /// The table from counters another engine filled (the SQL engine, JourneyML.Sql): the same plan and the same
    /// per-customer formulas as <see cref="Build"/>, so the two engines differ only in how the events were counted.
    /// </summary>
    internal static (FeatureTable Table, FeatureBuildSummary Summary) FromAccumulated(Dataset dataset, EventAccumulator total, FeatureOptions options)
    {
        var asOf = UtcTime.RequireUtc(options.AsOf, "the as-of date");
        var window = new Window(asOf.Ticks, asOf.AddDays(options.HorizonDays).Ticks);
        var plan = options.Plan ?? FeaturePlan.For(dataset.Customers, dataset.Mapping.Customers, total.AnyUsageValue, total.AnySeverityValue,
            EventValues.ContentKinds(total.AnyContentValue), total.AnyRepeatPurchases);
        if (options.Plan is null)
        {
            plan.InterventionKinds = InterventionFeatures.KindsOf(dataset.Interventions);
        }
        return Assemble(dataset, total, asOf, options.HorizonDays, window, plan);
    }

    private static (FeatureTable, FeatureBuildSummary) Assemble(Dataset dataset, EventAccumulator acc, DateTime asOf, int horizonDays, Window window, FeaturePlan plan)
    {
        var customers = dataset.Customers;
        long asOfTicks = asOf.Ticks;
        var (rows, signedUpLater) = CustomersSignedUpBefore(customers, asOfTicks);
        int n = rows.Count;
        var at = new AsOfState(dataset, acc, asOfTicks, ExportStart(dataset, acc, asOfTicks), window,
            LabelsComplete: window.HorizonEndTicks <= dataset.DataAsOf.Ticks);
        var values = new NumericColumns(n);
        var row = new RowValues(n);
        var engaged30 = new bool[customers.Count];
        for (int r = 0; r < n; r++)
        {
            int c = rows[r];
            row.Describe(r, customers[c]);
            double history = FillTenure(values, r, customers[c], at);
            FillStatusAndLabels(values, row, r, c, at);
            FillActivity(values, r, c, at, history);
            FillValues(values, r, c, acc, history);
            engaged30[c] = acc.Counts[c * Slots.Count + Slots.Engaged30] > 0;
        }
        if (plan.AccountRollups)
        {
            AccountRollups(customers, rows, engaged30, values[FeatureNames.AccountContacts], values[FeatureNames.AccountEngagedContacts30d],
                values[FeatureNames.AccountEngagedRoles30d], values[FeatureNames.AccountDecisionMakerEngaged]);
        }
        return (ToFeatureTable(values, row, rows, plan, asOf, horizonDays, dataset.Interventions), Summarise(row, asOf, horizonDays, signedUpLater, at) with { Plan = plan });
    }

    /// <summary>The customers who signed up before T, in order (one row each), and how many signed up at or after it.</summary>
    private static (List<int> Rows, int SignedUpLater) CustomersSignedUpBefore(CustomerTable customers, long asOfTicks)
    {
        var rows = new List<int>(customers.Count);
        int signedUpLater = 0;
        for (int c = 0; c < customers.Count; c++)
        {
            if (customers[c].SignedUpAt.Ticks < asOfTicks)
            {
                rows.Add(c);
            }
            else
            {
                signedUpLater++;
            }
        }
        return (rows, signedUpLater);
    }

    /// <summary>The export's first event bounds how much history anyone can have.</summary>
    private static long ExportStart(Dataset dataset, EventAccumulator acc, long asOfTicks) =>
        dataset.Mapping.DataStart?.Ticks ?? (acc.FirstEventTicks == long.MaxValue ? asOfTicks : acc.FirstEventTicks);

    /// <summary>Tenure, history and newness; returns the days of history seen (at most 365), which the trends need.</summary>
    private static double FillTenure(NumericColumns values, int r, Customer customer, AsOfState at)
    {
        double tenure = Days(at.AsOfTicks - customer.SignedUpAt.Ticks);
        double history = Math.Min(365, Days(at.AsOfTicks - Math.Max(customer.SignedUpAt.Ticks, at.ExportStart)));
        values[FeatureNames.TenureDays][r] = (float)tenure;
        values[FeatureNames.HistoryDays][r] = (float)history;
        values[FeatureNames.IsNew][r] = tenure < 30 ? 1 : 0;
        return history;
    }

    private static void FillStatusAndLabels(NumericColumns values, RowValues row, int r, int c, AsOfState at)
    {
        var (st, purchasedAt) = Status(at.Dataset.Outcomes, at.Acc, c, at.AsOfTicks);
        row.Status[r] = st;
        values[FeatureNames.IsCustomer][r] = st == CustomerStatus.Customer ? 1 : 0;
        // From the outcomes table the tenure starts at the conversion; from events, at the first purchase since the last cancellation.
        var walk = LifecycleWalk.Of(at.Acc.Lifecycle[c]);
        long since = OutcomesHave(at.Dataset.Outcomes, c) ? purchasedAt : walk.TenureStart;
        values[FeatureNames.DaysAsCustomer][r] = st == CustomerStatus.Customer && since > 0 ? (float)Days(at.AsOfTicks - since) : float.NaN;
        values[FeatureNames.Reactivations][r] = walk.Reactivations;
        (row.Churn[r], row.Conversion[r]) = Labels(at.Dataset.Outcomes, at.Acc, c, st, at.Window, at.LabelsComplete);
    }

    /// <summary>Logins, recency, active days, tickets and the content, email, pricing and sales counts from the accumulated counters.</summary>
    private static void FillActivity(NumericColumns values, int r, int c, AsOfState at, double history)
    {
        var acc = at.Acc;
        double observed90 = Math.Clamp(history, 1, 90);
        var k = acc.Counts.AsSpan(c * Slots.Count, Slots.Count);
        int logins30 = k[Slots.Login30], loginsPrev = k[Slots.LoginPrev30];
        values[FeatureNames.Logins7d][r] = k[Slots.Login7];
        values[FeatureNames.Logins30d][r] = logins30;
        values[FeatureNames.LoginsPrev30d][r] = loginsPrev;
        values[FeatureNames.Logins90d][r] = k[Slots.Login90];
        values[FeatureNames.LoginRate90d][r] = (float)(k[Slots.Login90] / observed90 * 7);
        values[FeatureNames.LoginTrend][r] = history >= 60 ? (float)Math.Log2((logins30 + 1.0) / (loginsPrev + 1.0)) : float.NaN;
        long lastLogin = acc.LastLogin[c];
        values[FeatureNames.DaysSinceLastLogin][r] = lastLogin == 0 ? float.NaN : (float)Days(at.AsOfTicks - lastLogin);
        long lastActivity = acc.LastActivity[c];
        values[FeatureNames.DaysSinceLastActivity][r] = lastActivity == 0 ? float.NaN : (float)Days(at.AsOfTicks - lastActivity);
        ulong low = acc.ActiveDays[2 * c], high = acc.ActiveDays[2 * c + 1];
        values[FeatureNames.ActiveDays30d][r] = System.Numerics.BitOperations.PopCount(low & ((1UL << 30) - 1));
        values[FeatureNames.ActiveDays90d][r] = System.Numerics.BitOperations.PopCount(low) + System.Numerics.BitOperations.PopCount(high);

        values[FeatureNames.Tickets30d][r] = k[Slots.Ticket30];
        values[FeatureNames.TicketsPrev30d][r] = k[Slots.TicketPrev30];
        values[FeatureNames.Tickets90d][r] = k[Slots.Ticket90];
        values[FeatureNames.TicketTrend][r] = history >= 60 ? (float)Math.Log2((k[Slots.Ticket30] + 1.0) / (k[Slots.TicketPrev30] + 1.0)) : float.NaN;
        values[FeatureNames.Escalations90d][r] = k[Slots.Escalation90];
        values[FeatureNames.Content30d][r] = k[Slots.Content30];
        values[FeatureNames.Content90d][r] = k[Slots.Content90];
        values[FeatureNames.PageViews30d][r] = k[Slots.PageView30];
        values[FeatureNames.PageViews90d][r] = k[Slots.PageView90];
        values[FeatureNames.EmailOpens30d][r] = k[Slots.EmailOpen30];
        values[FeatureNames.EmailOpens90d][r] = k[Slots.EmailOpen90];
        values[FeatureNames.EmailClicks30d][r] = k[Slots.EmailClick30];
        values[FeatureNames.EmailClicks90d][r] = k[Slots.EmailClick90];
        values[FeatureNames.Downloads90d][r] = k[Slots.Download90];
        values[FeatureNames.Webinars90d][r] = k[Slots.Webinar90];
        values[FeatureNames.CaseStudyViews90d][r] = k[Slots.CaseStudy90];
        values[FeatureNames.ComparisonViews90d][r] = k[Slots.Comparison90];
        values[FeatureNames.PricingViews14d][r] = k[Slots.Pricing14];
        values[FeatureNames.PricingViews90d][r] = k[Slots.Pricing90];
        values[FeatureNames.SalesTouches90d][r] = k[Slots.Sales90];
        values[FeatureNames.Purchases90d][r] = k[Slots.Purchase90];
        long lastOrder = acc.LastOrderBefore[c];
        values[FeatureNames.DaysSinceLastPurchase][r] = lastOrder == 0 ? float.NaN : (float)Days(at.AsOfTicks - lastOrder);
    }

    private static bool OutcomesHave(OutcomeTable? outcomes, int c) => outcomes is not null && outcomes.Present[c];

    /// <summary>Minutes of use from login values and ticket severity from ticket values (NaN where the customer's events give none).</summary>
    private static void FillValues(NumericColumns values, int r, int c, EventAccumulator acc, double history)
    {
        var (now, before, ninety, trend) = EventValues.Usage(acc.ValueMilli.AsSpan(c * EventValues.Count, EventValues.Count), acc.HasUsageValue[c], history);
        values[FeatureNames.UsageMinutes30d][r] = now;
        values[FeatureNames.UsageMinutesPrev30d][r] = before;
        values[FeatureNames.UsageMinutes90d][r] = ninety;
        values[FeatureNames.UsageTrend][r] = trend;
        var (max, mean) = EventValues.Severity(acc.ValueMilli[c * EventValues.Count + EventValues.Severity90], acc.SeverityCount[c], acc.SeverityMax[c]);
        values[FeatureNames.TicketSeverityMax90d][r] = max;
        values[FeatureNames.TicketSeverityMean90d][r] = mean;
        int count = EventValues.ContentCount;
        for (int i = 0; i < count; i++)
        {
            var (contentSum, contentMean) = EventValues.Content(acc.ContentMilli[c * count + i], acc.ContentCounts[c * count + i], (acc.ContentValued[c] & (1 << i)) != 0);
            values[FeatureNames.ContentValues[i].Name][r] = contentSum;
            values[FeatureNames.ContentValues[i].Mean][r] = contentMean;
        }
    }

    private static FeatureTable ToFeatureTable(NumericColumns values, RowValues row, List<int> rows, FeaturePlan plan, DateTime asOf, int horizonDays,
        InterventionTable? interventions)
    {
        var featureColumns = new List<FeatureColumn>();
        foreach (var (name, description) in plan.Behaviour)
        {
            featureColumns.Add(name switch
            {
                FeatureNames.Plan => FeatureColumn.Categorical(name, description, row.Plan),
                FeatureNames.Role => FeatureColumn.Categorical(name, description, row.Role),
                FeatureNames.Region => FeatureColumn.Categorical(name, description, row.Region),
                _ => FeatureColumn.Numeric(name, description, values.Written(name)),
            });
        }
        featureColumns.AddRange(AttributeColumns(plan, rows));
        featureColumns.AddRange(InterventionFeatures.Columns(plan.InterventionKinds, interventions, rows, asOf));
        return new FeatureTable(row.Ids, featureColumns)
        {
            AccountIds = row.AccountIds,
            Status = row.Status,
            Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = row.Churn, [LabelNames.Conversion] = row.Conversion },
            AsOf = asOf,
            HorizonDays = horizonDays,
        };
    }

    /// <summary>The customers table's own columns the plan keeps, for the given customers in row order.</summary>
    internal static IEnumerable<FeatureColumn> AttributeColumns(FeaturePlan plan, IReadOnlyList<int> rows, Func<int, bool>? wanted = null)
    {
        for (int a = 0; a < plan.Attributes.Count; a++)
        {
            if (wanted is not null && !wanted(a))
            {
                continue;
            }
            var attribute = plan.Attributes[a];
            yield return plan.AttributeNumbers[a] is { } numbers
                ? FeatureColumn.Numeric(attribute.Name, attribute.Description, [.. rows.Select(c => numbers[c])])
                : FeatureColumn.Categorical(attribute.Name, attribute.Description, [.. rows.Select(c => plan.AttributeTexts[a]![c])]);
        }
    }

    private static FeatureBuildSummary Summarise(RowValues row, DateTime asOf, int horizonDays, int signedUpLater, AsOfState at) =>
        new(asOf, horizonDays, row.Ids.Length, signedUpLater, at.Acc.EventsBefore, at.Acc.EventsOnOrAfter,
            row.Status.GroupBy(s => s).ToDictionary(g => g.Key.Name(), g => g.Count()),
            new Dictionary<string, (int, int)>
            {
                [LabelNames.Churn] = (row.Churn.Count(v => v == 1), row.Churn.Count(v => v == 0)),
                [LabelNames.Conversion] = (row.Conversion.Count(v => v == 1), row.Conversion.Count(v => v == 0)),
            },
            at.LabelsComplete, TimeSpan.Zero);

    /// <summary>Status at T: from the outcomes table where it has the customer, else from purchase and cancellation events.</summary>
    private static (CustomerStatus Status, long PurchasedAt) Status(OutcomeTable? outcomes, EventAccumulator acc, int c, long asOfTicks)
    {
        long purchased, cancelled;
        if (outcomes is not null && outcomes.Present[c])
        {
            purchased = outcomes.ConvertedAt[c] is { } p && p.Ticks < asOfTicks ? p.Ticks : 0;
            cancelled = outcomes.ChurnedAt[c] is { } ch && ch.Ticks < asOfTicks ? ch.Ticks : 0;
        }
        else
        {
            purchased = acc.LastPurchaseBefore[c];
            cancelled = acc.LastCancellationBefore[c];
        }
        if (cancelled > 0 && cancelled >= purchased)
        {
            return (CustomerStatus.Churned, purchased);
        }
        return purchased > 0 ? (CustomerStatus.Customer, purchased) : (CustomerStatus.Lead, 0);
    }

    private static (float Churn, float Conversion) Labels(OutcomeTable? outcomes, EventAccumulator acc, int c, CustomerStatus status, Window window, bool complete)
    {
        bool churned, converted;
        if (outcomes is not null && outcomes.Present[c])
        {
            churned = outcomes.ChurnedAt[c] is { } ch && window.InHorizon(ch.Ticks);
            converted = outcomes.ConvertedAt[c] is { } cv && window.InHorizon(cv.Ticks);
        }
        else
        {
            churned = acc.FirstCancellationAfter[c] != long.MaxValue;
            converted = acc.FirstPurchaseAfter[c] != long.MaxValue;
        }
        // An outcome seen within the horizon is known even when the export ends before the horizon does; its absence is not.
        float churn = status != CustomerStatus.Customer ? float.NaN : churned ? 1 : complete ? 0 : float.NaN;
        float conversion = status != CustomerStatus.Lead ? float.NaN : converted ? 1 : complete ? 0 : float.NaN;
        return (churn, conversion);
    }

    private static void AccountRollups(CustomerTable customers, List<int> rows, bool[] engaged30,
        float[] contacts, float[] engagedContacts, float[] engagedRoles, float[] decisionMakerEngaged)
    {
        int accounts = customers.AccountIds.Count;
        var contactCount = new int[accounts];
        var engagedCount = new int[accounts];
        var dmEngaged = new bool[accounts];
        var roles = new HashSet<string>?[accounts];
        foreach (int c in rows)
        {
            int a = customers.AccountIndex[c];
            if (a < 0)
            {
                continue;
            }
            contactCount[a]++;
            if (engaged30[c])
            {
                engagedCount[a]++;
                var role = customers[c].Role;
                if (role is not null)
                {
                    (roles[a] ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(role);
                }
                dmEngaged[a] |= customers[c].IsDecisionMaker;
            }
        }
        for (int r = 0; r < rows.Count; r++)
        {
            int c = rows[r];
            int a = customers.AccountIndex[c];
            if (a < 0)
            {
                // A customer without an account is an account of one.
                contacts[r] = 1;
                engagedContacts[r] = engaged30[c] ? 1 : 0;
                engagedRoles[r] = engaged30[c] && customers[c].Role is not null ? 1 : 0;
                decisionMakerEngaged[r] = engaged30[c] && customers[c].IsDecisionMaker ? 1 : 0;
                continue;
            }
            contacts[r] = contactCount[a];
            engagedContacts[r] = engagedCount[a];
            engagedRoles[r] = roles[a]?.Count ?? 0;
            decisionMakerEngaged[r] = dmEngaged[a] ? 1 : 0;
        }
    }

    private static double Days(long ticks) => ticks / (double)TimeSpan.TicksPerDay;

    /// <summary>What every row's features are computed from: the data, its counters, T and the labels' horizon.</summary>
    private sealed record AsOfState(Dataset Dataset, EventAccumulator Acc, long AsOfTicks, long ExportStart, Window Window, bool LabelsComplete);

    /// <summary>The numeric feature columns by name, each made on first use.</summary>
    private sealed class NumericColumns(int rows)
    {
        private readonly Dictionary<string, float[]> _values = [];

        public float[] this[string name] => _values.TryGetValue(name, out var v) ? v : _values[name] = new float[rows];

        /// <summary>A column that was written (a missing one is a feature nobody computed: fail rather than hand out zeros).</summary>
        public float[] Written(string name) => _values[name];
    }

    /// <summary>Per row, what is not a numeric feature: the ids, the categorical columns, the status and the labels.</summary>
    private sealed class RowValues(int n)
    {
        public string[] Ids { get; } = new string[n];
        public string?[] AccountIds { get; } = new string?[n];
        public string?[] Plan { get; } = new string?[n];
        public string?[] Role { get; } = new string?[n];
        public string?[] Region { get; } = new string?[n];
        public CustomerStatus[] Status { get; } = new CustomerStatus[n];
        public float[] Churn { get; } = new float[n];
        public float[] Conversion { get; } = new float[n];

        public void Describe(int r, Customer customer)
        {
            Ids[r] = customer.CustomerId;
            AccountIds[r] = customer.AccountId;
            Plan[r] = customer.Plan;
            Role[r] = customer.Role;
            Region[r] = customer.Region;
        }
    }
}

/// <summary>The as-of date and the end of the horizon, in ticks.</summary>
internal readonly record struct Window(long AsOfTicks, long HorizonEndTicks)
{
    public bool InHorizon(long ticks) => ticks > AsOfTicks && ticks <= HorizonEndTicks;
}
