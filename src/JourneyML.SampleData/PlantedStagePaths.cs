using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// Each customer's true stage path (the planted one), read off the lifecycle the simulation already decided: the sign-up,
/// the evaluation, the meetings and opportunities it emitted, the purchases, the onboarding burst, the anniversaries and
/// the cancellations. Nothing here draws a random number, so writing the path leaves every other output unchanged.
/// </summary>
/// <remarks>
/// The planted stages, in the simulation's own words, and the default stage map's names (<c>StageModel.DefaultJson</c>)
/// they correspond to: lead = Awareness or Interest; engaged (in an evaluation) = MQL; sales_qualified (a meeting
/// booked) = SQL; opportunity = Opportunity; onboarding (bought, in the 30-day onboarding burst) = Customer-Onboarding;
/// adopted (past onboarding, using the product) = Adoption; renewed (a year in, still using it) = Renewal/Expansion;
/// dormant (paying but hardly using it: the B2B world's dormant segment after onboarding) = Dormant, or
/// Customer-Onboarding while not yet silent for 90 days; churned = Churned.
/// </remarks>
internal static class PlantedStagePaths
{
    public const string FileName = "stage_paths";

    public const string Lead = "lead", Engaged = "engaged", SalesQualified = "sales_qualified", Opportunity = "opportunity",
        Onboarding = "onboarding", Adopted = "adopted", Renewed = "renewed", Dormant = "dormant", Churned = "churned",
        /// <summary>The product-led world's team: an adopted user in a paying workspace of two or more users (after renewed on the path).</summary>
        Team = "team";

    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("customer_id", ColumnType.Text),
        new("stage", ColumnType.Text),
        new("entered_at", ColumnType.Time),
        new("left_at", ColumnType.OptionalTime),
    ];

    private const long Day = 86_400;
    private const long OnboardingSeconds = 30 * Day;
    private const long YearSeconds = 365 * Day;
    /// <summary>The subscription world's trial before the first payment (WorldSimulation's TrialDays).</summary>
    private const long TrialSeconds = 14 * Day;

    /// <summary>The planted path of one contact of the B2B world, given the contacts of its account (the evaluation and the contract are the account's).</summary>
    public static List<Milestone> ForB2b(SimulatedContact contact, IReadOnlyList<SimulatedContact> account)
    {
        var path = new List<Milestone> { new(contact.SignedUpSecond, Lead) };
        bool customerAccount = contact.StatusAtAsOf != LifecycleStatus.Lead;
        long? purchase = contact.ConvertedSecond;
        // The account's evaluation: 45 days before its purchase (or from sign-up), or, for a lead account, from its second
        // form to a lost opportunity or the purchase.
        (long From, long To)? evaluation = null;
        if (customerAccount && purchase is { } bought)
        {
            evaluation = (Math.Max(contact.SignedUpSecond, bought - 45 * Day), bought);
        }
        else if (contact.SegmentId == BehaviourSegment.Evaluator)
        {
            var forms = contact.Events.Where(e => e.Kind == EventKind.FormSubmitted).ToList();
            long from = forms.Count > 0 ? forms[^1].Second : contact.SignedUpSecond;
            long lost = account.SelectMany(c => c.Events).Where(e => e.Kind == EventKind.OpportunityLost && e.Second > from)
                .Select(e => e.Second).DefaultIfEmpty(long.MaxValue).Min();
            evaluation = (from, Math.Min(lost, purchase ?? long.MaxValue));
        }
        if (evaluation is { } window)
        {
            path.Add(new(window.From, Engaged));
            path.Add(new(window.To, Lead)); // replaced by what follows at the same moment (a purchase), else back to nurture
        }
        foreach (var e in contact.Events)
        {
            switch (e.Kind)
            {
                case EventKind.MeetingBooked:
                    path.Add(new(e.Second, SalesQualified));
                    break;
                case EventKind.OpportunityOpened:
                    path.Add(new(e.Second, Opportunity));
                    break;
                case EventKind.OpportunityLost:
                    bool evaluating = evaluation is { } w && e.Second >= w.From && e.Second < w.To;
                    path.Add(new(e.Second, evaluating ? Engaged : Lead));
                    break;
            }
        }
        if (purchase is { } paid)
        {
            // The contract is the account's: it renews on the primary contact's anniversaries and ends at the cancellation.
            long stop = contact.ChurnedSecond ?? long.MaxValue;
            bool adopts = !(contact.StatusAtAsOf == LifecycleStatus.Customer && contact.SegmentId == BehaviourSegment.Dormant);
            CustomerLife(path, paid, stop, adopts);
        }
        if (contact.ChurnedSecond is { } churned)
        {
            path.Add(new(churned, Churned));
        }
        return path;
    }

    /// <summary>The planted path of one contact of the subscription or small world.</summary>
    public static List<Milestone> ForWorld(WorldContact contact, long signUpSecond)
    {
        var path = new List<Milestone> { new(signUpSecond, Lead) };
        var purchases = contact.Events.Where(e => e.Kind == EventKind.Purchase).Select(e => e.Second).ToList();
        if (contact.ConvertedSecond is { } latest && !purchases.Contains(latest))
        {
            purchases.Add(latest);
        }
        // A purchase before the export's first day is known only when it is the latest (the outcomes table holds one).
        var cancellations = contact.Events.Where(e => e.Kind == EventKind.Cancellation).Select(e => e.Second).ToList();
        if (contact.ChurnedSecond is { } lastCancelled && !cancellations.Contains(lastCancelled))
        {
            cancellations.Add(lastCancelled);
        }
        purchases.Sort();
        cancellations.Sort();
        // A subscriber who paid before the export's first day and bought again since shows that first purchase only through
        // renewals or a cancellation before any purchase the export holds: they were paying from the end of their trial.
        long? firstEvidence = contact.Events.Where(e => e.Kind == EventKind.Renewal).Select(e => e.Second).Concat(cancellations)
            .Select(s => (long?)s).DefaultIfEmpty(null).Min();
        if (firstEvidence is { } evidence && (purchases.Count == 0 || purchases[0] > evidence))
        {
            purchases.Insert(0, Math.Min(signUpSecond + TrialSeconds, evidence));
        }
        foreach (var e in contact.Events)
        {
            if (e.Kind == EventKind.MeetingBooked)
            {
                path.Add(new(e.Second, SalesQualified));
            }
            else if (e.Kind == EventKind.TrialStarted && contact.AccountId is not null)
            {
                // The small world's trial comes after the meeting, before the purchase: the opportunity.
                path.Add(new(e.Second, Opportunity));
            }
        }
        foreach (long paid in purchases)
        {
            long stop = cancellations.Where(c => c > paid).DefaultIfEmpty(long.MaxValue).Min();
            CustomerLife(path, paid, stop, adopts: true);
        }
        foreach (long cancelled in cancellations)
        {
            path.Add(new(cancelled, Churned));
        }
        return path;
    }

    /// <summary>Onboarding at the purchase, adopted after the onboarding burst (or dormant, for one who never takes it up), renewed a year in.</summary>
    private static void CustomerLife(List<Milestone> path, long purchase, long stop, bool adopts)
    {
        path.Add(new(purchase, Onboarding));
        if (purchase + OnboardingSeconds < stop)
        {
            path.Add(new(purchase + OnboardingSeconds, adopts ? Adopted : Dormant));
        }
        if (adopts && purchase + YearSeconds < stop)
        {
            path.Add(new(purchase + YearSeconds, Renewed));
        }
    }

    /// <summary>Milestones in time order (later ones win a tie, as they were added) joined into stays within the export; writes one row a stay.</summary>
    public static void Write(TableWriter writer, string customerId, List<Milestone> milestones, SimulatedWorld world)
    {
        var ordered = milestones.Select((m, i) => (m, i)).OrderBy(x => x.m.Second).ThenBy(x => x.i).Select(x => x.m).ToList();
        var stays = new List<(string Stage, long From)>();
        for (int i = 0; i < ordered.Count; i++)
        {
            var m = ordered[i];
            if (m.Second >= world.EndSecond)
            {
                break;
            }
            if (i + 1 < ordered.Count && ordered[i + 1].Second == m.Second)
            {
                continue; // a later milestone at the same moment replaces this one
            }
            if (stays.Count > 0 && stays[^1].Stage == m.Stage)
            {
                continue;
            }
            stays.Add((m.Stage, m.Second));
        }
        for (int i = 0; i < stays.Count; i++)
        {
            writer.Text(customerId);
            writer.Text(stays[i].Stage);
            writer.Time(world.ToDateTime(stays[i].From));
            writer.Time(i + 1 < stays.Count ? world.ToDateTime(stays[i + 1].From) : null);
            writer.EndRow();
        }
    }
}

/// <summary>A moment the simulation moved a contact into a planted stage, in seconds since the data start.</summary>
internal readonly record struct Milestone(long Second, string Stage);
