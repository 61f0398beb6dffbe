using System.Runtime.CompilerServices;

namespace JourneyML.Core.Data;

/// <summary>
/// Impossible timelines in the events, checked while they stream: an event before the customer signed up (decided per
/// row: the sign-up date is known before the events) and usage after a churn with no comeback (decided per customer once
/// every partition has been read: cancellations and purchases arrive anywhere in the stream). Per row it costs an array
/// lookup and, for lifecycle and usage events, an atomic max; nothing but three times per customer is held.
/// </summary>
internal sealed class TimelineCheck
{
    public const string BeforeSignupReason = "event before the customer signed up";
    public const string AfterChurnReason = "activity after churn with no later purchase";

    private const byte Usage = 1, Comeback = 2, Cancel = 3;
    private static readonly byte[] s_roles = BuildRoles();
    private static readonly bool[] s_needsSignup = BuildNeedsSignup();

    private readonly TimelinesMapping _rules;
    private readonly string _occurredAtColumn;
    private readonly ValidationReport _report;
    private readonly long[] _signedUp;
    private readonly long[] _earliestAllowed;
    private readonly OutcomeTable? _outcomes;
    private readonly long[] _lastCancellation;
    private readonly long[] _lastComeback;
    private readonly long[] _lastUsage;
    private readonly int[] _partitionRead;
    private readonly long[] _beforeSignupByPartition;
    private readonly long[] _afterChurnByPartition;
    private int _partitionsRead;
    private long[]? _rejectAfter;

    public TimelineCheck(CustomerTable customers, OutcomeTable? outcomes, DataMapping mapping, ValidationReport report, int partitions)
    {
        _rules = mapping.Timelines;
        _occurredAtColumn = mapping.Events.Columns.OccurredAt;
        _report = report;
        _outcomes = outcomes;
        int n = customers.Count;
        _signedUp = new long[n];
        _earliestAllowed = new long[n];
        long grace = _rules.GraceTicks;
        for (int c = 0; c < n; c++)
        {
            _signedUp[c] = customers[c].SignedUpAt.Ticks;
            _earliestAllowed[c] = _signedUp[c] - grace;
        }
        _lastCancellation = new long[n];
        _lastComeback = new long[n];
        for (int c = 0; outcomes is not null && c < n; c++)
        {
            // A converted_at after the churned_at is a comeback too (a reactivation the outcomes table records).
            _lastComeback[c] = outcomes.Present[c] && outcomes.ConvertedAt[c] is { } converted ? converted.Ticks : 0;
        }
        _lastUsage = new long[n];
        _partitionRead = new int[partitions];
        _beforeSignupByPartition = new long[partitions];
        _afterChurnByPartition = new long[partitions];
    }

    /// <summary>
    /// True when rows must be known impossible before any is handed out: <c>--skip-invalid</c> skips them, and a consumer
    /// cannot un-see a row. Strict runs learn while they read and fail at the end instead.
    /// </summary>
    public bool MustLearnFirst => _rejectAfter is null && !IsComplete
        && _report.Policy == InvalidRowPolicy.Skip && _rules.ActivityAfterChurn == TimelineRule.Reject;

    /// <summary>Every partition has been read once: every customer's churn and comeback are known.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Customers with usage after their last churn and no comeback since (known once <see cref="IsComplete"/>).</summary>
    public int CustomersWithActivityAfterChurn { get; private set; }

    public long EventsBeforeSignup => _beforeSignupByPartition.Sum();

    /// <summary>Rows of activity after churn found (rejected rows; with keep, not looked for row by row).</summary>
    public long ActivityAfterChurnRows => _afterChurnByPartition.Sum();

    public TimelinesMapping Rules => _rules;

