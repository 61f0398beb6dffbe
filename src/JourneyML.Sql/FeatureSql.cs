using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Sql;

/// <summary>What the feature query reads and as of when, in the query's unit (microseconds since 1970-01-01 UTC).</summary>
/// <param name="Events">A relation with the columns customer_id, occurred_at (a timestamp), type and value (a number or NULL).</param>
/// <param name="Customers">A relation with the columns customer_id, signed_up_us, outcome_present (1 when the outcomes table has the customer),
/// churned_us and converted_us (the outcomes table's, NULL when none): the customers the export knows (an event of anyone else is invalid).</param>
/// <param name="Timelines">The mapping's timeline rules (events before sign-up, activity after churn) and their grace.</param>
/// <param name="Types">Their event type names, lower case and trimmed, to JourneyML's kinds (canonical names included); any other type is 'other'.</param>
/// <param name="UnmappedTypesInvalid">The mapping's unmappedTypes is error: an unmapped type is an invalid row, not 'other'.</param>
internal sealed record FeatureQueryInput(string Events, string Customers, IReadOnlyDictionary<string, EventKind> Types, bool UnmappedTypesInvalid,
    long AsOfMicros, long HorizonEndMicros, long DataAsOfMicros, TimelinesMapping Timelines)
{
    public const long MicrosPerDay = 86_400_000_000L;

    public static long Micros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);

    /// <summary>The mapping's type names (and the canonical names), as the C# reader resolves them: trimmed, case ignored.</summary>
    public static Dictionary<string, EventKind> TypesOf(EventsMapping events)
    {
        var types = new Dictionary<string, EventKind>(StringComparer.Ordinal);
        foreach (var kind in EventKinds.All)
        {
            types[kind.CanonicalName()] = kind;
        }
        foreach (var (theirs, ours) in events.Types)
        {
            // A name mapped to something that is not a canonical type is mapped, to 'other' (as the C# reader has it).
            EventKinds.TryParseCanonical(ours, out var kind);
            types[theirs.Trim().ToLowerInvariant()] = kind;
        }
        return types;
    }
}

/// <summary>
/// The feature definitions over events as SQL: one query, one row per customer with events, holding exactly the counters
/// the C# builder's event pass fills (<see cref="EventAccumulator"/>): counts per window generated from the builder's
/// own slot map (<see cref="Slots"/>), active days, last and first times, value sums in thousandths rounded half to even,
/// and the lifecycle walk (tenure start, reactivations) by LAG over each customer's purchases and cancellations.
/// The per-customer formulas (rates, trends, status, labels, account roll-ups) then come from the same C# code for
/// every engine (<see cref="BehaviourFeatures.FromAccumulated"/>).
///
/// Windows, as the C# builder has them: an event is a feature only strictly before the as-of date T; its day index is
/// floor((T - 1 microsecond - t) / 1 day), so "the last 7 days" is [T - 7 days, T); the previous 30 days are day 30..59;
/// everything windowed stops at day 89. Labels look at (T, T + horizon]. Times are UTC microseconds throughout.
/// </summary>
internal static class FeatureSql
{
    /// <summary>The counters' column names, in the order the query returns them.</summary>
    public static class Columns
    {
        public const string CustomerId = "customer_id", EventsBefore = "events_before", EventsAfter = "events_after", FirstEvent = "first_event";
        public const string Active30 = "active_days_30", Active90 = "active_days_90";
        public const string LastLogin = "last_login", LastActivity = "last_activity", LastPurchase = "last_purchase_like", LastCancellation = "last_cancellation",
            LastOrder = "last_order", FirstPurchaseAfter = "first_purchase_after", FirstCancellationAfter = "first_cancellation_after";
        public const string PurchasesInExport = "purchases_in_export", CancellationsInExport = "cancellations_in_export";
        public const string AnyUsage = "any_usage_value", AnySeverity = "any_severity_value", HasUsage = "has_usage_value";
        public const string Usage30 = "usage_milli_30", UsagePrev30 = "usage_milli_prev_30", Usage90 = "usage_milli_90";
        public const string SeveritySum = "severity_milli_90", SeverityCount = "severity_count_90", SeverityMax = "severity_max_90";
        public const string TenureStart = "tenure_start", Reactivations = "reactivations";
        public const string AsOf = "as_of_us", HorizonEnd = "horizon_end_us";

