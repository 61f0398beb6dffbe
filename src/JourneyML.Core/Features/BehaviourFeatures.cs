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
        if (options.AsOf.Kind == DateTimeKind.Local)
        {
            throw new ArgumentException("the as-of date must be UTC", nameof(options));
        }
        if (options.HorizonDays <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the horizon must be at least one day");
        }
        var watch = Stopwatch.StartNew();
        var customers = dataset.Customers;
        var asOf = DateTime.SpecifyKind(options.AsOf, DateTimeKind.Utc);
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

    /// <summary>The features this step writes, with their business meaning (used by reports and explanations).</summary>
    public static IReadOnlyList<(string Name, string Description)> Definitions { get; } =
    [
        ("tenure_days", "days since the customer signed up"),
        ("history_days", "days of behaviour history observed before the as-of date (at most 365)"),
        ("is_new", "1 when the customer signed up less than 30 days before the as-of date"),
        ("is_customer", "1 for a paying customer at the as-of date, 0 for a lead"),
        ("days_as_customer", "days since the first purchase (missing for leads)"),
        ("logins_7d", "logins in the last 7 days"),
        ("logins_30d", "logins in the last 30 days"),
        ("logins_prev_30d", "logins in the 30 days before the last 30"),
        ("logins_90d", "logins in the last 90 days"),
        ("login_rate_90d", "logins per week over the observed part of the last 90 days"),
        ("login_trend", "log2 ratio of logins in the last 30 days to the 30 before (missing with under 60 days of history)"),
        ("days_since_last_login", "days since the last login (missing when never logged in)"),
        ("days_since_last_activity", "days since the last event of any kind (missing when none)"),
        ("active_days_30d", "days with any activity in the last 30 days"),
        ("active_days_90d", "days with any activity in the last 90 days"),
        ("tickets_30d", "support tickets in the last 30 days"),
        ("tickets_prev_30d", "support tickets in the 30 days before the last 30"),
        ("tickets_90d", "support tickets in the last 90 days"),
        ("ticket_trend", "log2 ratio of tickets in the last 30 days to the 30 before (missing with under 60 days of history)"),
        ("escalations_90d", "escalated tickets in the last 90 days"),
        ("content_30d", "content engagements (views, email opens and clicks, downloads, webinars, case studies) in the last 30 days"),
        ("content_90d", "content engagements in the last 90 days"),
        ("page_views_30d", "page views in the last 30 days"),
        ("page_views_90d", "page views in the last 90 days"),
        ("email_opens_30d", "email opens in the last 30 days"),
        ("email_opens_90d", "email opens in the last 90 days"),
        ("email_clicks_30d", "email clicks in the last 30 days"),
        ("email_clicks_90d", "email clicks in the last 90 days"),
        ("downloads_90d", "whitepaper and asset downloads in the last 90 days"),
        ("webinars_90d", "webinars attended in the last 90 days"),
        ("case_study_views_90d", "case-study views in the last 90 days"),
        ("comparison_views_90d", "comparison-page views in the last 90 days"),
        ("pricing_views_14d", "pricing-page views in the last 14 days (3 or more signals buying intent)"),
        ("pricing_views_90d", "pricing-page views in the last 90 days"),
        ("sales_touches_90d", "forms, meetings and opportunities in the last 90 days"),
        ("account_contacts", "contacts in the customer's account at the as-of date"),
        ("account_engaged_contacts_30d", "contacts of the account active in the last 30 days"),
        ("account_engaged_roles_30d", "distinct buying-group roles active in the account in the last 30 days"),
        ("account_decision_maker_engaged", "1 when a decision-maker of the account was active in the last 30 days"),
        ("plan", "the customer's plan"),
        ("role", "the customer's buying-group role"),
        ("region", "the customer's region"),
    ];

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

        var columns = Definitions.ToDictionary(d => d.Name, d => d.Description);
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
            Col("tenure_days")[r] = (float)tenure;
            Col("history_days")[r] = (float)history;
            Col("is_new")[r] = tenure < 30 ? 1 : 0;

            var (st, purchasedAt) = Status(dataset.Outcomes, acc, c, asOfTicks);
            status[r] = st;
            Col("is_customer")[r] = st == CustomerStatus.Customer ? 1 : 0;
            Col("days_as_customer")[r] = st == CustomerStatus.Customer && purchasedAt > 0 ? (float)Days(asOfTicks - purchasedAt) : float.NaN;
            (churn[r], conversion[r]) = Labels(dataset.Outcomes, acc, c, st, window, labelsComplete);

            var k = acc.Counts.AsSpan(c * Slots.Count, Slots.Count);
            int logins30 = k[Slots.Login30], loginsPrev = k[Slots.LoginPrev30];
            Col("logins_7d")[r] = k[Slots.Login7];
            Col("logins_30d")[r] = logins30;
            Col("logins_prev_30d")[r] = loginsPrev;
            Col("logins_90d")[r] = k[Slots.Login90];
            Col("login_rate_90d")[r] = (float)(k[Slots.Login90] / observed90 * 7);
            Col("login_trend")[r] = history >= 60 ? (float)Math.Log2((logins30 + 1.0) / (loginsPrev + 1.0)) : float.NaN;
            long lastLogin = acc.LastLogin[c];
            Col("days_since_last_login")[r] = lastLogin == 0 ? float.NaN : (float)Days(asOfTicks - lastLogin);
            long lastActivity = acc.LastActivity[c];
            Col("days_since_last_activity")[r] = lastActivity == 0 ? float.NaN : (float)Days(asOfTicks - lastActivity);
            ulong low = acc.ActiveDays[2 * c], high = acc.ActiveDays[2 * c + 1];
            Col("active_days_30d")[r] = System.Numerics.BitOperations.PopCount(low & ((1UL << 30) - 1));
            Col("active_days_90d")[r] = System.Numerics.BitOperations.PopCount(low) + System.Numerics.BitOperations.PopCount(high);

            Col("tickets_30d")[r] = k[Slots.Ticket30];
            Col("tickets_prev_30d")[r] = k[Slots.TicketPrev30];
            Col("tickets_90d")[r] = k[Slots.Ticket90];
            Col("ticket_trend")[r] = history >= 60 ? (float)Math.Log2((k[Slots.Ticket30] + 1.0) / (k[Slots.TicketPrev30] + 1.0)) : float.NaN;
            Col("escalations_90d")[r] = k[Slots.Escalation90];
            Col("content_30d")[r] = k[Slots.Content30];
            Col("content_90d")[r] = k[Slots.Content90];
            Col("page_views_30d")[r] = k[Slots.PageView30];
            Col("page_views_90d")[r] = k[Slots.PageView90];
            Col("email_opens_30d")[r] = k[Slots.EmailOpen30];
            Col("email_opens_90d")[r] = k[Slots.EmailOpen90];
            Col("email_clicks_30d")[r] = k[Slots.EmailClick30];
            Col("email_clicks_90d")[r] = k[Slots.EmailClick90];
            Col("downloads_90d")[r] = k[Slots.Download90];
            Col("webinars_90d")[r] = k[Slots.Webinar90];
            Col("case_study_views_90d")[r] = k[Slots.CaseStudy90];
            Col("comparison_views_90d")[r] = k[Slots.Comparison90];
            Col("pricing_views_14d")[r] = k[Slots.Pricing14];
            Col("pricing_views_90d")[r] = k[Slots.Pricing90];
            Col("sales_touches_90d")[r] = k[Slots.Sales90];
            engaged30[c] = k[Slots.Engaged30] > 0;
        }

        AccountRollups(customers, rows, engaged30, Col("account_contacts"), Col("account_engaged_contacts_30d"),
            Col("account_engaged_roles_30d"), Col("account_decision_maker_engaged"));

        var featureColumns = new List<FeatureColumn>();
        foreach (var (name, description) in Definitions)
        {
            featureColumns.Add(name switch
            {
                "plan" => FeatureColumn.Categorical(name, description, plan),
                "role" => FeatureColumn.Categorical(name, description, role),
                "region" => FeatureColumn.Categorical(name, description, region),
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