    /// <summary>
    /// Checks one otherwise valid event and learns from it. False (reported) when the row is rejected.
    /// <paramref name="counts"/> is the reading partition's own tally (before signup, after churn).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accept(int c, long ticks, EventKind kind, string file, long row, ref PartitionTally counts)
    {
        if (ticks < _earliestAllowed[c] && s_needsSignup[(int)kind])
        {
            counts.BeforeSignup++;
            if (_rules.EventsBeforeSignup == TimelineRule.Reject)
            {
                ReportBeforeSignup(c, ticks, file, row);
                return false;
            }
        }
        byte role = s_roles[(int)kind];
        if (role == 0)
        {
            return true;
        }
        Learn(c, ticks, role);
        if (role == Usage && _rejectAfter is { } after && after[c] != 0 && ticks > after[c])
        {
            counts.AfterChurn++;
            ReportAfterChurn(c, kind, file, row);
            return false;
        }
        return true;
    }

    /// <summary>Learns from a row without judging it (the learning pass before a skip-mode read): the same rows as <see cref="Accept"/> learns from.</summary>
    public void LearnOnly(int c, long ticks, EventKind kind)
    {
        if (ticks < _earliestAllowed[c] && s_needsSignup[(int)kind] && _rules.EventsBeforeSignup == TimelineRule.Reject)
        {
            return;
        }
        if (s_roles[(int)kind] is var role and not 0)
        {
            Learn(c, ticks, role);
        }
    }

    /// <summary>A row the second look found: usage of a customer after their churn with no comeback. Reports it.</summary>
    public bool IsLateActivity(int c, long ticks, EventKind kind) =>
        s_roles[(int)kind] == Usage && _rejectAfter is { } after && after[c] != 0 && ticks > after[c]
        && !(ticks < _earliestAllowed[c] && s_needsSignup[(int)kind] && _rules.EventsBeforeSignup == TimelineRule.Reject);

    public void ReportSecondLook(int c, EventKind kind, string file, long row) => ReportAfterChurn(c, kind, file, row);

    /// <summary>Records a partition's tally; true when this read completed the first whole pass.</summary>
    public bool PartitionRead(int partition, PartitionTally counts, bool keepAfterChurnCount)
    {
        _beforeSignupByPartition[partition] = counts.BeforeSignup;
        if (keepAfterChurnCount)
        {
            _afterChurnByPartition[partition] = counts.AfterChurn;
        }
        return Interlocked.Exchange(ref _partitionRead[partition], 1) == 0
            && Interlocked.Increment(ref _partitionsRead) == _partitionRead.Length;
    }

    /// <summary>Sets the second look's row counts (it reads every partition).</summary>
    public void SetAfterChurnRows(long[] byPartition) => Array.Copy(byPartition, _afterChurnByPartition, byPartition.Length);

    /// <summary>
    /// After every partition was read: finds the customers whose usage continues past their last churn with no comeback.
    /// Returns true when their rows are to be rejected (the caller then reports them, or, before a skip-mode read, skips them).
    /// </summary>
    public bool Decide()
    {
        var after = new long[_signedUp.Length];
        int flagged = 0;
        long grace = _rules.GraceTicks;
        for (int c = 0; c < after.Length; c++)
        {
            long churn = ChurnOf(c);
            if (churn > 0 && _lastComeback[c] <= churn && Volatile.Read(ref _lastUsage[c]) > churn + grace)
            {
                after[c] = churn + grace;
                flagged++;
            }
        }
        CustomersWithActivityAfterChurn = flagged;
        IsComplete = true;
        if (flagged > 0 && _rules.ActivityAfterChurn == TimelineRule.Keep)
        {
            _report.AddNote("customers with logins or tickets after their churn and no purchase since, kept (timelines.activityAfterChurn is keep)", flagged);
        }
        if (flagged == 0 || _rules.ActivityAfterChurn == TimelineRule.Keep)
        {
            return false;
        }
        _rejectAfter = after;
        return true;
    }

