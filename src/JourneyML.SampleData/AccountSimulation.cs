using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// Simulates one account (1-8 contacts) with its own random stream, so accounts can be simulated in parallel
/// and still give the same output for a seed. Times are days since the data start; events before the data
/// start or at/after the export end are not emitted (the history still shapes the ground truth).
/// </summary>
internal sealed class AccountSimulation
{
    private static readonly double[] s_sizeWeights = [0.30, 0.25, 0.17, 0.11, 0.07, 0.05, 0.03, 0.02];
    private static readonly string[] s_regions = ["emea", "na", "apac", "latam"];
    private static readonly double[] s_regionWeights = [0.35, 0.40, 0.15, 0.10];
    private static readonly double[] s_regionUtcOffsetHours = [1, -5, 8, -3];
    private static readonly string[] s_companySizes = ["1-10", "11-50", "51-200", "201-1000", "1000+"];
    private static readonly string[] s_industries = ["software", "financial_services", "healthcare", "retail", "manufacturing", "education", "media"];
    private static readonly double[] s_industryWeights = [0.25, 0.15, 0.12, 0.14, 0.14, 0.1, 0.1];
    private static readonly string[] s_plans = ["starter", "pro", "enterprise"];
    private static readonly string[] s_roles = [Roles.DecisionMaker, "finance", "it", "user"];
    private const int DecisionMakerRole = 0;

    /// <summary>When a customer account bought, counted back from its as-of date: in the last horizon, the one before, or earlier.</summary>
    private static readonly double[] s_purchaseWindowWeights = [0.15, 0.13, 0.72];
    private const int FinanceRole = 1;

    /// <summary>Share of contacts whose role or region is missing from the export.</summary>
    private const double MissingAttributeRate = 0.04;

    /// <summary>Share of events exported without a channel.</summary>
    private const double MissingChannelRate = 0.02;

    /// <summary>Emails a contact still opens per day after cancelling.</summary>
    private const double EmailAfterChurnRate = 0.015;

    /// <summary>Lognormal sigma of a contact's overall activity level and of each of its rates around its segment's.</summary>
    private const double ActivityNoise = 0.2;
    private const double RateNoise = 0.12;

    private const double OnboardingDays = 30;
    private const double OnboardingLoginBoost = 1.6;

    /// <summary>How soon after its as-of date as a lead an account in the last two horizons buys (see SimulateCustomerAccount).</summary>
    private const double ConvertedLeadBuysWithinDays = 30;

    private readonly SimulatedWorld _world;
    private readonly SeededRandom _rng;
    private readonly int _accountIndex;
    private readonly int _firstCustomerNumber;
    private readonly int _size;
    private readonly double _t;
    private readonly double _end;
    private readonly double _h;
    private double _tzDays;

    public AccountSimulation(SimulatedWorld world, int accountIndex, int firstCustomerNumber, int size)
    {
        _world = world;
        _accountIndex = accountIndex;
        _firstCustomerNumber = firstCustomerNumber;
        _size = size;
        _rng = new SeededRandom(world.Options.Seed, accountIndex);
        _t = world.AsOfDay;
        _end = world.EndDay;
        _h = world.Horizon;
    }

    /// <summary>The number of contacts of an account, drawn first from its stream (so planning needs no simulation).</summary>
    public static int DrawSize(int seed, int accountIndex) => DrawSize(new SeededRandom(seed, accountIndex));

    private static int DrawSize(SeededRandom rng) => 1 + rng.Pick(s_sizeWeights);

    private enum AccountKind
    {
        Lead,
        Customer,
        ChurnedBeforeAsOf,
    }

    private sealed class Draft
    {
        public int Index;
        public int Role;
        public int Segment;
        public LatentRates Rates;
        public double Activity;
        public double SignUp;
        public double DecliningFall;
        public SimulatedContact? Contact;
    }

