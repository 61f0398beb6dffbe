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
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var asOf = UtcTime.RequireUtc(options.AsOf, "the as-of date");
        if (options.HorizonDays <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the horizon must be at least one day");
        }
        var watch = Stopwatch.StartNew();
        var customers = dataset.Customers;
        if (asOf > dataset.DataAsOf)
        {
            throw new InvalidInputException($"the as-of date {asOf:yyyy-MM-dd} is after the data's as-of date {dataset.DataAsOf:yyyy-MM-dd}: there is no behaviour to see yet");
        }
        var window = new Window(asOf.Ticks, asOf.AddDays(options.HorizonDays).Ticks);

        var accumulators = new List<EventAccumulator>();
        int done = 0;
        Parallel.For(0, dataset.Events.PartitionCount,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism), CancellationToken = cancellationToken },
            () => new EventAccumulator(customers.Count),
            (partition, _, accumulator) =>
            {
                foreach (var batch in dataset.Events.ReadPartition(partition, withChannel: false))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    accumulator.Add(batch, window);
                }
                progress?.Report((double)Interlocked.Increment(ref done) / dataset.Events.PartitionCount);
                return accumulator;
            },
            accumulator =>
            {
                lock (accumulators)
                {
                    accumulators.Add(accumulator);
                }
            });
        dataset.Report.ThrowIfInvalid();

        var total = accumulators.Count > 0 ? accumulators[0] : new EventAccumulator(customers.Count);
        for (int i = 1; i < accumulators.Count; i++)
        {
            total.Merge(accumulators[i]);
        }
        var (table, summary) = Assemble(dataset, total, asOf, options.HorizonDays, window);
        return (table, summary with { Elapsed = watch.Elapsed });
    }

    private static (FeatureTable, FeatureBuildSummary) Assemble(Dataset dataset, EventAccumulator acc, DateTime asOf, int horizonDays, Window window)
    {
        var customers = dataset.Customers;
        long asOfTicks = asOf.Ticks;
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
        int n = rows.Count;
        // The export's first event bounds how much history anyone can have.
        long exportStart = dataset.Mapping.DataStart?.Ticks ?? (acc.FirstEventTicks == long.MaxValue ? asOfTicks : acc.FirstEventTicks);
        bool labelsComplete = window.HorizonEndTicks <= dataset.DataAsOf.Ticks;

        var columns = FeatureNames.Definitions.ToDictionary(d => d.Name, d => d.Description);
        var values = new Dictionary<string, float[]>();
        float[] Col(string name) => values.TryGetValue(name, out var v) ? v : values[name] = new float[n];

        var status = new string[n];
        var churn = new float[n];
        var conversion = new float[n];
        var engaged30 = new bool[customers.Count];
        var ids = new string[n];
        var accountIds = new string?[n];
        var plan = new string?[n];
        var role = new string?[n];
        var region = new string?[n];

        for (int r = 0; r < n; r++)
        {
            int c = rows[r];
            var customer = customers[c];
            ids[r] = customer.CustomerId;
            accountIds[r] = customer.AccountId;
            plan[r] = customer.Plan;
            role[r] = customer.Role;
            region[r] = customer.Region;

            double tenure = Days(asOfTicks - customer.SignedUpAt.Ticks);
            double history = Math.Min(365, Days(asOfTicks - Math.Max(customer.SignedUpAt.Ticks, exportStart)));
            double observed90 = Math.Clamp(history, 1, 90);
            Col(FeatureNames.TenureDays)[r] = (float)tenure;
            Col(FeatureNames.HistoryDays)[r] = (float)history;
            Col(FeatureNames.IsNew)[r] = tenure < 30 ? 1 : 0;

            var (st, purchasedAt) = Status(dataset.Outcomes, acc, c, asOfTicks);
            status[r] = st;
            Col(FeatureNames.IsCustomer)[r] = st == CustomerStatus.Customer ? 1 : 0;
            Col(FeatureNames.DaysAsCustomer)[r] = st == CustomerStatus.Customer && purchasedAt > 0 ? (float)Days(asOfTicks - purchasedAt) : float.NaN;
            (churn[r], conversion[r]) = Labels(dataset.Outcomes, acc, c, st, window, labelsComplete);

            var k = acc.Counts.AsSpan(c * Slots.Count, Slots.Count);
            int logins30 = k[Slots.Login30], loginsPrev = k[Slots.LoginPrev30];
            Col(FeatureNames.Logins7d)[r] = k[Slots.Login7];
            Col(FeatureNames.Logins30d)[r] = logins30;
            Col(FeatureNames.LoginsPrev30d)[r] = loginsPrev;
            Col(FeatureNames.Logins90d)[r] = k[Slots.Login90];
            Col(FeatureNames.LoginRate90d)[r] = (float)(k[Slots.Login90] / observed90 * 7);
            Col(FeatureNames.LoginTrend)[r] = history >= 60 ? (float)Math.Log2((logins30 + 1.0) / (loginsPrev + 1.0)) : float.NaN;
            long lastLogin = acc.LastLogin[c];
            Col(FeatureNames.DaysSinceLastLogin)[r] = lastLogin == 0 ? float.NaN : (float)Days(asOfTicks - lastLogin);
            long lastActivity = acc.LastActivity[c];
            Col(FeatureNames.DaysSinceLastActivity)[r] = lastActivity == 0 ? float.NaN : (float)Days(asOfTicks - lastActivity);
            ulong low = acc.ActiveDays[2 * c], high = acc.ActiveDays[2 * c + 1];
            Col(FeatureNames.ActiveDays30d)[r] = System.Numerics.BitOperations.PopCount(low & ((1UL << 30) - 1));
            Col(FeatureNames.ActiveDays90d)[r] = System.Numerics.BitOperations.PopCount(low) + System.Numerics.BitOperations.PopCount(high);

            Col(FeatureNames.Tickets30d)[r] = k[Slots.Ticket30];
            Col(FeatureNames.TicketsPrev30d)[r] = k[Slots.TicketPrev30];
            Col(FeatureNames.Tickets90d)[r] = k[Slots.Ticket90];
            Col(FeatureNames.TicketTrend)[r] = history >= 60 ? (float)Math.Log2((k[Slots.Ticket30] + 1.0) / (k[Slots.TicketPrev30] + 1.0)) : float.NaN;
            Col(FeatureNames.Escalations90d)[r] = k[Slots.Escalation90];
            Col(FeatureNames.Content30d)[r] = k[Slots.Content30];
            Col(FeatureNames.Content90d)[r] = k[Slots.Content90];
            Col(FeatureNames.PageViews30d)[r] = k[Slots.PageView30];
            Col(FeatureNames.PageViews90d)[r] = k[Slots.PageView90];
            Col(FeatureNames.EmailOpens30d)[r] = k[Slots.EmailOpen30];
            Col(FeatureNames.EmailOpens90d)[r] = k[Slots.EmailOpen90];
            Col(FeatureNames.EmailClicks30d)[r] = k[Slots.EmailClick30];
            Col(FeatureNames.EmailClicks90d)[r] = k[Slots.EmailClick90];
            Col(FeatureNames.Downloads90d)[r] = k[Slots.Download90];
            Col(FeatureNames.Webinars90d)[r] = k[Slots.Webinar90];
            Col(FeatureNames.CaseStudyViews90d)[r] = k[Slots.CaseStudy90];
            Col(FeatureNames.ComparisonViews90d)[r] = k[Slots.Comparison90];
            Col(FeatureNames.PricingViews14d)[r] = k[Slots.Pricing14];
            Col(FeatureNames.PricingViews90d)[r] = k[Slots.Pricing90];
            Col(FeatureNames.SalesTouches90d)[r] = k[Slots.Sales90];
            engaged30[c] = k[Slots.Engaged30] > 0;
        }

        AccountRollups(customers, rows, engaged30, Col(FeatureNames.AccountContacts), Col(FeatureNames.AccountEngagedContacts30d),
            Col(FeatureNames.AccountEngagedRoles30d), Col(FeatureNames.AccountDecisionMakerEngaged));

        var featureColumns = new List<FeatureColumn>();
        foreach (var (name, description) in FeatureNames.Definitions)
        {
            featureColumns.Add(name switch
            {
                FeatureNames.Plan => FeatureColumn.Categorical(name, description, plan),
                FeatureNames.Role => FeatureColumn.Categorical(name, description, role),
                FeatureNames.Region => FeatureColumn.Categorical(name, description, region),
                _ => FeatureColumn.Numeric(name, description, values[name]),
            });
        }
        var table = new FeatureTable(ids, featureColumns)
        {
            AccountIds = accountIds,
            Status = status,
            Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = churn, [LabelNames.Conversion] = conversion },
            AsOf = asOf,
            HorizonDays = horizonDays,
        };
        var summary = new FeatureBuildSummary(asOf, horizonDays, n, signedUpLater, acc.EventsBefore, acc.EventsOnOrAfter,
            status.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count()),
            new Dictionary<string, (int, int)>
            {
                [LabelNames.Churn] = (churn.Count(v => v == 1), churn.Count(v => v == 0)),
                [LabelNames.Conversion] = (conversion.Count(v => v == 1), conversion.Count(v => v == 0)),
            },
            labelsComplete, TimeSpan.Zero);
        return (table, summary);
    }

    /// <summary>Status at T: from the outcomes table where it has the customer, else from purchase and cancellation events.</summary>
    private static (string Status, long PurchasedAt) Status(OutcomeTable? outcomes, EventAccumulator acc, int c, long asOfTicks)
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

    private static (float Churn, float Conversion) Labels(OutcomeTable? outcomes, EventAccumulator acc, int c, string status, Window window, bool complete)
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
}

/// <summary>The as-of date and the end of the horizon, in ticks.</summary>
internal readonly record struct Window(long AsOfTicks, long HorizonEndTicks)
{
    public bool InHorizon(long ticks) => ticks > AsOfTicks && ticks <= HorizonEndTicks;
}