    /// <summary>The customer's last churn as JourneyML sees it: the outcomes table where it has the customer, else the last cancellation event.</summary>
    private long ChurnOf(int c) =>
        _outcomes is not null && _outcomes.Present[c] ? _outcomes.ChurnedAt[c]?.Ticks ?? 0 : Volatile.Read(ref _lastCancellation[c]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Learn(int c, long ticks, byte role)
    {
        var times = role switch { Usage => _lastUsage, Comeback => _lastComeback, _ => _lastCancellation };
        // Partitions are read in parallel: a plain max could lose the later time.
        long seen = Volatile.Read(ref times[c]);
        while (ticks > seen)
        {
            long previous = Interlocked.CompareExchange(ref times[c], ticks, seen);
            if (previous == seen)
            {
                break;
            }
            seen = previous;
        }
    }

    private void ReportBeforeSignup(int c, long ticks, string file, long row)
    {
        double days = (_signedUp[c] - ticks) / (double)TimeSpan.TicksPerDay;
        _report.Add(new DataProblem(file, row, _occurredAtColumn,
            $"{BeforeSignupReason} ({days:0.#} days before signed_up_at {UtcTime.FromTicks(_signedUp[c]):yyyy-MM-dd}); " +
            "set timelines.eventsBeforeSignup to keep if your export attaches earlier history"), BeforeSignupReason);
    }

    private void ReportAfterChurn(int c, EventKind kind, string file, long row)
    {
        bool fromOutcomes = _outcomes is not null && _outcomes.Present[c];
        var churn = UtcTime.FromTicks(ChurnOf(c));
        _report.Add(new DataProblem(file, row, _occurredAtColumn,
            $"{kind.CanonicalName()} after the customer churned on {churn:yyyy-MM-dd} ({(fromOutcomes ? "outcomes churned_at" : "their last cancellation event")}) " +
            "with no purchase, renewal, upgrade or trial since; set timelines.activityAfterChurn to keep if churned customers keep access"),
            AfterChurnReason);
    }

    private static byte[] BuildRoles()
    {
        var roles = new byte[EventKinds.Count];
        foreach (var kind in EventKinds.All)
        {
            roles[(int)kind] = kind switch
            {
                // Using the product needs an account: after a churn with no comeback, impossible.
                EventKind.Login or EventKind.TicketOpened or EventKind.TicketEscalated or EventKind.Downgrade => Usage,
                // What JourneyML counts as paying again (as the customer status does), or the start of a comeback.
                EventKind.Purchase or EventKind.Renewal or EventKind.Upgrade or EventKind.TrialStarted => Comeback,
                EventKind.Cancellation => Cancel,
                // Marketing and sales touches after a churn are win-back campaigns: normal.
                _ => 0,
            };
        }
        return roles;
    }

    /// <summary>Web page visits before sign-up are normal: marketing tools attach a visitor's anonymous visits to the contact they become.</summary>
    private static bool[] BuildNeedsSignup()
    {
        var needs = new bool[EventKinds.Count];
        foreach (var kind in EventKinds.All)
        {
            needs[(int)kind] = kind is not (EventKind.PageView or EventKind.PricingPageView or EventKind.CaseStudyView or EventKind.ComparisonPageView);
        }
        return needs;
    }
}

/// <summary>One partition read's count of impossible timelines.</summary>
internal struct PartitionTally
{
    public long BeforeSignup;
    public long AfterChurn;
}

/// <summary>Outcomes before the customer signed up: checked per outcomes row, as it is read.</summary>
internal static class OutcomeTimeline
{
    public const string Reason = "outcome before the customer signed up";

    /// <summary>False (reported) when a churned_at or converted_at is before signed_up_at and the mapping rejects it.</summary>
    public static bool Accept(string file, long row, OutcomeColumns columns, Customer customer, DateTime? churned, DateTime? converted,
        TimelinesMapping rules, ValidationReport report)
    {
        var earliest = customer.SignedUpAt.AddTicks(-rules.GraceTicks);
        string? column = churned < earliest ? columns.ChurnedAt : converted < earliest ? columns.ConvertedAt : null;
        if (column is null)
        {
            return true;
        }
        if (rules.OutcomesBeforeSignup == TimelineRule.Keep)
        {
            report.AddNote($"{file}: outcome before the customer signed up, kept (timelines.outcomesBeforeSignup is keep)");
            return true;
        }
        var when = column == columns.ChurnedAt ? churned!.Value : converted!.Value;
        report.Add(new DataProblem(file, row, column,
            $"{Reason} ({when:yyyy-MM-dd}, signed_up_at {customer.SignedUpAt:yyyy-MM-dd}); " +
            "set timelines.outcomesBeforeSignup to keep if customer records were created after the purchase"), Reason);
        return false;
    }
}