    public SimulatedContact[] Run()
    {
        DrawSize(_rng); // the planner's draw; keeps the stream aligned
        int region = _rng.Pick(s_regionWeights);
        _tzDays = s_regionUtcOffsetHours[region] / 24.0;
        ReadOnlySpan<double> sizeWeights = _size switch
        {
            <= 2 => [0.35, 0.35, 0.2, 0.08, 0.02],
            <= 5 => [0.1, 0.3, 0.35, 0.18, 0.07],
            _ => [0.02, 0.1, 0.3, 0.35, 0.23],
        };
        string companySize = s_companySizes[_rng.Pick(sizeWeights)];
        string industry = s_industries[_rng.Pick(s_industryWeights)];
        ReadOnlySpan<double> planWeights = _size switch
        {
            <= 2 => [0.6, 0.32, 0.08],
            <= 5 => [0.35, 0.45, 0.2],
            _ => [0.15, 0.4, 0.45],
        };
        string plan = s_plans[_rng.Pick(planWeights)];
        // Former customers make a real export's history: cancellations through every earlier horizon, not only the last one.
        var kind = (AccountKind)_rng.Pick([0.36, 0.54, 0.10]);

        var drafts = new Draft[_size];
        for (int i = 0; i < _size; i++)
        {
            int role = i == 0 ? _rng.Pick([0.45, 0.1, 0.1, 0.35]) : _rng.Pick([0.18, 0.12, 0.15, 0.55]);
            drafts[i] = new Draft { Index = i, Role = role, Activity = _rng.LogNormalMultiplier(ActivityNoise) };
        }

        switch (kind)
        {
            case AccountKind.Customer:
                SimulateCustomerAccount(drafts);
                break;
            case AccountKind.ChurnedBeforeAsOf:
                SimulateChurnedAccount(drafts);
                break;
            default:
                SimulateLeadAccount(drafts);
                break;
        }

        var contacts = new SimulatedContact[_size];
        for (int i = 0; i < _size; i++)
        {
            var contact = drafts[i].Contact!;
            contact.Events.Sort();
            contacts[i] = contact;
        }
        return contacts;

        SimulatedContact NewContact(Draft d, LifecycleStatus status) => new()
        {
            CustomerId = $"C{_firstCustomerNumber + d.Index:D6}",
            AccountId = $"A{_accountIndex + 1:D5}",
            SignedUpSecond = SimulatedWorld.ToSecond(d.SignUp),
            Plan = plan,
            Role = _rng.Chance(MissingAttributeRate) ? null : s_roles[d.Role],
            Region = _rng.Chance(MissingAttributeRate) ? null : s_regions[region],
            CompanySize = companySize,
            Industry = industry,
            SegmentId = d.Segment,
            StatusAtAsOf = status,
        };

        void SimulateCustomerAccount(Draft[] ds)
        {
            // Some accounts bought in one of the last two horizons, as leads of that time that converted: the conversions
            // an earlier as-of date's lead model learns from.
            int recentWindow = _rng.Pick(s_purchaseWindowWeights) + 1;
            double? boughtAsLeadOf = recentWindow <= 2 ? _t - recentWindow * _h : null;
            var leadPhase = boughtAsLeadOf is { } leadAnchor ? ConvertedLeadPhase(ds, leadAnchor) : null;
            // An account evaluating at A buys within weeks of it: so the 90 days before T of an account that bought in the last
            // horizon are mostly its customer life (its planted segment), with only a short tail of the evaluation before.
            double purchase = leadPhase is not null ? WorkTime(DayInHorizon(boughtAsLeadOf!.Value, ConvertedLeadBuysWithinDays)) : WorkTime(_t - _rng.Uniform(2 * _h, 600));
            DrawCustomerHealth(ds);
            foreach (var d in ds)
            {
                d.SignUp = leadPhase is not null ? LeadSignUp(d, leadPhase) : purchase - Math.Min(400, 7 + _rng.Exponential(1 / 50.0));
                d.Contact = NewContact(d, LifecycleStatus.Customer);
                var c = d.Contact;
                if (leadPhase is not null)
                {
                    EmitConvertedLead(d, leadPhase, purchase);
                }
                else
                {
                    EmitBuyingJourney(d, purchase);
                }

                double p = ChurnProbability(d);
                c.ChurnProbability = p;
                c.ConvertedSecond = SimulatedWorld.ToSecond(purchase) + d.Index * 60;
                double stop = _end;
                if (_rng.Chance(p))
                {
                    stop = DayInHorizon(_t);
                    c.ChurnedInHorizon = true;
                }
                else
                {
                    // Beyond the horizon the same 90-day hazard goes on (only matters when the export runs longer).
                    for (double w = _t + _h; w < _end; w += _h)
                    {
                        if (_rng.Chance(p))
                        {
                            stop = DayInHorizon(w);
                            break;
                        }
                    }
                }
                var (loginRamp, ticketRamp) = Trends(d, _t);
                EmitCustomerLife(d, purchase, stop, d.Rates, loginRamp, ticketRamp);
                if (d.Index == 0)
                {
                    EmitContractEvents(d, purchase, stop);
                }
                if (stop < _end)
                {
                    Cancel(d, stop);
                }
            }
        }

        void SimulateChurnedAccount(Draft[] ds)
        {
            // A former customer is a customer account of an earlier horizon (as of A = T - kH) that cancelled in (A, A+H]:
            // its health and segments drawn as a customer's are, accepted with the account's own churn probability, so the
            // churners of every earlier horizon carry the same planted drivers (falling logins, rising tickets) as those after T.
            double anchor = _t - _h * (1 + _rng.Pick([0.6, 0.25, 0.15]));
            for (int attempt = 0; attempt < 40; attempt++)
            {
                DrawCustomerHealth(ds);
                if (_rng.Chance(ds.Average(ChurnProbability)))
                {
                    break;
                }
            }
            // Tenure at A as a customer's at T: so the model of an earlier date meets new customers too.
            int window = _rng.Pick(s_purchaseWindowWeights) + 1;
            double purchase = WorkTime(window <= 2 ? DayInHorizon(anchor - window * _h) : anchor - _rng.Uniform(2 * _h, 600));
            double cancel = DayInHorizon(anchor);
            foreach (var d in ds)
            {
                var (loginRamp, ticketRamp) = Trends(d, anchor);
                // The planted segment names the behaviour of the 90 days before T: once the account has decided to leave (after
                // A) its use winds down to a dormant contact's until it cancels, so even those cancelling inside that window
                // are dormant there, not a mix of their old segment and silence.
                d.Segment = BehaviourSegment.Dormant;
                d.SignUp = purchase - Math.Min(400, 7 + _rng.Exponential(1 / 50.0));
                d.Contact = NewContact(d, LifecycleStatus.Churned);
                d.Contact.ConvertedSecond = SimulatedWorld.ToSecond(purchase) + d.Index * 60;
                EmitBuyingJourney(d, purchase);
                EmitCustomerLife(d, purchase, anchor, d.Rates, loginRamp, ticketRamp);
                EmitCustomerLife(d, anchor, cancel, BehaviourSegment.All[BehaviourSegment.Dormant].Rates.Scale(d.Activity, _rng, RateNoise), Ramp.None, Ramp.None, onboarding: false);
                if (d.Index == 0)
                {
                    EmitContractEvents(d, purchase, cancel);
                }
                Cancel(d, cancel);
            }
        }

        void SimulateLeadAccount(Draft[] ds)
        {
            bool evaluating = _rng.Chance(0.4);
            double evalStart = _t - _rng.Uniform(45, 100);
            double decision = DayInHorizon(_t);
            double accountDraw = _rng.NextDouble();
            var nurture = BehaviourSegment.All[BehaviourSegment.Nurture].Rates;
            foreach (var d in ds)
            {
                d.Segment = _rng.Chance(evaluating ? 0.75 : 0.07) ? BehaviourSegment.Evaluator : BehaviourSegment.Nurture;
                d.Rates = BehaviourSegment.All[d.Segment].Rates.Scale(d.Activity, _rng, RateNoise);
                d.SignUp = d.Segment == BehaviourSegment.Evaluator
                    ? evalStart - Math.Min(500, _rng.Exponential(1 / 90.0))
                    : _t - _rng.Uniform(90, 500);
                d.Contact = NewContact(d, LifecycleStatus.Lead);
            }

            int engaged = ds.Count(d => d.Segment == BehaviourSegment.Evaluator);
            bool decisionMakerEngaged = ds.Any(d => d.Segment == BehaviourSegment.Evaluator && d.Role == DecisionMakerRole);
            var primary = ds.FirstOrDefault(d => d.Segment == BehaviourSegment.Evaluator) ?? ds[0];
            double lostAt = _rng.Chance(0.5) ? _t + _rng.Uniform(5, 80) : double.PositiveInfinity;
            foreach (var d in ds)
            {
                var c = d.Contact!;
                double p = ConversionProbability(d.Rates, engaged, decisionMakerEngaged);
                c.ConversionProbability = p;
                // One draw per account: the buying decision is the account's, each contact's marginal stays p.
                bool converts = accountDraw < p;
                double convertAt = double.PositiveInfinity;
                if (converts)
                {
                    convertAt = decision;
                    c.ConvertedInHorizon = true;
                }
                else
                {
                    for (double w = _t + _h; w < _end; w += _h)
                    {
                        if (_rng.Chance(p))
                        {
                            convertAt = DayInHorizon(w);
                            break;
                        }
                    }
                }

                double leadEnd = Math.Min(convertAt, _end);
                Emit(d, EventKind.FormSubmitted, WorkTime(d.SignUp + _rng.Uniform(0, 2)));
                if (d.Segment == BehaviourSegment.Evaluator)
                {
                    EmitContent(d, d.SignUp, evalStart, Scale(nurture, d.Activity));
                    double evaluatorEnd = converts ? leadEnd : Math.Min(leadEnd, lostAt);
                    EmitContent(d, evalStart, evaluatorEnd, d.Rates);
                    EmitContent(d, evaluatorEnd, leadEnd, Scale(nurture, d.Activity));
                    Emit(d, EventKind.FormSubmitted, WorkTime(evalStart + _rng.Uniform(0, 3)));
                }
                else
                {
                    EmitContent(d, d.SignUp, leadEnd, d.Rates);
                    if (d.SignUp < _t - 200 && _rng.Chance(0.3))
                    {
                        // An earlier opportunity that was lost and recycled to nurture: a backward move.
                        double opened = d.SignUp + _rng.Uniform(20, 60);
                        Emit(d, EventKind.MeetingBooked, WorkTime(opened - _rng.Uniform(3, 10)));
                        Emit(d, EventKind.OpportunityOpened, WorkTime(opened));
                        Emit(d, EventKind.OpportunityLost, WorkTime(opened + _rng.Uniform(20, 60)));
                    }
                }

                if (ReferenceEquals(d, primary) && evaluating)
                {
                    Emit(d, EventKind.MeetingBooked, WorkTime(evalStart + _rng.Uniform(5, 15)));
                    double opened = evalStart + _rng.Uniform(15, 40);
                    if (opened < _t)
                    {
                        Emit(d, EventKind.OpportunityOpened, WorkTime(opened));
                    }
                    if (!converts && lostAt < _end)
                    {
                        Emit(d, EventKind.OpportunityLost, WorkTime(lostAt));
                    }
                }

                long second = SimulatedWorld.ToSecond(Math.Min(convertAt, _end)) + d.Index * 60;
                if (second < _world.EndSecond)
                {
                    c.ConvertedSecond = second;
                    if (ReferenceEquals(d, primary) || _rng.Chance(0.3))
                    {
                        Emit(d, EventKind.TrialStarted, WorkTime(_t + (convertAt - _t) * _rng.Uniform(0.2, 0.8)));
                    }
                    EmitAt(d, EventKind.Purchase, second);
                    // New customers behave like steady ones, after an onboarding burst.
                    var steady = BehaviourSegment.All[BehaviourSegment.Steady].Rates.Scale(d.Activity, _rng, RateNoise);
                    EmitCustomerLife(d, convertAt, _end, steady, Ramp.None, Ramp.None);
                }
            }
        }
    }

