using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>One simulated contact of the subscription or small world, with the truth about it.</summary>
internal sealed class WorldContact
{
    public required string CustomerId { get; init; }
    public string? AccountId { get; init; }
    public required double SignUp { get; set; }
    public required string Plan { get; init; }
    public string? Role { get; init; }
    public string? Region { get; init; }

    /// <summary>Values of the world's extra customer columns, by column name (integers as invariant text).</summary>
    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

    public int Segment { get; set; }
    public LifecycleStatus StatusAtAsOf { get; set; }
    public double? ChurnProbability { get; set; }
    public double? ConversionProbability { get; set; }
    public bool ChurnedInHorizon { get; set; }
    public bool ConvertedInHorizon { get; set; }

    /// <summary>The latest cancellation and purchase (the outcomes table holds one of each).</summary>
    public long? ChurnedSecond { get; set; }
    public long? ConvertedSecond { get; set; }
    public List<SimEvent> Events { get; } = new(128);

    /// <summary>
    /// The true stage path where the world's simulation records it as it goes (product-led, retail: their stages are
    /// not read off the events alone); null for the worlds whose path <see cref="PlantedStagePaths.ForWorld"/> reads off the events.
    /// </summary>
    public List<Milestone>? PlantedPath { get; set; }
}

/// <summary>
/// Simulates one unit of the subscription world (a single subscriber) or of the small world (an account of 1-4 contacts)
/// with its own random stream. The true probabilities carry the planted drivers (<see cref="PlantedWorld.Drivers"/>):
/// attributes shift the log-odds; the values of events (minutes per session, ticket severity, webinar minutes) carry
/// latent states that event counts show only faintly.
/// </summary>
internal sealed partial class WorldSimulation
{
    private static readonly string[] s_regions = ["emea", "na", "apac", "latam"];
    private static readonly double[] s_regionWeights = [0.4, 0.35, 0.15, 0.1];
    private static readonly string[] s_referrals = ["organic_search", "paid_social", "friend_referral", "podcast"];
    private static readonly double[] s_referralWeights = [0.35, 0.3, 0.2, 0.15];
    private static readonly double[] s_referralChurn = [0, 0.9, -0.9, -0.3];
    private static readonly double[] s_referralConversion = [0, -0.7, 1.0, 0.2];
    private static readonly string[] s_devices = ["ios", "android", "web"];
    private static readonly string[] s_industries = ["agency", "retail", "software", "nonprofit", "healthcare"];
    private static readonly double[] s_industryWeights = [0.3, 0.2, 0.2, 0.15, 0.15];
    private static readonly double[] s_industryChurn = [0, 1.0, -0.8, 0.6, 0];
    private static readonly string[] s_smallPlans = ["team", "business", "enterprise"];

    /// <summary>Severity weights (1-4) of an ordinary and of a frustrated customer's tickets.</summary>
    private static readonly double[] s_calmSeverity = [0.55, 0.3, 0.12, 0.03];
    private static readonly double[] s_harshSeverity = [0.08, 0.17, 0.35, 0.4];

    private const double TrialDays = 14;
    private const double FadeDays = 60;
    private const double TicketRate = 0.035;

    private readonly SimulatedWorld _world;
    private readonly PlantedWorld _profile;
    private readonly SeededRandom _rng;
    private readonly int _unit;
    private readonly int _firstNumber;
    private readonly double _t;
    private readonly double _end;
    private readonly double _h;

    public WorldSimulation(SimulatedWorld world, PlantedWorld profile, int unit, int firstNumber)
    {
        _world = world;
        _profile = profile;
        _unit = unit;
        _firstNumber = firstNumber;
        // Streams apart from the B2B world's accounts, so one seed gives unrelated worlds.
        _rng = new SeededRandom(world.Options.Seed, ((long)profile.World << 40) + unit);
        _t = world.AsOfDay;
        _end = world.EndDay;
        _h = world.Horizon;
    }

