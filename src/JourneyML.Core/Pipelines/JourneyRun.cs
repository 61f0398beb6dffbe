using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

public sealed record JourneyOptions
{
    public required string DataDirectory { get; init; }
    public string? MappingFile { get; init; }
    public required string RegistryPath { get; init; }
    /// <summary>End of the window; default the data's as-of date.</summary>
    public DateTime? To { get; init; }
    /// <summary>Start of the window; default 180 days before its end.</summary>
    public DateTime? From { get; init; }
    /// <summary>Only this segment's customers (the champion's segment at the end of the window).</summary>
    public int? Segment { get; init; }
    /// <summary>Only this account's contacts: the buying group's journey.</summary>
    public string? Account { get; init; }
    public int StepDays { get; init; } = StageNow.CanonicalStepDays;
    /// <summary>Where the map files go; default: models/journeys/ (all customers) or models/journeys/segment-N/.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Use this version's scores and segments instead of the champion's (a retraining run's new version, before it is promoted).</summary>
    public string? Version { get; init; }
    /// <summary>The funnel's conversion windows in days (30 and 90 by default).</summary>
    public IReadOnlyList<int> FunnelWindowDays { get; init; } = JourneyAnalysisOptions.DefaultWindowDays;
    /// <summary>A designed journey to hold customers against (allowed moves, JSON); default the path order of stages.json.</summary>
    public string? DesignedJourneyFile { get; init; }
    /// <summary>The designed journey as moves (an API request's); used when there is no <see cref="DesignedJourneyFile"/>. Errors name <c>designed</c>.</summary>
    public IReadOnlyList<DesignedMove>? DesignedMoves { get; init; }
}

/// <summary>How long one part of a journey run took.</summary>
public sealed record JourneyRunStep(string Step, TimeSpan Elapsed);

/// <summary>What a journey run wrote, where, from how much data, and where its time went.</summary>
public sealed record JourneyRunResult(JourneyMap Map, string Directory)
{
    public int Customers { get; init; }
    public int Events { get; init; }
    /// <summary>Whether the champion's churn risk and lead score were part of the stage rules.</summary>
    public bool WithScores { get; init; }
    public IReadOnlyList<JourneyRunStep> Steps { get; init; } = [];
    /// <summary>The customers behind the map's figures (in a stage, stuck in it, who made a move), from the same timelines.</summary>
    public JourneyMembers? Members { get; init; }
}

/// <summary>
/// The journey map as a step of its own, and of every retraining run: stage timelines from the events (with the
/// champion's scores), the map for the window, touchpoints, insights, what changed since the last map, written to files.
/// </summary>
public static class JourneyRun
{
    /// <summary>Each paying customer's survival curve at the window's end (null for others), when the champion has a survival model.</summary>
    private static Survival.SurvivalCurve?[]? Survival(FeatureTable table, LoadedModels? champion)
    {
        if (champion?.Survival is not { } model || table.Status is not { } status)
        {
            return null;
        }
        var paying = Enumerable.Range(0, table.RowCount).Where(r => status[r] == CustomerStatus.Customer).ToArray();
        var result = new Survival.SurvivalCurve?[table.RowCount];
        var curves = model.Curves(table, paying);
        for (int i = 0; i < paying.Length; i++)
        {
            result[paying[i]] = curves[i];
        }
        return result;
    }

    /// <summary>
    /// Where the stage timelines start (<see cref="StageNow.TimelineStart"/>): the timelines' last date is the window's end
    /// itself, so the map's "now" is the as-of date (Churned 311 against the snapshot's 321 on the sample with 14-day steps before).
    /// </summary>
    internal static DateTime TimelineStart(DateTime from, DateTime to, int stepDays) => StageNow.TimelineStart(from, to, stepDays);

    /// <summary>
    /// Checks what a map's analysis is asked for before a long run (retrain, demo) trains for it: the funnel's windows, and
    /// that the designed journey's file exists (its moves are checked against the stages at the map, where they are known).
    /// </summary>
    public static void CheckAnalysis(IReadOnlyList<int> windowDays, string? designedJourneyFile)
    {
        new JourneyAnalysisOptions { WindowDays = windowDays }.Validate();
        if (designedJourneyFile is not null && !File.Exists(designedJourneyFile))
        {
            throw new NotFoundException("designed journey", $"designed journey {designedJourneyFile}: no such file");
        }
    }