    /// <summary>A customer account's health, then each contact's segment, latent rates and (declining) fall of logins.</summary>
    private void DrawCustomerHealth(Draft[] ds)
    {
        int health = _rng.Pick([0.6, 0.25, 0.15]);
        foreach (var d in ds)
        {
            Span<double> weights = health switch
            {
                0 => [0.35, 0.55, 0.04, 0.04, 0.02],
                1 => [0.05, 0.25, 0.35, 0.30, 0.05],
                _ => [0.02, 0.08, 0.10, 0.0, 0.80],
            };
            if (d.Role is DecisionMakerRole or FinanceRole)
            {
                weights[BehaviourSegment.PowerUser] *= 0.4;
            }
            d.Segment = _rng.Pick(weights);
            d.Rates = BehaviourSegment.All[d.Segment].Rates.Scale(d.Activity, _rng, RateNoise);
            d.DecliningFall = d.Segment == BehaviourSegment.Declining
                ? _rng.Uniform(BehaviourSegment.DecliningFallMin, BehaviourSegment.DecliningFallMax)
                : 0;
        }
    }

    /// <summary>The declining segment's fall of logins and the support-heavy segment's rise of tickets, unfolding before <paramref name="asOf"/>.</summary>
    private static (Ramp Login, Ramp Ticket) Trends(Draft d, double asOf) => (
        d.Segment == BehaviourSegment.Declining
            ? new Ramp(asOf - BehaviourSegment.TrendDays, asOf - BehaviourSegment.DecliningFloorDays, 1 - d.DecliningFall)
            : Ramp.None,
        d.Segment == BehaviourSegment.SupportHeavy
            ? new Ramp(asOf - BehaviourSegment.TrendDays, asOf, BehaviourSegment.SupportTicketRise)
            : Ramp.None);