        public static string Slot(int slot) => "slot_" + slot.ToString(CultureInfo.InvariantCulture);
        public static string ContentValued(int i) => "content_valued_" + i.ToString(CultureInfo.InvariantCulture);
        public static string AnyContent(int i) => "any_content_value_" + i.ToString(CultureInfo.InvariantCulture);
        public static string ContentSum(int i) => "content_milli_90_" + i.ToString(CultureInfo.InvariantCulture);
        public static string ContentCount(int i) => "content_count_90_" + i.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The largest value a 32-bit float holds: larger values are invalid rows, as in the C# reader.</summary>
    private const string FloatMax = "3.4028234663852886E+38";

    /// <summary>The query's shared start: the events with their kind and validity, the customers known.</summary>
    /// <param name="rowIds">The events relation has jm_file and jm_row (the embedded run's view): carried along to name invalid rows.</param>
    /// <param name="timelineTable">A table <see cref="TimelineTable"/> filled (the embedded run's first pass): read instead of computing the churns again.</param>
    /// <param name="untilChurn">Stop after jm_churn (the first pass itself).</param>
    private static string Typed(SqlDialect d, FeatureQueryInput input, bool rowIds = false, string? timelineTable = null, bool untilChurn = false)
    {
        string ids = rowIds ? ", e.jm_file, e.jm_row" : "";
        var sb = new StringBuilder();
        sb.AppendLine("jm_types AS (");
        sb.AppendLine("  SELECT type_key, kind FROM (VALUES " + string.Join(",\n    ", input.Types.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => $"({d.Text(t.Key)}, {(int)t.Value})")) + ") AS jm_type_names (type_key, kind)");
        sb.AppendLine("),");
        sb.AppendLine("jm_known AS (");
        sb.AppendLine("  SELECT customer_id, MAX(signed_up_us) AS signed_up_us, MAX(outcome_present) AS outcome_present,");
        sb.AppendLine($"    MAX(churned_us) AS churned_us, MAX(converted_us) AS converted_us FROM ({input.Customers}) known GROUP BY customer_id");
        sb.AppendLine("),");
        sb.AppendLine("jm_raw AS (");
        sb.AppendLine("  SELECT trim(e.customer_id) AS customer_id,");
        sb.AppendLine($"    {d.EpochMicros("e.occurred_at")} AS t,");
        sb.AppendLine("    lower(trim(e.type)) AS type_key,");
        sb.AppendLine("    CAST(e.value AS DOUBLE) AS raw_value" + ids);
        sb.AppendLine($"  FROM ({input.Events}) e");
        sb.AppendLine("),");
        sb.AppendLine("jm_checked AS (");
        sb.AppendLine("  SELECT r.customer_id, r.t, r.type_key, r.raw_value, k.kind AS mapped_kind" + (rowIds ? ", r.jm_file, r.jm_row" : "") + ",");
        sb.AppendLine("    c.signed_up_us, c.outcome_present, c.churned_us, c.converted_us,");
        sb.AppendLine($"    {Reason(d, input)} AS row_reason");
        sb.AppendLine("  FROM jm_raw r");
        sb.AppendLine("  LEFT JOIN jm_known c ON c.customer_id = r.customer_id");
        sb.AppendLine("  LEFT JOIN jm_types k ON k.type_key = r.type_key");
        sb.AppendLine("),");
        sb.Append(Timelines(input, timelineTable, untilChurn));
        return sb.ToString();
    }