    /// <summary>Contacts in a unit: one per subscriber; 1-4 per account in the small world (drawn from the planner's own stream).</summary>
    public static int DrawSize(GeneratorWorld world, int seed, int unit) => world switch
    {
        GeneratorWorld.Small => 1 + new SeededRandom(seed, ((long)world << 40) + (1L << 39) + unit).Pick([0.45, 0.3, 0.15, 0.1]),
        GeneratorWorld.ProductLed => 1 + new SeededRandom(seed, ((long)world << 40) + (1L << 39) + unit).Pick(s_workspaceSizes),
        _ => 1,
    };

    public WorldContact[] Run(int size) => _profile.World switch
    {
        GeneratorWorld.Small => RunAccount(size),
        GeneratorWorld.ProductLed => RunWorkspace(size),
        GeneratorWorld.Retail => [RunShopper()],
        _ => [RunSubscriber()],
    };

    /// <summary>The latent state a unit's behaviour and its truth share.</summary>
    private sealed record Latent(double Activity, double Minutes, double Fade, bool Frustrated)
    {
        public int Segment => Fade > 0 ? PlantedWorld.Fading : Frustrated ? PlantedWorld.Frustrated : PlantedWorld.Engaged;
    }

    private Latent DrawLatent() => new(
        _rng.LogNormalMultiplier(0.35),
        22 * _rng.LogNormalMultiplier(0.3),
        _rng.Chance(0.3) ? _rng.Uniform(0.45, 0.85) : 0,
        _rng.Chance(0.22));

    // ---- the subscription world ------------------------------------------------------------------------------------

    private WorldContact RunSubscriber()
    {
        int kind = _rng.Pick([0.12, 0.07, 0.63, 0.18]);
        // A former subscriber is a subscriber of an earlier horizon (as of A = T - kH) who cancelled in (A, A+H]: drawn as
        // subscribers are and accepted with their own churn probability, so every horizon's churners carry the planted drivers.
        double formerAsOf = kind == 3 ? EarlierAsOf() : _t;
        var (referral, plan, latent) = DrawSubscriber();
        for (int attempt = 0; kind == 3 && attempt < 40 && !_rng.Chance(Sigmoid(SubscriberChurnZ(referral, plan, latent, false))); attempt++)
        {
            (referral, plan, latent) = DrawSubscriber();
        }
        var c = new WorldContact
        {
            CustomerId = $"U{_firstNumber:D6}",
            SignUp = 0,
            Plan = plan,
            Region = _rng.Chance(0.03) ? null : s_regions[_rng.Pick(s_regionWeights)],
        };
        c.Attributes["referral_source"] = s_referrals[referral];
        c.Attributes["device"] = s_devices[_rng.Pick([0.45, 0.35, 0.2])];
        switch (kind)
        {
            case 0:
                Trialist(c, latent, referral);
                break;
            case 1:
                ExpiredTrial(c, latent, referral);
                break;
            case 2:
                Subscriber(c, latent, referral, plan);
                break;
            default:
                LapsedSubscriber(c, latent, formerAsOf);
                break;
        }
        EmitStream(c, EventKind.EmailOpen, c.SignUp, _end, 0.05 * latent.Activity, ActivityRhythm.Content, Ramp.None, null);
        c.Events.Sort();
        return c;
    }

    private void Trialist(WorldContact c, Latent latent, int referral)
    {
        double start = _t - _rng.Uniform(0.5, TrialDays - 0.5);
        c.SignUp = start;
        c.Segment = PlantedWorld.Trialist;
        c.StatusAtAsOf = LifecycleStatus.Lead;
        // How long the trial's sessions run is the planted value signal of conversion.
        double engagement = _rng.LogNormalMultiplier(0.5);
        double z = -0.4 + s_referralConversion[referral] + 1.6 * Math.Log(engagement) + 0.5 * Math.Log(latent.Activity);
        c.ConversionProbability = Math.Round(Sigmoid(z), 6);
        Emit(c, EventKind.TrialStarted, start, double.NaN);
        double trialEnd = start + TrialDays;
        var minutes = latent with { Minutes = latent.Minutes * engagement, Fade = 0 };
        EmitSessions(c, start, trialEnd, 0.7 * latent.Activity, minutes, Ramp.None);
        if (_rng.Chance(c.ConversionProbability.Value))
        {
            c.ConvertedInHorizon = true;
            double paid = trialEnd + _rng.Uniform(0, 1);
            Purchase(c, paid);
            EmitPaidLife(c, paid, _end, latent with { Fade = 0 }, c.Plan);
        }
    }