    /// <summary>What an account that bought in (A, A+H] looked like as a lead at A: each contact's lead segment and rates, and when its evaluation began.</summary>
    private sealed record LeadPhase(double AsOf, double EvaluationStart, int[] Segments, LatentRates[] Rates);

    /// <summary>
    /// The lead state at <paramref name="asOf"/> of an account that converted in the horizon after it: drawn as a lead
    /// account's is and accepted with its conversion probability, so earlier conversions carry the planted lead drivers.
    /// </summary>
    private LeadPhase ConvertedLeadPhase(Draft[] ds, double asOf)
    {
        LeadPhase phase;
        int attempt = 0;
        do
        {
            bool evaluating = _rng.Chance(0.4);
            var segments = ds.Select(_ => _rng.Chance(evaluating ? 0.75 : 0.07) ? BehaviourSegment.Evaluator : BehaviourSegment.Nurture).ToArray();
            var rates = ds.Select((d, i) => BehaviourSegment.All[segments[i]].Rates.Scale(d.Activity, _rng, RateNoise)).ToArray();
            phase = new LeadPhase(asOf, asOf - _rng.Uniform(45, 100), segments, rates);
            int engaged = segments.Count(s => s == BehaviourSegment.Evaluator);
            bool decisionMakerEngaged = ds.Any(d => segments[d.Index] == BehaviourSegment.Evaluator && d.Role == DecisionMakerRole);
            double p = ds.Average(d => ConversionProbability(rates[d.Index], engaged, decisionMakerEngaged));
            if (_rng.Chance(p))
            {
                break;
            }
        }
        while (++attempt < 40);
        return phase;
    }