    /// <summary>
    /// The timeline rules, as the C# reader's <see cref="TimelineCheck"/> has them, over rows otherwise valid: an event
    /// (other than web visits) more than the grace before sign-up; usage (logins, tickets, downgrades) past the grace after
    /// a churn with no comeback since (purchase, renewal, upgrade, trial, or the outcomes table's conversion), the churn
    /// being the outcomes table's where it has the customer, else the last cancellation event. Rejected or kept as the
    /// mapping says; <c>reason</c> is then the row's one reason to be invalid (NULL when valid).
    /// </summary>
    private static string Timelines(FeatureQueryInput input, string? timelineTable, bool untilChurn)
    {
        long grace = input.Timelines.GraceTicks / 10;
        bool rejectBefore = input.Timelines.EventsBeforeSignup == TimelineRule.Reject, rejectAfter = input.Timelines.ActivityAfterChurn == TimelineRule.Reject;
        var needsSignup = Ids(EventKinds.All.Where(k => k is not (EventKind.PageView or EventKind.PricingPageView or EventKind.CaseStudyView or EventKind.ComparisonPageView)));
        var usage = Ids([EventKind.Login, EventKind.TicketOpened, EventKind.TicketEscalated, EventKind.Downgrade]);
        var comeback = Ids([EventKind.Purchase, EventKind.Renewal, EventKind.Upgrade, EventKind.TrialStarted]);
        // What the churn rule learns from: rows otherwise valid, and not rejected as before sign-up.
        string learnt = "row_reason IS NULL" + (rejectBefore ? " AND before_signup = 0" : "");
        var sb = new StringBuilder();
        sb.AppendLine("jm_signup AS (");
        sb.AppendLine("  SELECT jm_checked.*, COALESCE(mapped_kind, 0) AS checked_kind,");
        sb.AppendLine($"    CASE WHEN row_reason IS NULL AND t < signed_up_us - {grace} AND COALESCE(mapped_kind, 0) IN ({needsSignup}) THEN 1 ELSE 0 END AS before_signup");
        sb.AppendLine("  FROM jm_checked");
        sb.AppendLine("),");
        if (timelineTable is null)
        {
            sb.AppendLine("jm_churn AS (");
            sb.AppendLine("  SELECT customer_id,");
            sb.AppendLine("    CASE WHEN MAX(outcome_present) = 1 THEN COALESCE(MAX(churned_us), 0)");
            sb.AppendLine($"         ELSE COALESCE(MAX(CASE WHEN {learnt} AND checked_kind = {(int)EventKind.Cancellation} THEN t END), 0) END AS churn,");
            sb.AppendLine("    greatest(COALESCE(MAX(CASE WHEN outcome_present = 1 THEN converted_us END), 0),");
            sb.AppendLine($"             COALESCE(MAX(CASE WHEN {learnt} AND checked_kind IN ({comeback}) THEN t END), 0)) AS comeback,");
            sb.AppendLine($"    COALESCE(MAX(CASE WHEN {learnt} AND checked_kind IN ({usage}) THEN t END), 0) AS last_usage,");
            sb.AppendLine("    CAST(SUM(CASE WHEN row_reason IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS invalid_rows,");
            sb.AppendLine("    CAST(SUM(before_signup) AS BIGINT) AS before_signup_rows");
            sb.AppendLine("  FROM jm_signup GROUP BY customer_id");
            sb.Append(')');
            if (untilChurn)
            {
                return sb.ToString();
            }
            sb.AppendLine(",");
        }
        sb.AppendLine("jm_after_churn AS (");
        sb.AppendLine(timelineTable is null
            ? $"  SELECT customer_id, churn + {grace} AS usage_until FROM jm_churn WHERE churn > 0 AND comeback <= churn AND last_usage > churn + {grace}"
            : $"  SELECT customer_id, usage_until FROM {timelineTable} WHERE usage_until IS NOT NULL");
        sb.AppendLine("),");
        sb.AppendLine("jm_valid AS (");
        sb.AppendLine("  SELECT s.*, CASE WHEN s.row_reason IS NOT NULL THEN s.row_reason");
        if (rejectBefore)
        {
            sb.AppendLine($"    WHEN s.before_signup = 1 THEN '{TimelineCheck.BeforeSignupReason}'");
        }
        if (rejectAfter)
        {
            sb.AppendLine($"    WHEN s.checked_kind IN ({usage}) AND a.usage_until IS NOT NULL AND s.t > a.usage_until THEN '{TimelineCheck.AfterChurnReason}'");
        }
        sb.AppendLine("    END AS reason, a.usage_until");
        sb.AppendLine("  FROM jm_signup s LEFT JOIN jm_after_churn a ON a.customer_id = s.customer_id");
        sb.Append(')');
        return sb.ToString();
    }

    /// <summary>
    /// The embedded run's first pass, one row per customer id met in the events: the rows invalid by a row rule, those
    /// before sign-up, and the time past which usage is activity after churn (NULL for most). With it the invalid rows
    /// are only listed when there are any, and the counters need not work out the churns again.
    /// </summary>
    public static string TimelineTable(SqlDialect d, FeatureQueryInput input)
    {
        long grace = input.Timelines.GraceTicks / 10;
        return $"WITH {Typed(d, input, untilChurn: true)}\nSELECT customer_id, invalid_rows, before_signup_rows, " +
            $"CASE WHEN churn > 0 AND comeback <= churn AND last_usage > churn + {grace} THEN churn + {grace} END AS usage_until FROM jm_churn";
    }

