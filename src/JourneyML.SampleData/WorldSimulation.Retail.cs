using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// The retail world (<see cref="PlantedWorld.Retail"/>): one shopper per unit who browses, orders again and again at
/// their own pace and, some day, stops: 90 days after the last order they have lapsed (the world's churn, written to the
/// outcomes table, never as an event). The gaps between a buyer's orders stay under 90 days, so a lapse is always a
/// real stop, never a long gap by chance. Each shopper's true stage path is recorded as it is decided.
/// </summary>
internal sealed partial class WorldSimulation
{
    private static readonly string[] s_firstChannels = ["web", "app", "store", "marketplace"];
    private static readonly double[] s_firstChannelWeights = [0.4, 0.25, 0.2, 0.15];
    private static readonly double[] s_firstChannelChurn = [0, -0.3, -0.7, 0.9];
    private static readonly double[] s_firstChannelConversion = [0, 0.2, 0.6, -0.6];

    /// <summary>Tenure and orders in 90 days from which a buyer is loyal (the planted definition): half a year of buying, about monthly.</summary>
    private const double LoyalDays = 180;
    private const int LoyalOrders = 3;

    /// <summary>The draws a buyer's lapse rests on: first channel, loyalty tier, latent behaviour and the mean days between orders.</summary>
    private sealed record Shopper(int Channel, bool Loyalty, Latent Latent, double MeanGap);

    private Shopper DrawShopper() => new(_rng.Pick(s_firstChannelWeights), _rng.Chance(0.35), DrawLatent(), _rng.Uniform(18, 50));

    /// <summary>The log-odds of a buyer's lapse in the next horizon: the planted drivers (rarer buyers lapse more, which order counts show).</summary>
    private static double ShopperChurnZ(Shopper s) =>
        -2.0 + s_firstChannelChurn[s.Channel] + (s.Loyalty ? -0.8 : 0) + 0.03 * (s.MeanGap - 30)
        + 2.4 * s.Latent.Fade + (s.Latent.Frustrated ? 1.3 : 0) - 0.5 * Math.Log(s.Latent.Activity);

    private WorldContact RunShopper()
    {
        int kind = _rng.Pick([0.22, 0.6, 0.18]);
        double formerAsOf = kind == 2 ? EarlierAsOf() : _t;
        var s = DrawShopper();
        for (int attempt = 0; kind == 2 && attempt < 40 && !_rng.Chance(Sigmoid(ShopperChurnZ(s))); attempt++)
        {
            s = DrawShopper();
        }
        var c = new WorldContact
        {
            CustomerId = $"R{_firstNumber:D6}",
            SignUp = 0,
            Plan = s.Loyalty ? "loyalty" : "guest",
            Region = _rng.Chance(0.03) ? null : s_regions[_rng.Pick(s_regionWeights)],
            PlantedPath = [],
        };
        c.Attributes["first_channel"] = s_firstChannels[s.Channel];
        switch (kind)
        {
            case 0:
                Browser(c, s);
                break;
            case 1:
                Buyer(c, s);
                break;
            default:
                LapsedBuyer(c, s, formerAsOf);
                break;
        }
        EmitStream(c, EventKind.EmailOpen, c.SignUp, _end, 0.1 * s.Latent.Activity, ActivityRhythm.Content, Ramp.None, null);
        EmitStream(c, EventKind.EmailClick, c.SignUp, _end, 0.015 * s.Latent.Activity, ActivityRhythm.Content, Ramp.None, null);
        c.Events.Sort();
        return c;
    }

    private void Browser(WorldContact c, Shopper s)
    {
        // Sign-ups go on until the export ends: one after the as-of date is new at the data's as-of date.
        bool late = _rng.Chance(0.15);
        c.SignUp = late ? _rng.Uniform(_t, _end - 1) : _t - _rng.Uniform(5, 300);
        c.Segment = PlantedWorld.Browser;
        c.StatusAtAsOf = LifecycleStatus.Lead;
        Lead(c);
        // How long visits run is the planted value signal of a first order.
        double engagement = _rng.LogNormalMultiplier(0.5);
        c.ConversionProbability = Math.Round(Sigmoid(-2.0 + s_firstChannelConversion[s.Channel] + 1.3 * Math.Log(engagement) + 0.4 * Math.Log(s.Latent.Activity)), 6);
        bool converts = _rng.Chance(c.ConversionProbability.Value) && !late;
        double first = DayInHorizon(_t);
        var browsing = s.Latent with { Minutes = s.Latent.Minutes * engagement, Fade = 0 };
        Browse(c, c.SignUp, converts ? first : _end, browsing, 0.5);
        if (converts)
        {
            c.ConvertedInHorizon = true;
            ShopperLife(c, s with { Latent = s.Latent with { Fade = 0 } }, first, _end, asOf: null);
            c.ConvertedSecond = SimulatedWorld.ToSecond(first);
        }
    }