    public static JourneyRunResult Run(JourneyOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var steps = new List<JourneyRunStep>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Done(string step)
        {
            steps.Add(new JourneyRunStep(step, watch.Elapsed));
            logger.LogDebug("{Step}: {Seconds:F2} s", step, watch.Elapsed.TotalSeconds);
            watch.Restart();
        }
        var dataset = Dataset.Open(options.DataDirectory, new ValidationReport(), options.MappingFile);
        if (dataset.AsOfAssumed is { } assumed)
        {
            logger.LogWarning("{Warning}", assumed);
        }
        var to = options.To ?? dataset.DataAsOf.Date;
        var from = options.From ?? StageNow.CanonicalFrom(to);
        var registry = new ModelRegistry(options.RegistryPath);
        var champion = options.Version is { } version ? registry.Load(version) : registry.LoadChampion();
        Done("open the export and the champion");
        // One read of the events for everything below: timelines, the signals now, touchpoints and cohorts (and a stage suggestion when the registry has no stages).
        var events = EventTimeline.Build(dataset, withChannels: true, cancellationToken: cancellationToken);
        Done($"read and group {events.EventCount:N0} events");
        var stages = StageChoice.ForRun(registry.Root, new StageSignals([.. FeatureNames.Definitions.Select(d => d.Name)]).WithModel(champion?.Metadata), dataset, events, logger, cancellationToken);
        var analysis = new JourneyAnalysisOptions
        {
            WindowDays = options.FunnelWindowDays,
            Designed = options.DesignedJourneyFile is { } designed ? DesignedJourney.Load(designed, stages)
                : options.DesignedMoves is { } moves ? DesignedJourney.FromMoves("designed", moves, stages) : null,
        };
        analysis.Validate();
        logger.LogInformation("Rebuilding stage timelines from {From:yyyy-MM-dd} to {To:yyyy-MM-dd} every {Step} days", from, to, options.StepDays);
        var start = TimelineStart(from, to, options.StepDays);
        // The same timelines a snapshot reads its stages from (StageNow), so the map's "now" and the snapshot agree.
        var history = StageNow.Timelines(events, stages, from, to, options.StepDays, champion, allFeatures: true, out var rolling, cancellationToken);
        Done("stage timelines");
        // The signals now: the timelines' features at the window's end (their last date).
        var table = rolling.Advance(to, cancellationToken);
        var (churn, lead) = StageHistory.ScoresOf(table, champion);
        var tickets = table.Numbers(FeatureNames.Tickets30d);
        var curves = Survival(table, champion);
        var current = Enumerable.Range(0, table.RowCount).ToDictionary(r => table.CustomerIds[r], r => new CustomerSignals(tickets[r], churn[r], lead[r]) { Survival = curves?[r] });
        Done("signals and scores at the window's end");
        HashSet<string>? members = null;
        string? segmentName = null;
        if (options.Segment is { } segment)
        {
            var model = champion ?? throw new NotReadyException("a segment's journey map needs a champion model: train one first");
            int index = model.Segmentation.SegmentIds.ToList().IndexOf(segment);
            if (index < 0)
            {
                throw new NotFoundException("segment", $"segment {segment}: the champion has segments {string.Join(", ", model.Segmentation.SegmentIds)}");
            }
            var assigned = model.Segmentation.Assign(table);
            members = [.. Enumerable.Range(0, table.RowCount).Where(r => assigned[r] == segment).Select(r => table.CustomerIds[r])];
            segmentName = $"{segment} {model.Segmentation.SegmentNames[index]}";
        }
        if (options.Account is { } account)
        {
            var contacts = dataset.Customers.Customers.Where(c => c.AccountId == account).Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal);
            if (contacts.Count == 0)
            {
                throw new NotFoundException("account", "no contact of this account in the customers table");
            }
            members = members is null ? contacts : [.. members.Where(contacts.Contains)];
            segmentName = segmentName is null ? $"account {account}" : $"{segmentName}, account {account}";
        }
        var map = JourneyMap.Build(stages, history, from, to, members, segmentName, current: current);
        if (StageNoteOf(stages, from, to, options.StepDays) is { } note)
        {
            map = map with { Notes = [.. map.Notes, note] };
        }
        // A segment's map is compared with everyone's; everyone's stands alone.
        var overall = members is null ? null : JourneyMap.Build(stages, history, from, to, current: current);
        Done("map");
        map = map with { Touchpoints = Touchpoints.Build(events, stages, history, from, to, members) };
        Done("touchpoints");
        if (InterventionTouchpointsOf(dataset, champion, history, members, map, cancellationToken) is { } interventions)
        {
            map = map with { Interventions = interventions };
            Done("intervention touchpoints (effects per stage)");
        }
        map = map with { Cohorts = Cohorts.Build(events, stages, history, from, to, members) };
        Done("cohorts");
        map = JourneyAnalysis.With(map, stages, history, members, analysis with { Segments = SegmentsOf(champion, table), TimelinesStart = start });
        Done("process analysis (funnels, durations, variants, bottlenecks, conformance)");
        map = map with { Milestones = MilestoneGraph.Build(events, from, to, members) };
        Done("milestone graph");
        var otherTypes = dataset.Mapping.Events.Types.Where(t => string.Equals(t.Value, "other", StringComparison.OrdinalIgnoreCase)).Select(t => t.Key)
            .Concat(dataset.Events.UnmappedTypes.Select(u => u.Type)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        map = map with { Insights = JourneyInsights.From(map, overall, otherTypes: otherTypes) };
        var directory = options.OutputDirectory ?? JourneyMapFolders.For(registry.Root, options.Segment, options.Account);
        map = map.Write(directory);
        Done("insights and files (JSON, Markdown, HTML)");
        logger.LogInformation("Journey map for {Customers} customers written to {Directory}", map.Kpis.Customers, directory);
        return new JourneyRunResult(map, directory)
        {
            Customers = events.CustomerCount,
            Events = events.EventCount,
            WithScores = champion is not null,
            Steps = steps,
            Members = new JourneyMembers(map, history, members),
        };
    }