    /// <summary>Why a row is invalid (NULL when valid), in the C# reader's words and order.</summary>
    private static string Reason(SqlDialect d, FeatureQueryInput input)
    {
        long earliest = FeatureQueryInput.Micros(TableChunk.EarliestTime);
        var cases = new List<(string When, string Reason)>
        {
            ("r.customer_id IS NULL OR r.customer_id = ''", "missing customer id"),
            ("c.customer_id IS NULL", "unknown customer (not in the customers table)"),
            ("r.t IS NULL", "missing time"),
            ($"r.t < {earliest}", "time before 1900: a placeholder for a missing date"),
            ($"r.t >= {input.DataAsOfMicros}", "event at or after the data's as-of date"),
            ("r.type_key IS NULL OR r.type_key = ''", "missing event type"),
        };
        if (input.UnmappedTypesInvalid)
        {
            cases.Add(("k.kind IS NULL", "unmapped event type"));
        }
        cases.Add(($"r.raw_value IS NOT NULL AND NOT {d.IsNaN("r.raw_value")} AND r.raw_value < 0", "negative value"));
        cases.Add(($"r.raw_value IS NOT NULL AND NOT {d.IsNaN("r.raw_value")} AND r.raw_value > {FloatMax}", "value too large"));
        return "CASE " + string.Join(" ", cases.Select(c => $"WHEN {c.When} THEN {d.Text(c.Reason)}")) + " END";
    }

    /// <summary>The invalid rows (file, row from 0, reason) of an events relation with jm_file and jm_row, in file and row order; none when every row is valid.</summary>
    public static string InvalidRows(SqlDialect d, FeatureQueryInput input, string? timelineTable = null) =>
        $"WITH {Typed(d, input, rowIds: true, timelineTable: timelineTable)}\nSELECT jm_file, jm_row, reason FROM jm_valid WHERE reason IS NOT NULL ORDER BY jm_file, jm_row";

    /// <summary>The invalid rows counted by reason (no row when every row is valid): the check a user runs beside the counters.</summary>
    public static string InvalidReasons(SqlDialect d, FeatureQueryInput input) =>
        $"WITH {Typed(d, input)}\nSELECT reason, COUNT(*) AS invalid_rows FROM jm_valid WHERE reason IS NOT NULL GROUP BY reason ORDER BY reason";