    private void ExpiredTrial(WorldContact c, Latent latent, int referral)
    {
        double start = _t - _rng.Uniform(30, 330);
        c.SignUp = start;
        c.Segment = PlantedWorld.ExpiredTrial;
        c.StatusAtAsOf = LifecycleStatus.Lead;
        c.ConversionProbability = Math.Round(Sigmoid(-3.4 + s_referralConversion[referral]), 6);
        Emit(c, EventKind.TrialStarted, start, double.NaN);
        EmitSessions(c, start, start + TrialDays, 0.4 * latent.Activity, latent with { Fade = 0 }, Ramp.None);
        if (_rng.Chance(c.ConversionProbability.Value))
        {
            c.ConvertedInHorizon = true;
            double paid = DayInHorizon(_t);
            Purchase(c, paid);
            EmitPaidLife(c, paid, _end, latent with { Fade = 0 }, c.Plan);
        }
    }

    private void Subscriber(WorldContact c, Latent latent, int referral, string plan)
    {
        double purchase = _t - _rng.Uniform(20, 420);
        double firstPaid = purchase;
        bool reactivated = purchase > 200 && _rng.Chance(0.15);
        if (reactivated)
        {
            // An earlier subscription, cancelled, then this one: a reactivation.
            firstPaid = purchase - _rng.Uniform(120, 200);
            double cancelled = _rng.Uniform(firstPaid + 40, purchase - 30);
            c.SignUp = firstPaid - TrialDays;
            Emit(c, EventKind.TrialStarted, c.SignUp, double.NaN);
            EmitSessions(c, c.SignUp, firstPaid, 0.7 * latent.Activity, latent with { Fade = 0 }, Ramp.None);
            Purchase(c, firstPaid);
            EmitPaidLife(c, firstPaid, cancelled, latent with { Fade = 0 }, plan);
            Cancel(c, cancelled);
            Purchase(c, purchase);
        }
        else
        {
            c.SignUp = purchase - TrialDays;
            Emit(c, EventKind.TrialStarted, c.SignUp, double.NaN);
            EmitSessions(c, c.SignUp, purchase, 0.7 * latent.Activity, latent with { Fade = 0 }, Ramp.None);
            Purchase(c, purchase);
        }
        c.Segment = latent.Segment;
        c.StatusAtAsOf = LifecycleStatus.Customer;
        c.ChurnProbability = Math.Round(Sigmoid(SubscriberChurnZ(referral, plan, latent, reactivated)), 6);
        double stop = ChurnStop(c);
        EmitPaidLife(c, purchase, stop, latent, plan);
        if (stop < _end)
        {
            Cancel(c, stop);
            WinBack(c, stop, latent, 0.12);
        }
    }

    private void LapsedSubscriber(WorldContact c, Latent latent, double asOf)
    {
        double firstPaid = asOf - _rng.Uniform(20, 420);
        double cancelled = DayInHorizon(asOf);
        c.SignUp = firstPaid - TrialDays;
        c.Segment = PlantedWorld.Lapsed;
        c.StatusAtAsOf = LifecycleStatus.Churned;
        Emit(c, EventKind.TrialStarted, c.SignUp, double.NaN);
        EmitSessions(c, c.SignUp, firstPaid, 0.7 * latent.Activity, latent with { Fade = 0 }, Ramp.None);
        Purchase(c, firstPaid);
        EmitPaidLife(c, firstPaid, cancelled, latent, c.Plan, asOf);
        Cancel(c, cancelled);
        WinBack(c, Math.Max(cancelled, _t), latent, 0.1);
    }