    /// <summary>
    /// The journey map's intervention touchpoints: each kind's effect per stage, measured as the champion measured it (the
    /// same as-of date, contact window and horizon) on the customers the map shows, each in the stage their timeline had at
    /// the as-of date. Null when the champion has no intervention effects or the export no interventions table; a map
    /// whose timelines do not reach back to the as-of date gets the kinds with a reason instead of stages.
    /// </summary>
    private static IReadOnlyList<InterventionTouchpoint>? InterventionTouchpointsOf(Dataset dataset, LoadedModels? champion,
        IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines, IReadOnlySet<string>? members, JourneyMap map, CancellationToken cancellationToken)
    {
        if (champion?.Metadata.Interventions is not { } measured || dataset.Interventions is not { } interventions)
        {
            return null;
        }
        var stageOrder = map.Stages.Select(s => s.Stage).ToList();
        if (measured.AsOf < map.From || measured.AsOf >= map.To || measured.AsOf.AddDays(measured.HorizonDays) > dataset.DataAsOf)
        {
            var why = string.Create(CultureInfo.InvariantCulture,
                $"not measured on this map: the effects are measured as of {measured.AsOf:yyyy-MM-dd} (churn within {measured.HorizonDays} days after it), and this map's window is {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd} with data to {dataset.DataAsOf:yyyy-MM-dd}");
            return [.. measured.Kinds.Select(k => new InterventionTouchpoint(k.Kind, k.Effect.Design, measured.AsOf, measured.HorizonDays, measured.ContactWindowDays, [], why))];
        }
        var table = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = measured.AsOf, HorizonDays = measured.HorizonDays }, cancellationToken: cancellationToken).Table;
        return InterventionTouchpoints.Build(table, interventions, dataset.Customers, measured, timelines, members, stageOrder);
    }

    /// <summary>
    /// Why this map's stages "now" may differ from the snapshot's: with exit conditions a stage depends on the stages
    /// before it, so a timeline at another step or from another start can hold a customer elsewhere on the same date.
    /// Null when the map is the canonical one (or no stage has exit conditions: then the date alone decides).
    /// </summary>
    internal static string? StageNoteOf(StageModel stages, DateTime from, DateTime to, int stepDays)
    {
        if (!stages.HasHysteresis || StageNow.IsCanonical(from, to, stepDays))
        {
            return null;
        }
        return System.FormattableString.Invariant(
            $"stages now: this map is built every {stepDays} days from {from:yyyy-MM-dd}; the snapshot's stages are the timeline's at the canonical weekly step over the {StageNow.CanonicalWindowDays} days before {to:yyyy-MM-dd}, and with exit conditions (stay rules, minimum stays) the counts per stage now may differ from the snapshot's for the same date and model");
    }

    /// <summary>Each customer's segment at the window's end in words ("2 Evaluators"), for the funnel per segment; null without a champion.</summary>
    private static Dictionary<string, string>? SegmentsOf(LoadedModels? champion, FeatureTable table)
    {
        if (champion is null)
        {
            return null;
        }
        var ids = champion.Segmentation.SegmentIds.ToList();
        var names = champion.Segmentation.SegmentNames;
        var assigned = champion.Segmentation.Assign(table);
        return Enumerable.Range(0, table.RowCount).ToDictionary(r => table.CustomerIds[r],
            r => ids.IndexOf(assigned[r]) is var i and >= 0 ? $"{assigned[r]} {names[i]}" : assigned[r].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }
}