    /// <summary>The counters per customer (see <see cref="Columns"/>).</summary>
    public static string Counters(SqlDialect d, FeatureQueryInput input, string? timelineTable = null)
    {
        long asOf = input.AsOfMicros;
        var sb = new StringBuilder();
        sb.AppendLine("-- JourneyML feature counters: one row per customer with events. Generated by 'journeyml features --emit-sql';");
        sb.AppendLine(CultureInfo.InvariantCulture, $"-- as of {FeatureQueryInput.FromMicros(asOf):yyyy-MM-ddTHH:mm:ssZ}, horizon to {FeatureQueryInput.FromMicros(input.HorizonEndMicros):yyyy-MM-ddTHH:mm:ssZ} (times in UTC microseconds).");
        sb.AppendLine("WITH " + Typed(d, input, timelineTable: timelineTable) + ",");
        sb.AppendLine("jm_events AS (");
        sb.AppendLine($"  SELECT customer_id, t, COALESCE(mapped_kind, 0) AS kind, CAST(raw_value AS {d.Float32()}) AS v,");
        sb.AppendLine($"    CASE WHEN raw_value IS NULL OR {d.IsNaN("raw_value")} THEN 0 ELSE 1 END AS valued,");
        sb.AppendLine($"    CAST({d.RoundHalfEven($"CAST(CAST(raw_value AS {d.Float32()}) AS DOUBLE) * 1000.0")} AS BIGINT) AS milli,");
        sb.AppendLine($"    CASE WHEN t < {asOf} THEN {d.IntegerDivide($"{asOf} - 1 - t", FeatureQueryInput.MicrosPerDay.ToString(CultureInfo.InvariantCulture))} END AS day");
        sb.AppendLine("  FROM jm_valid WHERE reason IS NULL");
        sb.AppendLine("),");
        sb.AppendLine("jm_lifecycle AS (");
        sb.AppendLine("  SELECT customer_id, t, is_cancel,");
        sb.AppendLine("    LAG(is_cancel) OVER (PARTITION BY customer_id ORDER BY t, is_cancel) AS previous_cancel");
        sb.AppendLine($"  FROM (SELECT customer_id, t, CASE WHEN kind = {(int)EventKind.Cancellation} THEN 1 ELSE 0 END AS is_cancel FROM jm_events");
        sb.AppendLine($"        WHERE t < {asOf} AND {In(EventKinds.All.Where(k => EventValues.IsPurchaseLike(k) || k == EventKind.Cancellation))}) lifecycle_events");
        sb.AppendLine("),");
        sb.AppendLine("jm_walk AS (");
        sb.AppendLine("  -- A purchase after nothing or after a cancellation starts a tenure; after a cancellation it is also a reactivation.");
        sb.AppendLine($"  SELECT customer_id, MAX(CASE WHEN is_cancel = 0 AND (previous_cancel IS NULL OR previous_cancel = 1) THEN t END) AS {Columns.TenureStart},");
        sb.AppendLine($"    CAST(SUM(CASE WHEN is_cancel = 0 AND previous_cancel = 1 THEN 1 ELSE 0 END) AS BIGINT) AS {Columns.Reactivations}");
        sb.AppendLine("  FROM jm_lifecycle GROUP BY customer_id");
        sb.AppendLine("),");
        sb.AppendLine("jm_counters AS (");
        sb.AppendLine("  SELECT customer_id,");
        sb.AppendLine(string.Join(",\n", Aggregates(asOf, input.HorizonEndMicros).Select(a => $"    {a.Expression} AS {a.Name}")));
        sb.AppendLine("  FROM jm_events GROUP BY customer_id");
        sb.AppendLine(")");
        // The as-of date and the horizon travel with every row: a result brought back is checked against the run it is for.
        sb.AppendLine($"SELECT jm_counters.*, jm_walk.{Columns.TenureStart}, jm_walk.{Columns.Reactivations}, " +
            $"CAST({asOf} AS BIGINT) AS {Columns.AsOf}, CAST({input.HorizonEndMicros} AS BIGINT) AS {Columns.HorizonEnd}");
        sb.AppendLine("FROM jm_counters LEFT JOIN jm_walk ON jm_walk.customer_id = jm_counters.customer_id");
        return sb.ToString();
    }