    /// <summary>The three draws a subscriber's churn rests on: how they came, their plan, their latent behaviour.</summary>
    private (int Referral, string Plan, Latent Latent) DrawSubscriber() =>
        (_rng.Pick(s_referralWeights), _rng.Chance(0.3) ? "annual" : "monthly", DrawLatent());

    /// <summary>The log-odds of a paying subscriber's churn in the next horizon: the planted drivers.</summary>
    private static double SubscriberChurnZ(int referral, string plan, Latent latent, bool reactivated) =>
        -2.6 + s_referralChurn[referral] + (plan == "annual" ? -1.0 : 0)
        + 2.6 * latent.Fade + (latent.Frustrated ? 1.5 : 0) - 0.5 * Math.Log(latent.Activity) + (reactivated ? 0.3 : 0);

    /// <summary>The as-of date of an earlier horizon a former customer churned after: one to three horizons before T, recent ones likelier.</summary>
    private double EarlierAsOf() => _t - _h * (1 + _rng.Pick([0.5, 0.3, 0.2]));

    /// <summary>A cancelled subscriber who subscribes again some weeks later (a reactivation) and uses the app until the export ends.</summary>
    private void WinBack(WorldContact c, double from, Latent latent, double chance)
    {
        if (!_rng.Chance(chance))
        {
            return;
        }
        double back = from + _rng.Uniform(20, 80);
        if (back < _end)
        {
            Purchase(c, back);
            EmitPaidLife(c, back, _end, latent with { Fade = 0 }, c.Plan);
        }
    }

    /// <summary>Sessions, support requests and renewals of a paying subscriber from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private void EmitPaidLife(WorldContact c, double from, double to, Latent latent, string plan, double? asOf = null)
    {
        var (rate, fade) = FadeRamps(latent, asOf ?? _t);
        EmitSessions(c, from, to, 0.5 * latent.Activity, latent, rate, fade);
        EmitTickets(c, from, to, latent.Frustrated);
        double period = plan == "annual" ? 365 : 30.4;
        for (double renewal = from + period; renewal < Math.Min(to, _end); renewal += period)
        {
            Emit(c, EventKind.Renewal, renewal, double.NaN);
        }
        if (plan == "monthly" && latent.Fade == 0 && to - from > 90 && _rng.Chance(0.06))
        {
            Emit(c, EventKind.Upgrade, _rng.Uniform(from + 30, to), double.NaN);
        }
    }

    // ---- the small world ---------------------------------------------------------------------------------------------

    private WorldContact[] RunAccount(int size)
    {
        int kind = _rng.Pick([0.24, 0.58, 0.18]);
        // A churned account is a customer account of an earlier horizon (as of A = T - kH) that cancelled in (A, A+H]:
        // drawn as customer accounts are and accepted with their churn probability (see RunSubscriber).
        double formerAsOf = kind == 2 ? EarlierAsOf() : _t;
        var (industry, seats, latent) = DrawAccount();
        for (int attempt = 0; kind == 2 && attempt < 40 && !_rng.Chance(Sigmoid(AccountChurnZ(industry, seats, latent))); attempt++)
        {
            (industry, seats, latent) = DrawAccount();
        }
        double employees = seats * _rng.Uniform(1.5, 4);
        string companySize = employees switch { <= 10 => "1-10", <= 50 => "11-50", <= 200 => "51-200", _ => "201+" };
        string plan = s_smallPlans[_rng.Pick([0.5, 0.35, 0.15])];
        string? region = s_regions[_rng.Pick(s_regionWeights)];
        var contacts = new WorldContact[size];
        for (int i = 0; i < size; i++)
        {
            contacts[i] = new WorldContact
            {
                CustomerId = $"K{_firstNumber + i:D5}",
                AccountId = $"B{_unit + 1:D4}",
                SignUp = 0,
                Plan = plan,
                Role = _rng.Chance(0.05) ? null : i == 0 ? Roles.DecisionMaker : _rng.Chance(0.3) ? "finance" : "user",
                Region = region,
            };
            contacts[i].Attributes["industry"] = s_industries[industry];
            contacts[i].Attributes["seats"] = seats.ToString(System.Globalization.CultureInfo.InvariantCulture);
            contacts[i].Attributes["company_size"] = companySize;
        }
        switch (kind)
        {
            case 0:
                LeadAccount(contacts, seats, latent);
                break;
            case 1:
                CustomerAccount(contacts, industry, seats, latent);
                break;
            default:
                ChurnedAccount(contacts, latent, formerAsOf);
                break;
        }
        foreach (var c in contacts)
        {
            EmitStream(c, EventKind.EmailOpen, c.SignUp, _end, 0.03, ActivityRhythm.Content, Ramp.None, null);
            c.Events.Sort();
        }
        return contacts;
    }

