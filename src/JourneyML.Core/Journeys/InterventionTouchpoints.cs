using System.Text.Json.Serialization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;
using JourneyML.Core.Uplift;

namespace JourneyML.Core.Journeys;

/// <summary>
/// An intervention kind's measured effect on churn within the horizon among the customers contacted while in one stage
/// (their stage at the as-of date), with its 95% interval and the counts it rests on; null with <paramref name="TooFew"/>
/// saying why when too few were contacted or compared there.
/// </summary>
public sealed record InterventionStageEffect(string Stage, int Contacted, int Compared, double? Effect, double? Low, double? High, string? TooFew)
{
    /// <summary>The interval excludes no effect: the kind clearly helps (or harms) in this stage.</summary>
    [JsonIgnore]
    public bool Clear => Low is { } low && High is { } high && (low > 0 || high < 0);
}

/// <summary>
/// An intervention kind (a call, an offer, a campaign, named as the export names it) as a touchpoint of the map: how its
/// effect was measured and its effect in each stage. Measured as of the champion's intervention as-of date, for contacts in
/// the contact window after it, on churn within the horizon.
/// </summary>
public sealed record InterventionTouchpoint(string Kind, EffectDesign Design, DateTime AsOf, int HorizonDays, int ContactWindowDays,
    IReadOnlyList<InterventionStageEffect> Stages, string? TooSmall);

/// <summary>The map's intervention touchpoints: each kind's effect per stage, from the champion's measurement setup (<see cref="GroupEffects"/>).</summary>
public static class InterventionTouchpoints
{
    public const string Note =
        "An intervention's effect in a stage is the reduction in churn within the horizon for customers contacted while in that stage (+5.0 pt: 5 fewer churners per 100 contacted), measured as the intervention's overall effect is: a randomised holdout's difference in churn rates, or, without a control arm, a doubly robust estimate that assumes no unmeasured reason both brought the contact and the churn. Stages with too few contacted or compared customers say so instead of a number.";

    /// <param name="tableAtAsOf">Features as of the effects' as-of date with churn labels in the horizon after it.</param>
    /// <param name="timelines">The map's stage timelines: a customer's stage at the as-of date is read from them.</param>
    /// <param name="members">The map's customers (a segment's or an account's); null for everyone.</param>
    /// <param name="stageOrder">The map's stages in order, for the rows of each kind.</param>
    public static IReadOnlyList<InterventionTouchpoint> Build(FeatureTable tableAtAsOf, InterventionTable interventions, CustomerTable customers,
        InterventionMetadata measured, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines, IReadOnlySet<string>? members, IReadOnlyList<string> stageOrder)
    {
        var options = new UpliftOptions { ContactWindowDays = measured.ContactWindowDays, Trim = measured.Trim };
        var stageOf = tableAtAsOf.CustomerIds.Select(id => members is not null && !members.Contains(id) ? null
            : timelines.TryGetValue(id, out var stays) ? StageAt(stays, measured.AsOf) : null).ToArray();
        var order = stageOrder.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        return [.. GroupEffects.Of(tableAtAsOf, interventions, customers, stageOf, options).Select(k => new InterventionTouchpoint(
            k.Kind, k.Design, measured.AsOf, measured.HorizonDays, measured.ContactWindowDays,
            [.. k.Groups.OrderBy(g => order.GetValueOrDefault(g.Group, int.MaxValue)).ThenBy(g => g.Group, StringComparer.Ordinal)
                .Select(g => new InterventionStageEffect(g.Group, g.Treated, g.Comparison, g.Effect, g.Interval?.Low, g.Interval?.High, g.TooSmall))],
            k.TooSmall))];
    }

    /// <summary>The stage of a timeline on a date: the stay it falls in; null before the timeline starts.</summary>
    internal static string? StageAt(IReadOnlyList<StageStay> stays, DateTime date)
    {
        foreach (var stay in stays)
        {
            if (stay.EnteredAt <= date && (stay.LeftAt is not { } left || date < left))
            {
                return stay.Stage;
            }
        }
        return null;
    }

    /// <summary>An effect in points with its interval ("+12.3 pt (95% +4.1 to +20.5)"), or why there is none.</summary>
    public static string EffectText(InterventionStageEffect e) => e.Effect is { } v
        ? System.FormattableString.Invariant($"{Pt(v)} (95% {Pt(e.Low!.Value)} to {Pt(e.High!.Value)}){(e.Clear ? (v > 0 ? ", helps" : ", harms") : ", within noise")}")
        : e.TooFew ?? "too few to say";

    public static string DesignText(EffectDesign design) => design == EffectDesign.RandomisedHoldout ? "randomised holdout" : "doubly robust (no control arm)";

    private static string Pt(double v) => System.FormattableString.Invariant($"{(v >= 0 ? "+" : "−")}{Math.Abs(v * 100):0.0} pt");
}
