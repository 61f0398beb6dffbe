using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// The product-led world (<see cref="PlantedWorld.ProductLed"/>): a workspace of 1-6 users, free, then a trial, the
/// activation events (projects created), the upgrade to paid for every user of the workspace, the downgrade back to free.
/// Each user's true stage path is recorded as the simulation decides it (<see cref="WorldContact.PlantedPath"/>).
/// </summary>
internal sealed partial class WorldSimulation
{
    /// <summary>Users per workspace, 1 to 6: most users share a workspace with others.</summary>
    private static readonly double[] s_workspaceSizes = [0.3, 0.25, 0.2, 0.12, 0.08, 0.05];
    private static readonly string[] s_useCases = ["team_projects", "engineering", "marketing", "personal"];
    private static readonly double[] s_useCaseWeights = [0.35, 0.25, 0.25, 0.15];
    private static readonly double[] s_useCaseChurn = [0, -0.5, 0.2, 1.0];
    private static readonly double[] s_useCaseConversion = [0.3, 0.2, 0, -0.9];
    private static readonly string[] s_signupSources = ["organic_search", "word_of_mouth", "paid_ads"];

    /// <summary>Sessions a day of a user who works in the workspace, and of a light seat (paid for, hardly used).</summary>
    private const double ActiveSessions = 0.55, LightSessions = 0.05;

    /// <summary>Sessions a day of a free user who works in the free plan: regular enough that a month without one is a real stop.</summary>
    private const double FreeSessions = 0.35;

    /// <summary>The draws a workspace's churn rests on: its use case, paid tier, latent behaviour and which users are light seats.</summary>
    private sealed record Workspace(int UseCase, string Tier, Latent Latent, bool[] Light)
    {
        public int ActiveUsers => Light.Count(l => !l);
    }

    private Workspace DrawWorkspace(int size)
    {
        var light = new bool[size];
        for (int i = 1; i < size; i++)
        {
            light[i] = _rng.Chance(0.25);
        }
        return new(_rng.Pick(s_useCaseWeights), _rng.Chance(0.35) ? "business" : "pro", DrawLatent(), light);
    }

    /// <summary>The log-odds of a paying workspace's downgrade to free in the next horizon: the planted drivers.</summary>
    private static double WorkspaceChurnZ(Workspace w) =>
        -2.3 + s_useCaseChurn[w.UseCase] + (w.Tier == "business" ? -0.8 : 0) - 0.7 * Math.Log2(w.ActiveUsers)
        + 2.4 * w.Latent.Fade + (w.Latent.Frustrated ? 1.4 : 0) - 0.5 * Math.Log(w.Latent.Activity);

    private WorldContact[] RunWorkspace(int size)
    {
        int kind = _rng.Pick([0.25, 0.12, 0.48, 0.15]);
        // A downgraded workspace paid in an earlier horizon and went back to free in it: accepted with its churn probability (see RunSubscriber).
        double formerAsOf = kind == 3 ? EarlierAsOf() : _t;
        var w = DrawWorkspace(size);
        for (int attempt = 0; kind == 3 && attempt < 40 && !_rng.Chance(Sigmoid(WorkspaceChurnZ(w))); attempt++)
        {
            w = DrawWorkspace(size);
        }
        string? region = _rng.Chance(0.03) ? null : s_regions[_rng.Pick(s_regionWeights)];
        var users = new WorldContact[size];
        for (int i = 0; i < size; i++)
        {
            users[i] = new WorldContact
            {
                CustomerId = $"P{_firstNumber + i:D6}",
                AccountId = $"W{_unit + 1:D5}",
                SignUp = 0,
                Plan = kind is 2 or 3 ? w.Tier : "free",
                Role = i == 0 ? "admin" : "member",
                Region = region,
                PlantedPath = [],
            };
            users[i].Attributes["use_case"] = s_useCases[w.UseCase];
            users[i].Attributes["signup_source"] = i == 0 ? s_signupSources[_rng.Pick([0.45, 0.35, 0.2])] : "invite";
        }
        switch (kind)
        {
            case 0:
                FreeWorkspace(users, w);
                break;
            case 1:
                TrialingWorkspace(users, w);
                break;
            case 2:
                PayingWorkspace(users, w);
                break;
            default:
                DowngradedWorkspace(users, w, formerAsOf);
                break;
        }
        foreach (var c in users)
        {
            EmitStream(c, EventKind.EmailOpen, c.SignUp, _end, 0.05, ActivityRhythm.Content, Ramp.None, null);
            c.Events.Sort();
        }
        return users;
    }

