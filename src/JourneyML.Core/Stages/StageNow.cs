using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Stages;

/// <summary>Where a customer is on a date: the stage and how many days they have been in it (0 when they entered on that date).</summary>
public sealed record StagePosition(string Stage, double DaysIn);

/// <summary>
/// One truth for "the stage a customer is in now". With exit conditions (stay rules, minimum stays) a stage depends on
/// the stages before it, so the as-of date alone cannot say it: the stage now is the one the customer's stage timeline
/// holds on that date. The journey map and the snapshot both build that timeline here, the same way (the same start, the
/// same step, the same champion's scores), so their counts per stage cannot drift apart.
/// </summary>
public static class StageNow
{
    /// <summary>The canonical step: the snapshot's stage is the weekly timeline's, and a map at this step and window agrees with it.</summary>
    public const int CanonicalStepDays = 7;

    /// <summary>The canonical window: a map's default (180 days before its end).</summary>
    public const int CanonicalWindowDays = 180;

    /// <summary>How far before the window the timelines start, so stays that began before it have their real start.</summary>
    public const int LeadInDays = 90;

    /// <summary>The canonical window's start for a window ending on <paramref name="to"/>.</summary>
    public static DateTime CanonicalFrom(DateTime to) => to.AddDays(-CanonicalWindowDays);

    /// <summary>Whether a map over this window and step holds every customer in the stage the snapshot for <paramref name="to"/> gives them.</summary>
    /// <remarks>A start a few days off the canonical one gives the same timeline when it rounds to the same first date.</remarks>
    public static bool IsCanonical(DateTime from, DateTime to, int stepDays) =>
        stepDays == CanonicalStepDays && TimelineStart(from, to, stepDays) == TimelineStart(CanonicalFrom(to), to, CanonicalStepDays);

    /// <summary>
    /// Where the stage timelines start: at least <see cref="LeadInDays"/> days before the window, on a whole number of
    /// steps before its end, so the timelines' last date is the window's end itself (the snapshot's as-of date).
    /// </summary>
    public static DateTime TimelineStart(DateTime from, DateTime to, int stepDays)
    {
        if (stepDays < 1)
        {
            throw new InvalidInputException($"the step must be at least one day (got {stepDays})");
        }
        double days = Math.Max(1, (to - from.AddDays(-LeadInDays)).TotalDays);
        return to.AddDays(-stepDays * Math.Ceiling(days / stepDays));
    }

    /// <summary>The stage timelines for a window ending on <paramref name="to"/>, as the journey map reads them.</summary>
    /// <param name="rolling">The features as slid to <paramref name="to"/> (the signals now).</param>
    internal static IReadOnlyDictionary<string, IReadOnlyList<StageStay>> Timelines(EventTimeline events, StageModel stages, DateTime from, DateTime to, int stepDays,
        LoadedModels? models, bool allFeatures, out RollingFeatures rolling, CancellationToken cancellationToken) =>
        StageHistory.Build(events, stages, TimelineStart(from, to, stepDays), to, stepDays, models, allFeatures, out rolling, cancellationToken);

    /// <summary>
    /// Every customer's stage on <paramref name="asOf"/> from the canonical timeline (the canonical window and weekly step
    /// ending on it, scored by <paramref name="models"/>): what a snapshot for that date says.
    /// </summary>
    public static IReadOnlyDictionary<string, StagePosition> Canonical(Dataset dataset, StageModel stages, DateTime asOf, LoadedModels? models,
        CancellationToken cancellationToken = default)
    {
        var events = EventTimeline.Build(dataset, withChannels: false, cancellationToken: cancellationToken);
        var timelines = Timelines(events, stages, CanonicalFrom(asOf), asOf, CanonicalStepDays, models, allFeatures: false, out _, cancellationToken);
        return At(timelines, asOf);
    }

    /// <summary>Each customer's stage on <paramref name="date"/> and the days in it, from timelines that reach that date.</summary>
    public static Dictionary<string, StagePosition> At(IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines, DateTime date)
    {
        var result = new Dictionary<string, StagePosition>(timelines.Count, StringComparer.Ordinal);
        foreach (var (customer, stays) in timelines)
        {
            if (stays.LastOrDefault(s => s.EnteredAt <= date && (s.LeftAt is null || s.LeftAt > date)) is { } stay)
            {
                result[customer] = new StagePosition(stay.Stage, (date - stay.EnteredAt).TotalDays);
            }
        }
        return result;
    }
}