    /// <summary>When a converted lead signed up: as the lead accounts' contacts do, before the evaluation or well before the lead's as-of date.</summary>
    private double LeadSignUp(Draft d, LeadPhase lead) => lead.Segments[d.Index] == BehaviourSegment.Evaluator
        ? lead.EvaluationStart - Math.Min(500, _rng.Exponential(1 / 90.0))
        : lead.AsOf - _rng.Uniform(90, 500);

    /// <summary>
    /// A converted lead's touches: nurture, then (evaluators) the evaluation up to the lead's as-of date; from there to the
    /// purchase only the sales process (meeting, opportunity, trial). The research is done by A, so the 90 days before T of
    /// an account that bought in the last horizon show its customer life, the segment it is planted with, not a lead's.
    /// </summary>
    private void EmitConvertedLead(Draft d, LeadPhase lead, double purchase)
    {
        int segment = lead.Segments[d.Index];
        var nurture = Scale(BehaviourSegment.All[BehaviourSegment.Nurture].Rates, d.Activity);
        Emit(d, EventKind.FormSubmitted, WorkTime(d.SignUp + _rng.Uniform(0, 2)));
        if (segment == BehaviourSegment.Evaluator)
        {
            EmitContent(d, d.SignUp, lead.EvaluationStart, nurture);
            EmitContent(d, lead.EvaluationStart, lead.AsOf, lead.Rates[d.Index]);
            Emit(d, EventKind.FormSubmitted, WorkTime(lead.EvaluationStart + _rng.Uniform(0, 3)));
        }
        else
        {
            EmitContent(d, d.SignUp, lead.AsOf, lead.Rates[d.Index]);
        }
        if (d.Index == 0)
        {
            Emit(d, EventKind.MeetingBooked, WorkTime(lead.EvaluationStart + _rng.Uniform(5, 15)));
            Emit(d, EventKind.OpportunityOpened, WorkTime(Math.Min(lead.EvaluationStart + _rng.Uniform(15, 40), purchase - 3)));
            Emit(d, EventKind.TrialStarted, WorkTime(lead.AsOf + (purchase - lead.AsOf) * _rng.Uniform(0.2, 0.8)));
        }
        EmitAt(d, EventKind.Purchase, SimulatedWorld.ToSecond(purchase) + d.Index * 60);
    }