    private void FreeWorkspace(WorldContact[] users, Workspace w)
    {
        // Sign-ups go on until the export ends: a workspace created after the as-of date is new at the data's as-of date.
        double created = _rng.Chance(0.15) ? _rng.Uniform(_t, _end - 2) : _t - _rng.Uniform(20, 420);
        double? trial = _rng.Chance(0.5) && created + 1 < _t - 15 ? _rng.Uniform(created + 1, Math.Min(created + 60, _t - 15)) : null;
        double p = Math.Round(Sigmoid(-3.4 + s_useCaseConversion[w.UseCase] + 0.3 * Math.Log2(users.Length)), 6);
        bool converts = _rng.Chance(p) && created < _t;
        double paid = DayInHorizon(_t);
        for (int i = 0; i < users.Length; i++)
        {
            var c = users[i];
            c.SignUp = i == 0 ? created : _rng.Uniform(created, created < _t ? Math.Min(created + 60, _t - 1) : _end - 1);
            c.Segment = PlantedWorld.FreeWorkspace;
            c.StatusAtAsOf = LifecycleStatus.Lead;
            c.ConversionProbability = p;
            Lead(c);
            double freeUntil = converts ? paid : _end;
            // A regular free user works in the free plan until the export ends (activated, not paying); a casual one tries it for days and leaves.
            bool regular = !w.Light[i] && _rng.Chance(0.35);
            if (trial is { } start && i == 0)
            {
                Emit(c, EventKind.TrialStarted, start, double.NaN);
            }
            if (trial is { } t0 && c.SignUp < t0 + TrialDays && !w.Light[i])
            {
                double from = Math.Max(c.SignUp, t0);
                EmitSessions(c, from, t0 + TrialDays, ActiveSessions * w.Latent.Activity, w.Latent with { Fade = 0 }, Ramp.None);
                Activate(c, from, t0 + TrialDays);
                if (!regular)
                {
                    Mark(c, t0 + TrialDays, PlantedStagePaths.Lead);
                }
            }
            if (regular)
            {
                EmitSessions(c, c.SignUp, freeUntil, FreeSessions * w.Latent.Activity, w.Latent with { Fade = 0 }, Ramp.None);
                Activate(c, c.SignUp, freeUntil);
            }
            else
            {
                EmitSessions(c, c.SignUp, c.SignUp + _rng.Uniform(1, 6), 0.3, w.Latent with { Fade = 0 }, Ramp.None);
            }
            if (converts)
            {
                c.ConvertedInHorizon = true;
                PaidFrom(c, paid, _end, w, i, asOf: null);
            }
        }
    }

    private void TrialingWorkspace(WorldContact[] users, Workspace w)
    {
        double trialStart = _t - _rng.Uniform(0.5, TrialDays - 0.5);
        double created = trialStart - _rng.Uniform(0, 20);
        double trialEnd = trialStart + TrialDays;
        // How long the trial's sessions run and how many people it brings in are the planted signals of conversion.
        double engagement = _rng.LogNormalMultiplier(0.5);
        double p = Math.Round(Sigmoid(-0.7 + s_useCaseConversion[w.UseCase] + 1.4 * Math.Log(engagement) + 0.5 * Math.Log2(users.Length) + 0.4 * Math.Log(w.Latent.Activity)), 6);
        bool converts = _rng.Chance(p);
        double paid = trialEnd + _rng.Uniform(0, 1);
        for (int i = 0; i < users.Length; i++)
        {
            var c = users[i];
            c.SignUp = i == 0 ? created : _rng.Uniform(created, _t - 0.2);
            c.Segment = PlantedWorld.Trialing;
            c.StatusAtAsOf = LifecycleStatus.Lead;
            c.ConversionProbability = p;
            Lead(c);
            if (i == 0)
            {
                Emit(c, EventKind.TrialStarted, trialStart, double.NaN);
            }
            double rate = (w.Light[i] ? LightSessions : ActiveSessions) * w.Latent.Activity;
            EmitSessions(c, c.SignUp, trialEnd, rate, w.Latent with { Minutes = w.Latent.Minutes * engagement, Fade = 0 }, Ramp.None);
            if (!w.Light[i])
            {
                Activate(c, Math.Max(c.SignUp, trialStart), trialEnd);
            }
            if (converts)
            {
                c.ConvertedInHorizon = true;
                PaidFrom(c, paid, _end, w with { Latent = w.Latent with { Fade = 0 } }, i, asOf: null);
            }
            else if (!w.Light[i] && _rng.Chance(0.4))
            {
                // Keeps working in the free plan after the trial: still activated.
                EmitSessions(c, trialEnd, _end, FreeSessions * w.Latent.Activity, w.Latent with { Fade = 0 }, Ramp.None);
            }
            else
            {
                Mark(c, trialEnd, PlantedStagePaths.Lead);
            }
        }
    }

    private void PayingWorkspace(WorldContact[] users, Workspace w)
    {
        double purchase = _t - _rng.Uniform(20, 340);
        double p = Math.Round(Sigmoid(WorkspaceChurnZ(w)), 6);
        double stop = double.NaN;
        foreach (var c in users)
        {
            c.ChurnProbability = p;
            stop = double.IsNaN(stop) ? ChurnStop(c) : stop;
            c.ChurnedInHorizon = stop <= _t + _h;
            c.Segment = w.Latent.Segment;
            c.StatusAtAsOf = LifecycleStatus.Customer;
        }
        WorkspaceLife(users, w, purchase, stop, asOf: null, winBack: 0.1);
    }

