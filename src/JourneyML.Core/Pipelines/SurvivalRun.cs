using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Survival;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>The survival model of a training run and what the version records of it.</summary>
public sealed record SurvivalTrained(SurvivalResult Result, SurvivalMetadata Metadata);

/// <summary>
/// The survival model's part of a training run: on behaviour logs, person-periods from as-of dates 30 days apart before
/// the data's end; on a ready table, its duration and event columns (Mode B, <c>--duration</c>/<c>--event</c>).
/// </summary>
internal static class SurvivalRun
{
    /// <summary>Takes a ready table's duration and event columns out of its features (they are the outcome, not a signal): the table the run goes on with, and the two columns.</summary>
    public static (FeatureTable Table, float[]? Durations, float[]? Events) SplitOff(FeatureTable table, FeatureSource source)
    {
        if (source is not FeatureTableSource { DurationColumn: { } duration, EventColumn: { } eventColumn } ready)
        {
            return (table, null, null);
        }
        float[] Column(string name, string option) => table.Find(name) is NumericColumn numbers ? numbers.Values
            : throw new InvalidInputException(table.Find(name) is null
                ? $"{ready.Path}: {option} column '{name}' is not in the table (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})"
                : $"{ready.Path}: {option} column '{name}' is not numeric ({option} needs {(option == "--duration" ? "days, for example 120" : "1 for churned, 0 for still paying")})");
        var durations = Column(duration, "--duration");
        var events = table.Find(eventColumn) is CategoricalColumn words ? EventWords(ready.Path, table, words) : Column(eventColumn, "--event");
        Check(ready.Path, table, durations, events, duration, eventColumn);
        var kept = table.Columns.Where(c => !c.Name.Equals(duration, StringComparison.OrdinalIgnoreCase) && !c.Name.Equals(eventColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        return (new FeatureTable(table.CustomerIds, kept)
        {
            AccountIds = table.AccountIds, Status = table.Status, Labels = table.Labels, AsOf = table.AsOf, HorizonDays = table.HorizonDays,
        }, durations, events);
    }

    /// <summary>An event column of words, as exports write it (Yes/No, true/false): 1 for churned, 0 for still paying; anything else is named.</summary>
    private static float[] EventWords(string path, FeatureTable table, CategoricalColumn column)
    {
        var events = new float[table.RowCount];
        for (int r = 0; r < events.Length; r++)
        {
            events[r] = column.Values[r]?.Trim().ToLowerInvariant() switch
            {
                "1" or "yes" or "true" or "churned" => 1,
                "0" or "no" or "false" => 0,
                var other => throw new InvalidInputException(
                    $"{path}: customer {table.CustomerIds[r]}: column '{column.Name}' is '{other ?? ""}'; an event is 1 (churned) or 0 (still paying: censored), or Yes/No"),
            };
        }
        return events;
    }

    /// <summary>A negative duration or an event other than 0 or 1 is a mistake in the table: named by row and column, never dropped.</summary>
    private static void Check(string path, FeatureTable table, float[] durations, float[] events, string duration, string eventColumn)
    {
        for (int r = 0; r < table.RowCount; r++)
        {
            if (float.IsNaN(durations[r]) || durations[r] < 0)
            {
                throw new InvalidInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: customer {table.CustomerIds[r]}: column '{duration}' is {(float.IsNaN(durations[r]) ? "empty" : durations[r].ToString(CultureInfo.InvariantCulture))}; a duration is the days followed, 0 or more"));
            }
            if (events[r] is not (0 or 1))
            {
                throw new InvalidInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: customer {table.CustomerIds[r]}: column '{eventColumn}' is {(float.IsNaN(events[r]) ? "empty" : events[r].ToString(CultureInfo.InvariantCulture))}; an event is 1 (churned) or 0 (still paying: censored)"));
            }
        }
    }

    /// <summary>Trains the survival model where the data allows; otherwise adds the reason to <paramref name="notTrained"/> and returns null.</summary>
    /// <summary>
    /// The feature tables <see cref="Train"/> will ask for on behaviour logs (one per as-of date), so a run can build them in
    /// the same pass as its other dates' (<see cref="AsOfFeatures"/>); none on a ready table.
    /// </summary>
    public static IReadOnlyList<FeatureOptions> FeatureDates(TrainingOptions options, LoadedFeatures loaded, float[]? durations) =>
        durations is null && loaded.Dataset is { } dataset && options.Features is FeatureRunOptions logs
            ? SurvivalTraining.AsOfFeatureOptions(dataset, loaded.Plan, ForLogs(new SurvivalOptions(), logs, dataset))
            : [];

    /// <summary>The survival settings of a behaviour-log run: its threads, and as many as-of dates as its size calls for.</summary>
    private static SurvivalOptions ForLogs(SurvivalOptions options, FeatureRunOptions logs, Data.Dataset dataset) =>
        options with { MaxDegreeOfParallelism = logs.MaxDegreeOfParallelism, AsOfDates = SurvivalOptions.AsOfDatesFor(dataset.Customers.Count) };

    /// <param name="asOf">The tables the run built in its one pass over the events (<see cref="FeatureDates"/>); dates it lacks are built here.</param>
    public static SurvivalTrained? Train(TrainingOptions options, LoadedFeatures loaded, FeatureTable table, float[]? durations, float[]? events,
        List<string> notTrained, ILogger logger, CancellationToken cancellationToken, PhaseTimings? phases = null, AsOfFeatures? asOf = null)
    {
        // The run's own candidates when it was given some (`--trainer`): the same trainers for every model of the version.
        var survivalOptions = new SurvivalOptions { Seed = options.Seed, Candidates = options.Candidates, Phases = phases };
        SurvivalResult? result;
        string? reason;
        if (durations is not null && events is not null)
        {
            logger.LogInformation("Training the survival model on the table's duration and event columns");
            (result, reason) = SurvivalTraining.TrainOnDurations(table, durations, events, survivalOptions, cancellationToken);
        }
        else if (loaded.Dataset is { } dataset && options.Features is FeatureRunOptions logs)
        {
            survivalOptions = ForLogs(survivalOptions, logs, dataset);
            logger.LogInformation("Training the survival model: features as of up to {Dates} dates 30 days apart before {End:yyyy-MM-dd}", survivalOptions.AsOfDates, dataset.DataAsOf);
            IReadOnlyList<FeatureTable> tables;
            using (phases?.Measure("as-of features"))
            {
                tables = SurvivalTraining.Followed((asOf ?? AsOfFeatures.None).Get(dataset, SurvivalTraining.AsOfFeatureOptions(dataset, loaded.Plan, survivalOptions), cancellationToken));
            }
            (result, reason) = SurvivalTraining.TrainOnAsOfDates(tables, survivalOptions, cancellationToken);
        }
        else
        {
            return null; // a ready table without --duration/--event: no survival model was asked for
        }
        if (result is null)
        {
            logger.LogWarning("{Reason}", reason);
            notTrained.Add(reason!);
            return null;
        }
        var metadata = SurvivalMetadata.From(result) with
        {
            DurationColumn = (options.Features as FeatureTableSource)?.DurationColumn,
            EventColumn = (options.Features as FeatureTableSource)?.EventColumn,
        };
        logger.LogInformation("Survival: {Reason}; {Summary}", result.SelectionReason, metadata.Summary());
        return new SurvivalTrained(result, metadata);
    }
}