    private void LeadAccount(WorldContact[] contacts, int seats, Latent latent)
    {
        // How long the account's people stay in webinars is the planted value signal of conversion.
        double interest = _rng.LogNormalMultiplier(0.45);
        double z = -0.5 + 0.7 * Math.Log2(seats / 8.0) + 1.8 * Math.Log(interest);
        double p = Math.Round(Sigmoid(z), 6);
        bool converts = _rng.Chance(p);
        double decision = DayInHorizon(_t);
        foreach (var c in contacts)
        {
            c.SignUp = _t - _rng.Uniform(10, 200);
            c.Segment = PlantedWorld.SmallLead;
            c.StatusAtAsOf = LifecycleStatus.Lead;
            c.ConversionProbability = p;
            double leadEnd = converts ? decision : _end;
            EmitLeadJourney(c, c.SignUp, leadEnd, interest, latent.Activity);
            if (converts)
            {
                c.ConvertedInHorizon = true;
                if (ReferenceEquals(c, contacts[0]))
                {
                    // The meeting and the trial come 10-25 and 3-9 days before the decision, but never before the contact
                    // signed up: a contact who signed up days before the decision books both in between (the same draws,
                    // so only those rare contacts move; before, a meeting could precede the sign-up and fail validation).
                    double span = decision - c.SignUp;
                    Emit(c, EventKind.MeetingBooked, Math.Max(decision - _rng.Uniform(10, 25), c.SignUp + 0.4 * span), double.NaN);
                    Emit(c, EventKind.TrialStarted, Math.Max(decision - _rng.Uniform(3, 9), c.SignUp + 0.7 * span), double.NaN);
                }
                Purchase(c, decision);
                EmitAccountLife(c, decision, _end, latent with { Fade = 0 }, false);
            }
        }
    }

    private void CustomerAccount(WorldContact[] contacts, int industry, int seats, Latent latent)
    {
        double purchase = _t - _rng.Uniform(60, 600);
        double p = Math.Round(Sigmoid(AccountChurnZ(industry, seats, latent)), 6);
        double stop = double.NaN;
        foreach (var c in contacts)
        {
            c.SignUp = purchase - _rng.Uniform(7, 90);
            c.Segment = latent.Segment;
            c.StatusAtAsOf = LifecycleStatus.Customer;
            c.ChurnProbability = p;
            // One draw per account: the account cancels, all its contacts with it.
            stop = double.IsNaN(stop) ? ChurnStop(c) : stop;
            c.ChurnedInHorizon = stop <= _t + _h;
            EmitLeadJourney(c, c.SignUp, purchase, 1, 1);
            Purchase(c, purchase);
            EmitAccountLife(c, purchase, stop, latent with { Activity = latent.Activity * _rng.LogNormalMultiplier(0.2) }, ReferenceEquals(c, contacts[0]));
            if (stop < _end)
            {
                Cancel(c, stop);
            }
        }
    }