    private void DowngradedWorkspace(WorldContact[] users, Workspace w, double asOf)
    {
        double purchase = asOf - _rng.Uniform(20, Math.Max(25, Math.Min(340, asOf - 20)));
        double downgraded = DayInHorizon(asOf);
        foreach (var c in users)
        {
            c.Segment = PlantedWorld.Downgraded;
            c.StatusAtAsOf = LifecycleStatus.Churned;
        }
        WorkspaceLife(users, w, purchase, downgraded, asOf, winBack: 0.1);
    }

    /// <summary>A workspace that signs up, tries the product, upgrades at <paramref name="purchase"/> and, before the export ends, may go back to free at <paramref name="stop"/> (and sometimes upgrade again).</summary>
    private void WorkspaceLife(WorldContact[] users, Workspace w, double purchase, double stop, double? asOf, double winBack)
    {
        double trialStart = purchase - TrialDays;
        double created = trialStart - _rng.Uniform(0, 40);
        bool stepsDown = w.Tier == "business" && stop < _end && stop - purchase > 60 && _rng.Chance(0.5);
        bool back = stop < _end && _rng.Chance(winBack);
        // A downgraded workspace upgrades again only after the as-of date: at T it is what its status says.
        double again = Math.Max(stop, _t) + _rng.Uniform(20, 80);
        for (int i = 0; i < users.Length; i++)
        {
            var c = users[i];
            c.SignUp = i == 0 ? created : _rng.Uniform(created, purchase - 0.5);
            Lead(c);
            if (i == 0)
            {
                Emit(c, EventKind.TrialStarted, trialStart, double.NaN);
            }
            double rate = (w.Light[i] ? LightSessions : ActiveSessions) * w.Latent.Activity;
            EmitSessions(c, c.SignUp, purchase, rate, w.Latent with { Fade = 0 }, Ramp.None);
            if (!w.Light[i])
            {
                Activate(c, c.SignUp, purchase);
            }
            PaidFrom(c, purchase, stop, w, i, asOf);
            if (stepsDown && i == 0)
            {
                // A paid tier stepping down weeks before the workspace goes back to free.
                Emit(c, EventKind.Downgrade, stop - _rng.Uniform(10, 40), double.NaN);
            }
            if (stop < _end)
            {
                Cancel(c, stop);
                Mark(c, stop, PlantedStagePaths.Churned);
                if (back && again < _end)
                {
                    PaidFrom(c, again, _end, w with { Latent = w.Latent with { Fade = 0 } }, i, asOf: null);
                }
            }
        }
    }

    /// <summary>A user's paid life from <paramref name="from"/> to <paramref name="to"/>: the upgrade, sessions and help requests, and the planted onboarding, then adopted (alone), team (with others) or dormant (a light seat).</summary>
    private void PaidFrom(WorldContact c, double from, double to, Workspace w, int user, double? asOf)
    {
        Purchase(c, from);
        var (rate, fade) = FadeRamps(w.Latent, asOf ?? _t);
        double sessions = (w.Light[user] ? LightSessions : ActiveSessions) * w.Latent.Activity;
        EmitSessions(c, from, to, sessions, w.Latent, rate, fade);
        EmitTickets(c, from, to, w.Latent.Frustrated);
        if (!w.Light[user])
        {
            EmitStream(c, EventKind.Other, from, to, 0.04, ActivityRhythm.Work, Ramp.None, null);
        }
        Mark(c, from, PlantedStagePaths.Onboarding);
        if (from + 30 < to)
        {
            Mark(c, from + 30, w.Light[user] ? PlantedStagePaths.Dormant : w.Light.Length >= 2 ? PlantedStagePaths.Team : PlantedStagePaths.Adopted);
        }
    }

    /// <summary>The user's first project, days into the period in which they work in the product: the activation event, when the planted path turns engaged.</summary>
    private void Activate(WorldContact c, double from, double to)
    {
        double first = from + Math.Min(_rng.Uniform(0.3, 4), Math.Max(0.1, (to - from) / 2));
        if (first >= to)
        {
            return;
        }
        Emit(c, EventKind.Other, first, double.NaN);
        EmitStream(c, EventKind.Other, first, to, 0.08, ActivityRhythm.Work, Ramp.None, null);
        Mark(c, first, PlantedStagePaths.Engaged);
    }

    private static void Lead(WorldContact c) => Mark(c, c.SignUp, PlantedStagePaths.Lead);

    private static void Mark(WorldContact c, double day, string stage) => c.PlantedPath!.Add(new Milestone(SimulatedWorld.ToSecond(Math.Max(day, c.SignUp)), stage));
}