    /// <summary>True P(churn in (T, T+H]) of a customer active at T, from its latent rates.</summary>
    private static double ChurnProbability(Draft d)
    {
        var r = d.Rates;
        double loginAtAsOf = r.Login * (1 - d.DecliningFall);
        double ticketAtAsOf = r.Ticket * (d.Segment == BehaviourSegment.SupportHeavy ? BehaviourSegment.SupportTicketRise : 1);
        double z = BehaviourSegment.All[d.Segment].ChurnOffset
            + 2.0 * d.DecliningFall
            + 6.0 * ticketAtAsOf
            + 0.8 * (1 - Math.Min(r.Content / 0.05, 1))
            + 1.0 * (1 - Math.Min(loginAtAsOf / 0.13, 1));
        return Math.Round(Sigmoid(z), 6);
    }

    /// <summary>True P(purchase in (T, T+H]) of a lead at T: its own engagement plus the buying group's.</summary>
    private static double ConversionProbability(LatentRates r, int engagedContacts, bool decisionMakerEngaged)
    {
        double pricingIntent = Math.Min(r.Pricing * 14 / 3, 1.5); // 3+ pricing views in 14 days is buying intent
        double z = -3.5
            + 0.35 * Math.Min(r.Webinar * 90, 4)
            + 0.2 * Math.Min(r.Download * 90, 6)
            + 1.2 * pricingIntent
            + 0.35 * Math.Min(engagedContacts, 4)
            + (decisionMakerEngaged ? 0.8 : 0);
        return Math.Round(Sigmoid(z), 6);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static LatentRates Scale(LatentRates rates, double activity) => rates with
    {
        Login = rates.Login * activity,
        Ticket = rates.Ticket * activity,
        PageView = rates.PageView * activity,
        EmailOpen = rates.EmailOpen * activity,
        EmailClick = rates.EmailClick * activity,
        Download = rates.Download * activity,
        Webinar = rates.Webinar * activity,
        CaseStudy = rates.CaseStudy * activity,
        Comparison = rates.Comparison * activity,
        Pricing = rates.Pricing * activity,
    };

    /// <summary>A day in (start, start + H), at a working hour.</summary>
    private double DayInHorizon(double start, double? withinDays = null) => Math.Floor(start + 1 + _rng.Uniform(0, (withinDays ?? _h) - 2)) + _rng.Uniform(9, 17) / 24;

    /// <summary>A local working-hour moment on the given day, as UTC days.</summary>
    private double WorkTime(double day) => Math.Floor(day) + _rng.Uniform(9, 17.5) / 24 - _tzDays;

    /// <summary>The lead journey of a contact whose account bought at <paramref name="purchase"/>: nurture, evaluation, sale.</summary>
    private void EmitBuyingJourney(Draft d, double purchase)
    {
        double leadTime = purchase - d.SignUp;
        double evalLength = Math.Min(45, leadTime);
        double evalStart = purchase - evalLength;
        EmitContent(d, d.SignUp, evalStart, Scale(BehaviourSegment.All[BehaviourSegment.Nurture].Rates, d.Activity));
        EmitContent(d, evalStart, purchase, Scale(BehaviourSegment.All[BehaviourSegment.Evaluator].Rates, d.Activity));
        if (d.Index == 0 || _rng.Chance(0.6))
        {
            Emit(d, EventKind.FormSubmitted, WorkTime(d.SignUp + _rng.Uniform(0, 2)));
        }
        if (d.Index == 0)
        {
            Emit(d, EventKind.MeetingBooked, WorkTime(purchase - evalLength * 0.8));
            Emit(d, EventKind.OpportunityOpened, WorkTime(purchase - evalLength * 0.6));
            if (_rng.Chance(0.25))
            {
                // Lost, then reopened: the loop real buying journeys take.
                Emit(d, EventKind.OpportunityLost, WorkTime(purchase - evalLength * 0.45));
                Emit(d, EventKind.OpportunityOpened, WorkTime(purchase - evalLength * 0.3));
            }
            Emit(d, EventKind.TrialStarted, WorkTime(purchase - evalLength * 0.15));
        }
        EmitAt(d, EventKind.Purchase, SimulatedWorld.ToSecond(purchase) + d.Index * 60);
    }

    /// <summary>Product use from purchase to <paramref name="stop"/>: onboarding burst, then the latent rates.</summary>
    private void EmitCustomerLife(Draft d, double purchase, double stop, LatentRates rates, Ramp loginRamp, Ramp ticketRamp, bool onboarding = true)
    {
        double onboardingEnd = onboarding ? Math.Min(purchase + OnboardingDays, stop) : purchase;
        EmitStream(d, EventKind.Login, purchase, onboardingEnd, rates.Login * OnboardingLoginBoost, ActivityRhythm.Work, Ramp.None);
        EmitStream(d, EventKind.Login, onboardingEnd, stop, rates.Login, ActivityRhythm.Work, loginRamp);
        EmitStream(d, EventKind.TicketOpened, purchase, stop, rates.Ticket, ActivityRhythm.Work, ticketRamp, escalateBefore: stop);
        EmitContent(d, purchase, stop, rates);
    }

    /// <summary>Renewals on each anniversary and the odd plan change, on the account's primary contact.</summary>
    private void EmitContractEvents(Draft d, double purchase, double stop)
    {
        for (int year = 1; purchase + 365 * year < Math.Min(stop, _end); year++)
        {
            Emit(d, EventKind.Renewal, purchase + 365 * year);
        }
        double changeChance = d.Segment switch
        {
            BehaviourSegment.PowerUser => 0.3,
            BehaviourSegment.Declining or BehaviourSegment.Dormant => 0.25,
            _ => 0.05,
        };
        if (stop - purchase > 120 && _rng.Chance(changeChance))
        {
            var kind = d.Segment is BehaviourSegment.Declining or BehaviourSegment.Dormant ? EventKind.Downgrade : EventKind.Upgrade;
            Emit(d, kind, WorkTime(_rng.Uniform(purchase + 90, stop - 1)));
        }
    }

    private void Cancel(Draft d, double day)
    {
        long second = SimulatedWorld.ToSecond(day) + d.Index * 60;
        if (second >= _world.EndSecond)
        {
            return;
        }
        d.Contact!.ChurnedSecond = second;
        EmitAt(d, EventKind.Cancellation, second);
        // After cancelling, only the marketing emails still reach them.
        EmitStream(d, EventKind.EmailOpen, (second + 1) / 86400.0, _end, EmailAfterChurnRate * d.Activity, ActivityRhythm.Content, Ramp.None);
    }

    private void EmitContent(Draft d, double from, double to, LatentRates r)
    {
        EmitStream(d, EventKind.PageView, from, to, r.PageView, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.EmailOpen, from, to, r.EmailOpen, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.EmailClick, from, to, r.EmailClick, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.Download, from, to, r.Download, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.WebinarAttended, from, to, r.Webinar, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.CaseStudyView, from, to, r.CaseStudy, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.ComparisonPageView, from, to, r.Comparison, ActivityRhythm.Content, Ramp.None);
        EmitStream(d, EventKind.PricingPageView, from, to, r.Pricing, ActivityRhythm.Content, Ramp.None);
    }

    /// <summary>Events of one kind as a Poisson process thinned by the seasonal calendar and a trend ramp.</summary>
    private void EmitStream(Draft d, EventKind kind, double from, double to, double rate, ActivityRhythm rhythm, Ramp ramp, double escalateBefore = 0)
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
            double r = rate * calendar.Factor(rhythm, t + _tzDays) * ramp.At(t);
            if (_rng.NextDouble() * max >= r)
            {
                continue;
            }
            Emit(d, kind, t);
            if (kind == EventKind.TicketOpened && d.Contact!.Events[^1].Value >= 3 && _rng.Chance(0.35))
            {
                double escalated = t + _rng.Uniform(0.1, 3);
                if (escalated < Math.Min(escalateBefore, _end))
                {
                    Emit(d, EventKind.TicketEscalated, escalated);
                }
            }
        }
    }

    private void Emit(Draft d, EventKind kind, double day)
    {
        if (day < 0 || day >= _end)
        {
            return;
        }
        EmitAt(d, kind, SimulatedWorld.ToSecond(day));
    }

    private void EmitAt(Draft d, EventKind kind, long second)
    {
        if (second < 0 || second >= _world.EndSecond)
        {
            return;
        }
        double value = kind switch
        {
            EventKind.Login => Math.Round(Math.Clamp(Math.Exp(Math.Log(12) + 0.7 * _rng.Normal()), 0.5, 480), 1),
            EventKind.WebinarAttended => Math.Round(_rng.Uniform(15, 60)),
            EventKind.TicketOpened => 1 + _rng.Pick([0.4, 0.35, 0.18, 0.07]),
            _ => double.NaN,
        };
        var channel = kind switch
        {
            EventKind.Login => _rng.Chance(0.7) ? Channel.App : Channel.Web,
            EventKind.TicketOpened or EventKind.TicketEscalated => Channel.Support,
            EventKind.EmailOpen or EventKind.EmailClick => Channel.Email,
            EventKind.WebinarAttended => Channel.Webinar,
            EventKind.MeetingBooked or EventKind.OpportunityOpened or EventKind.OpportunityLost or EventKind.Purchase
                or EventKind.Renewal or EventKind.Upgrade or EventKind.Downgrade => Channel.Sales,
            EventKind.Cancellation => _rng.Chance(0.5) ? Channel.Sales : Channel.Support,
            _ => Channel.Web,
        };
        if (_rng.Chance(MissingChannelRate))
        {
            channel = Channel.None;
        }
        d.Contact!.Events.Add(new SimEvent(second, kind, channel, value));
    }

    /// <summary>A multiplier that is 1 until <see cref="Start"/>, moves linearly to <see cref="EndValue"/> at <see cref="End"/> and stays there.</summary>
    private readonly record struct Ramp(double Start, double End, double EndValue)
    {
        public static Ramp None { get; } = new(double.PositiveInfinity, double.PositiveInfinity, 1);

        public double Max => Math.Max(1, EndValue);

        public double At(double t) =>
            t <= Start ? 1 : t >= End ? EndValue : 1 + (EndValue - 1) * (t - Start) / (End - Start);
    }
}