    private void ChurnedAccount(WorldContact[] contacts, Latent latent, double asOf)
    {
        double purchase = asOf - _rng.Uniform(60, 600);
        double cancelled = DayInHorizon(asOf);
        foreach (var c in contacts)
        {
            c.SignUp = purchase - _rng.Uniform(7, 90);
            c.Segment = PlantedWorld.SmallChurned;
            c.StatusAtAsOf = LifecycleStatus.Churned;
            EmitLeadJourney(c, c.SignUp, purchase, 1, 1);
            Purchase(c, purchase);
            EmitAccountLife(c, purchase, cancelled, latent with { Activity = latent.Activity * _rng.LogNormalMultiplier(0.2) }, ReferenceEquals(c, contacts[0]), asOf);
            Cancel(c, cancelled);
        }
    }

    /// <summary>The three draws an account's churn rests on: its industry, its seats, its latent behaviour.</summary>
    private (int Industry, int Seats, Latent Latent) DrawAccount() =>
        (_rng.Pick(s_industryWeights), (int)Math.Clamp(Math.Round(Math.Exp(Math.Log(8) + 0.8 * _rng.Normal())), 1, 200), DrawLatent());

    /// <summary>The log-odds of a customer account's churn in the next horizon: the planted drivers.</summary>
    private static double AccountChurnZ(int industry, int seats, Latent latent) =>
        -2.2 + s_industryChurn[industry] - 0.7 * Math.Log2(seats / 8.0)
        + 2.4 * latent.Fade + (latent.Frustrated ? 1.4 : 0) - 0.5 * Math.Log(latent.Activity);

    /// <summary>A lead's touches: the form, page and pricing views, webinars whose minutes follow the account's interest.</summary>
    private void EmitLeadJourney(WorldContact c, double from, double to, double interest, double activity)
    {
        Emit(c, EventKind.FormSubmitted, from + _rng.Uniform(0, 1), double.NaN);
        EmitStream(c, EventKind.PageView, from, to, 0.08 * activity, ActivityRhythm.Content, Ramp.None, null);
        EmitStream(c, EventKind.PricingPageView, from, to, 0.02 * activity, ActivityRhythm.Content, Ramp.None, null);
        EmitStream(c, EventKind.WebinarAttended, from, to, 0.02, ActivityRhythm.Content, Ramp.None,
            _ => Math.Round(Math.Clamp(25 * interest * _rng.LogNormalMultiplier(0.25), 3, 90)));
    }

    private void EmitAccountLife(WorldContact c, double from, double to, Latent latent, bool primary, double? asOf = null)
    {
        var (rate, fade) = FadeRamps(latent, asOf ?? _t);
        EmitSessions(c, from, to, 0.35 * latent.Activity, latent, rate, fade);
        EmitTickets(c, from, to, latent.Frustrated);
        if (primary)
        {
            for (double renewal = from + 365; renewal < Math.Min(to, _end); renewal += 365)
            {
                Emit(c, EventKind.Renewal, renewal, double.NaN);
            }
        }
    }

    // ---- shared ------------------------------------------------------------------------------------------------------

    /// <summary>A fading unit's sessions and their minutes over the weeks before <paramref name="asOf"/>: sessions fall far less than their minutes (the value carries the signal, the count only faintly).</summary>
    private static (Ramp Rate, Ramp Minutes) FadeRamps(Latent latent, double asOf) => latent.Fade > 0
        ? (new Ramp(asOf - FadeDays, asOf - 10, 1 - 0.25 * latent.Fade), new Ramp(asOf - FadeDays, asOf - 10, 1 - latent.Fade))
        : (Ramp.None, Ramp.None);

    /// <summary>When a customer with a true 90-day churn probability cancels: in the horizon with that probability, the same hazard after.</summary>
    private double ChurnStop(WorldContact c)
    {
        double p = c.ChurnProbability!.Value;
        if (_rng.Chance(p))
        {
            c.ChurnedInHorizon = true;
            return DayInHorizon(_t);
        }
        for (double w = _t + _h; w < _end; w += _h)
        {
            if (_rng.Chance(p))
            {
                return DayInHorizon(w);
            }
        }
        return _end;
    }