    private void Buyer(WorldContact c, Shopper s)
    {
        double first = _t - _rng.Uniform(10, 500);
        c.SignUp = first - _rng.Uniform(0, 30);
        c.StatusAtAsOf = LifecycleStatus.Customer;
        c.ChurnProbability = Math.Round(Sigmoid(ShopperChurnZ(s)), 6);
        Lead(c);
        Browse(c, c.SignUp, first, s.Latent with { Fade = 0 }, 0.5);
        // The lapse line: with the churn probability it is crossed in the horizon (the last order 90 days before it).
        double lapse = LapseAfter(ChurnStop(c), first);
        var orders = ShopperLife(c, s, first, lapse, asOf: null);
        c.Segment = orders.Count(o => o < _t) <= 1 ? PlantedWorld.OneTimeBuyer : s.Latent.Segment;
        Lapse(c, s, lapse);
    }

    private void LapsedBuyer(WorldContact c, Shopper s, double asOf)
    {
        double first = asOf - _rng.Uniform(10, 400);
        c.SignUp = first - _rng.Uniform(0, 30);
        c.Segment = PlantedWorld.LapsedShopper;
        c.StatusAtAsOf = LifecycleStatus.Churned;
        Lead(c);
        Browse(c, c.SignUp, first, s.Latent with { Fade = 0 }, 0.5);
        double lapse = LapseAfter(DayInHorizon(asOf), first);
        ShopperLife(c, s, first, lapse, asOf);
        Lapse(c, s, lapse);
    }

    /// <summary>
    /// Orders from <paramref name="first"/> until the one 90 days before <paramref name="lapse"/> (or until the export ends),
    /// with the visits, product views and service contacts around them; the planted first purchase, returning and loyal.
    /// </summary>
    private List<double> ShopperLife(WorldContact c, Shopper s, double first, double lapse, double? asOf)
    {
        double last = lapse < _end ? lapse - PlantedWorld.LapseDays : _end;
        var orders = new List<double> { first };
        for (double t = first + Gap(s); t < last; t += Gap(s))
        {
            orders.Add(t);
        }
        if (lapse < _end && orders[^1] < last)
        {
            orders.Add(last); // the last order, exactly 90 days before the lapse line
        }
        c.ConvertedSecond = SimulatedWorld.ToSecond(first);
        Mark(c, first, PlantedStagePaths.Onboarding);
        foreach (double order in orders)
        {
            Emit(c, EventKind.Purchase, order, Math.Round(25 * _rng.LogNormalMultiplier(0.6), 2));
        }
        if (orders.Count >= 2)
        {
            Mark(c, orders[1], PlantedStagePaths.Adopted);
        }
        if (LoyalFrom(orders, first) is { } loyal)
        {
            Mark(c, loyal, PlantedStagePaths.Renewed);
        }
        var (rate, fade) = FadeRamps(s.Latent, asOf ?? _t);
        double to = Math.Min(lapse, _end);
        EmitSessions(c, first, to, 0.3 * s.Latent.Activity, s.Latent, rate, fade);
        EmitStream(c, EventKind.PageView, first, to, 0.4 * s.Latent.Activity, ActivityRhythm.Leisure, rate, null);
        EmitStream(c, EventKind.TicketOpened, first, to, 0.02, ActivityRhythm.Content, Ramp.None,
            _ => 1 + _rng.Pick(s.Latent.Frustrated ? s_harshSeverity : s_calmSeverity));
        return orders;
    }

    /// <summary>
    /// The lapse (churned_at, no event) and the odd visit after it. No lapsed shopper orders again within the export: the
    /// outcomes table holds one churned_at and one converted_at, so a comeback would make the shopper look like a lead at
    /// every date before the lapse (converted_at after it); the export stays one that its own table describes truly.
    /// </summary>
    private void Lapse(WorldContact c, Shopper s, double lapse)
    {
        if (lapse >= _end)
        {
            return;
        }
        c.ChurnedSecond = SimulatedWorld.ToSecond(lapse);
        Mark(c, lapse, PlantedStagePaths.Churned);
        EmitSessions(c, lapse, _end, 0.02, s.Latent with { Fade = 0 }, Ramp.None);
    }

    /// <summary>Visits and product views of someone browsing before a first order.</summary>
    private void Browse(WorldContact c, double from, double to, Latent latent, double views)
    {
        EmitSessions(c, from, to, 0.08 * latent.Activity, latent, Ramp.None);
        EmitStream(c, EventKind.PageView, from, to, 0.1 * views * latent.Activity, ActivityRhythm.Leisure, Ramp.None, null);
    }

    /// <summary>
    /// When a buyer becomes loyal: the first moment, half a year or more after the first order, with 3 or more orders in
    /// the 90 days before it (at the half-year mark itself, or at a later order); null when that never happens.
    /// </summary>
    private static double? LoyalFrom(List<double> orders, double first)
    {
        double mark = first + LoyalDays;
        int OrdersBefore(double t) => orders.Count(o => o <= t && o > t - 90);
        if (OrdersBefore(mark) >= LoyalOrders)
        {
            return mark;
        }
        return orders.Where(o => o > mark && OrdersBefore(o) >= LoyalOrders).Select(o => (double?)o).FirstOrDefault();
    }

    /// <summary>The lapse line of a buyer meant to stop at <paramref name="intended"/>: never sooner than 90 days after the first order.</summary>
    private double LapseAfter(double intended, double first) => intended < _end ? Math.Max(intended, first + PlantedWorld.LapseDays) : intended;

    /// <summary>Days to the next order: between 0.35 and 1.65 times the buyer's mean gap, so never 90 days or more.</summary>
    private double Gap(Shopper s) => s.MeanGap * _rng.Uniform(0.35, 1.65);
}