    private static IEnumerable<(string Name, string Expression)> Aggregates(long asOf, long horizonEnd)
    {
        string before = $"t < {asOf}";
        string inHorizon = $"t > {asOf} AND t <= {horizonEnd}";
        var tickets = In(EventKinds.All.Where(EventValues.IsTicket));
        var active = In(EventKinds.All.Where(k => k.IsEngagement() || k.Family() == EventFamily.Ticket || k == EventKind.Other));
        int login = (int)EventKind.Login, purchase = (int)EventKind.Purchase, cancellation = (int)EventKind.Cancellation;
        yield return (Columns.EventsBefore, Count(before));
        yield return (Columns.EventsAfter, Count($"t >= {asOf}"));
        yield return (Columns.FirstEvent, $"MIN(CASE WHEN {before} THEN t END)");
        foreach (var (slot, condition) in SlotConditions())
        {
            yield return (Columns.Slot(slot), Count(condition));
        }
        yield return (Columns.Active30, $"COUNT(DISTINCT CASE WHEN day < 30 AND {active} THEN day END)");
        yield return (Columns.Active90, $"COUNT(DISTINCT CASE WHEN day < 90 AND {active} THEN day END)");
        yield return (Columns.LastLogin, $"MAX(CASE WHEN {before} AND kind = {login} THEN t END)");
        yield return (Columns.LastActivity, $"MAX(CASE WHEN {before} THEN t END)");
        yield return (Columns.LastPurchase, $"MAX(CASE WHEN {before} AND {In(EventKinds.All.Where(EventValues.IsPurchaseLike))} THEN t END)");
        yield return (Columns.LastCancellation, $"MAX(CASE WHEN {before} AND kind = {cancellation} THEN t END)");
        yield return (Columns.LastOrder, $"MAX(CASE WHEN {before} AND kind = {purchase} THEN t END)");
        yield return (Columns.FirstPurchaseAfter, $"MIN(CASE WHEN {inHorizon} AND kind = {purchase} THEN t END)");
        yield return (Columns.FirstCancellationAfter, $"MIN(CASE WHEN {inHorizon} AND kind = {cancellation} THEN t END)");
        // Over the whole export, before and after T: whether a value feature or the order counts exist is the export's matter.
        yield return (Columns.PurchasesInExport, Count($"kind = {purchase}"));
        yield return (Columns.CancellationsInExport, Count($"kind = {cancellation}"));
        yield return (Columns.AnyUsage, Flag($"valued = 1 AND kind = {login}"));
        yield return (Columns.AnySeverity, Flag($"valued = 1 AND {tickets}"));
        yield return (Columns.HasUsage, Flag($"{before} AND valued = 1 AND kind = {login}"));
        yield return (Columns.Usage30, Sum("milli", $"day < 30 AND valued = 1 AND kind = {login}"));
        yield return (Columns.UsagePrev30, Sum("milli", $"day >= 30 AND day < 60 AND valued = 1 AND kind = {login}"));
        yield return (Columns.Usage90, Sum("milli", $"day < 90 AND valued = 1 AND kind = {login}"));
        yield return (Columns.SeveritySum, Sum("milli", $"day < 90 AND valued = 1 AND {tickets}"));
        yield return (Columns.SeverityCount, Count($"day < 90 AND valued = 1 AND {tickets}"));
        yield return (Columns.SeverityMax, $"MAX(CASE WHEN day < 90 AND valued = 1 AND {tickets} THEN v END)");
        for (int i = 0; i < FeatureNames.ContentValues.Count; i++)
        {
            string kind = $"kind = {(int)FeatureNames.ContentValues[i].Kind}";
            yield return (Columns.ContentValued(i), Flag($"{before} AND valued = 1 AND {kind}"));
            yield return (Columns.AnyContent(i), Flag($"valued = 1 AND {kind}"));
            yield return (Columns.ContentSum(i), Sum("milli", $"day < 90 AND valued = 1 AND {kind}"));
            yield return (Columns.ContentCount(i), Count($"day < 90 AND valued = 1 AND {kind}"));
        }
    }

    /// <summary>Each counter of the C# builder and the events it counts, read off its slot map: the definitions are not written twice.</summary>
    internal static IEnumerable<(int Slot, string Condition)> SlotConditions()
    {
        var windows = new[] { "day < 7", "day < 14", "day < 30", "day >= 30 AND day < 60", "day < 90" };
        var bySlot = new SortedDictionary<int, List<(int Window, int Kind)>>();
        for (int kind = 0; kind < EventKinds.Count; kind++)
        {
            for (int w = 0; w < Slots.Windows; w++)
            {
                for (int e = 0; e < Slots.PerEntry; e++)
                {
                    int slot = Slots.Map[(kind * Slots.Windows + w) * Slots.PerEntry + e];
                    if (slot >= 0)
                    {
                        (bySlot.TryGetValue(slot, out var list) ? list : bySlot[slot] = []).Add((w, kind));
                    }
                }
            }
        }
        for (int slot = 0; slot < Slots.Count; slot++)
        {
            if (!bySlot.TryGetValue(slot, out var entries))
            {
                throw new InvalidOperationException($"counter {slot} has no events in the slot map");
            }
            yield return (slot, string.Join(" OR ", entries.GroupBy(x => x.Window).OrderBy(g => g.Key)
                .Select(g => $"({windows[g.Key]} AND kind IN ({string.Join(", ", g.Select(x => x.Kind))}))")));
        }
    }

    private static string In(IEnumerable<EventKind> kinds) => $"kind IN ({Ids(kinds)})";

    private static string Ids(IEnumerable<EventKind> kinds) => string.Join(", ", kinds.Select(k => (int)k));

    private static string Count(string condition) => $"CAST(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS BIGINT)";

    private static string Sum(string what, string condition) => $"CAST(SUM(CASE WHEN {condition} THEN {what} ELSE 0 END) AS BIGINT)";

    private static string Flag(string condition) => $"MAX(CASE WHEN {condition} THEN 1 ELSE 0 END)";
}