    private void EmitSessions(WorldContact c, double from, double to, double rate, Latent latent, Ramp rateRamp, Ramp? minutesRamp = null)
    {
        var ramp = minutesRamp ?? Ramp.None;
        EmitStream(c, EventKind.Login, from, to, rate, _profile.Rhythm, rateRamp,
            t => Math.Round(Math.Clamp(latent.Minutes * ramp.At(t) * _rng.LogNormalMultiplier(0.35), 0.5, 240), 1));
    }

    private void EmitTickets(WorldContact c, double from, double to, bool frustrated)
    {
        var weights = frustrated ? s_harshSeverity : s_calmSeverity;
        EmitStream(c, EventKind.TicketOpened, from, to, TicketRate, _profile.Rhythm == ActivityRhythm.Leisure ? ActivityRhythm.Content : ActivityRhythm.Work,
            Ramp.None, _ => 1 + _rng.Pick(weights));
    }

    private void Purchase(WorldContact c, double day)
    {
        // A purchase before the export's first day is known to the outcomes table, though its event is not exported.
        if (SimulatedWorld.ToSecond(day) < _world.EndSecond)
        {
            c.ConvertedSecond = SimulatedWorld.ToSecond(day);
            Emit(c, EventKind.Purchase, day, double.NaN);
        }
    }

    private void Cancel(WorldContact c, double day)
    {
        if (SimulatedWorld.ToSecond(day) < _world.EndSecond)
        {
            c.ChurnedSecond = SimulatedWorld.ToSecond(day);
            Emit(c, EventKind.Cancellation, day, double.NaN);
        }
    }

    /// <summary>Events of one kind as a Poisson process thinned by the world's calendar and a trend ramp; values drawn per event.</summary>
    private void EmitStream(WorldContact c, EventKind kind, double from, double to, double rate, ActivityRhythm rhythm, Ramp ramp, Func<double, double>? value)
    {
        from = Math.Max(from, 0);
        to = Math.Min(to, _end);
        if (rate <= 0 || to <= from)
        {
            return;
        }
        var calendar = _world.Calendar;
        double max = rate * calendar.Max(rhythm) * ramp.Max;
        double t = from;
        while (true)
        {
            t += _rng.Exponential(max);
            if (t >= to)
            {
                return;
            }
            if (_rng.NextDouble() * max < rate * calendar.Factor(rhythm, t) * ramp.At(t))
            {
                Emit(c, kind, t, value?.Invoke(t) ?? double.NaN);
            }
        }
    }

    private void Emit(WorldContact c, EventKind kind, double day, double value)
    {
        if (day < 0 || day >= _end)
        {
            return;
        }
        var channel = kind switch
        {
            EventKind.Login => _profile.World is GeneratorWorld.Subscription or GeneratorWorld.Retail ? Channel.App : Channel.Web,
            EventKind.TicketOpened => Channel.Support,
            EventKind.EmailOpen => Channel.Email,
            EventKind.WebinarAttended => Channel.Webinar,
            EventKind.MeetingBooked or EventKind.Purchase or EventKind.Renewal or EventKind.Cancellation when _profile.HasLeadFunnel => Channel.Sales,
            EventKind.Purchase or EventKind.Renewal or EventKind.Upgrade or EventKind.Downgrade or EventKind.Cancellation => Channel.App,
            _ => Channel.Web,
        };
        c.Events.Add(new SimEvent(SimulatedWorld.ToSecond(day), kind, channel, value));
    }

    /// <summary>A moment in (start, start + H).</summary>
    private double DayInHorizon(double start) => start + 1 + _rng.Uniform(0, _h - 2);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>A multiplier that is 1 until <see cref="Start"/>, moves linearly to <see cref="EndValue"/> at <see cref="End"/> and stays there.</summary>
    private readonly record struct Ramp(double Start, double End, double EndValue)
    {
        public static Ramp None { get; } = new(double.PositiveInfinity, double.PositiveInfinity, 1);

        public double Max => Math.Max(1, EndValue);

        public double At(double t) =>
            t <= Start ? 1 : t >= End ? EndValue : 1 + (EndValue - 1) * (t - Start) / (End - Start);
    }
}
