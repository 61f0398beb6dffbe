using System.Diagnostics;
using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>What the backtest needs from a training run: the opened export, its feature plan, the table as of T and the run's classifier settings.</summary>
/// <param name="Table">The run's own feature table as of T (scored as it is when its labels are complete).</param>
/// <param name="Truth">The planted truth aligned to <paramref name="Table"/>'s rows (generated data), else null.</param>
/// <param name="Chosen">Per task, the run's chosen candidate and calibrator kind, refitted as of T-H
/// (<see cref="ClassifierOptions.Refitting"/>); a task without one runs <paramref name="Classifier"/>'s whole sweep.</param>
/// <param name="AsOf">The tables the run built in its one pass over the events (<see cref="OutOfTimeBacktest.FeatureDates"/>); a date it lacks is built here.</param>
internal sealed record BacktestInputs(Dataset Dataset, FeatureRunOptions Logs, FeaturePlan Plan, FeatureTable Table, ClassifierOptions Classifier,
    IReadOnlyList<PredictionTask> Tasks, KnownTruthRows? Truth = null, IReadOnlyDictionary<PredictionTask, ChosenCandidate>? Chosen = null,
    AsOfFeatures? AsOf = null);

/// <summary>The backtest's record, with the earlier models' probabilities on the scored customers (per task, in the order of their rows).</summary>
internal sealed record BacktestRun(BacktestMetadata Metadata, IReadOnlyDictionary<PredictionTask, float[]> Scores);

/// <summary>
/// The out-of-time backtest of a behaviour-log run (<see cref="BacktestMetadata"/>): the run's chosen candidate refitted
/// one horizon earlier and scored on the run's own customers, so a reader sees whether last quarter's model predicted this
/// quarter's churn and conversions, not only how it does on a holdout drawn from the same dates.
/// </summary>
/// <remarks>
/// Refitting the chosen candidate rather than rerunning the selection sweep keeps the backtest to about a fifth of a
/// task's training (the chosen candidate's fold fits and its final fit, against every candidate's): the sweep was
/// most of the run's time, and what a reader asks of the backtest is whether this model's way of learning holds over
/// time. The choice of trainer is the one thing it borrows from the run (made on data up to T+H); everything the
/// candidate learns, its inner-fold rounds or penalty, its calibrator's curve, comes from the data as of T-H.
/// </remarks>
internal static class OutOfTimeBacktest
{
    /// <summary>The fewest customers of each outcome the earlier model trains on: the same bar as the run's own models.</summary>
    public const int MinimumOfEach = 10;

    /// <summary>What the earlier models are, in <see cref="BacktestMetadata.Method"/>.</summary>
    public const string RefitMethod = "the run's chosen candidate refitted as of T-H (same trainer and hyperparameters, re-tuned on its own inner fold where it tunes; " +
        "the run's calibrator kind, fitted on its own out-of-fold scores), not a new selection sweep";

    public const string ReadyTableReason = "a ready feature table holds one date only, so there is no earlier date to train on (the backtest needs behaviour logs)";
    public const string TurnedOffReason = "turned off for this run (--no-backtest)";

    public static BacktestMetadata Skip(string reason) => new(reason, null, null, null, [], [], 0);

    /// <summary>The run's backtest, or why there is none (a ready table, turned off, no model to repeat).</summary>
    public static BacktestMetadata For(TrainingOptions options, LoadedFeatures loaded, ClassifierOptions classifier, KnownTruthRows? truth,
        IEnumerable<ClassifierResult?> trained, ILogger logger, CancellationToken cancellationToken, AsOfFeatures? asOf = null)
    {
        if (options.Features is not FeatureRunOptions logs || loaded.Dataset is not { } dataset || loaded.Plan is not { } plan)
        {
            return Skip(ReadyTableReason);
        }
        if (!options.Backtest)
        {
            return Skip(TurnedOffReason);
        }
        var results = trained.OfType<ClassifierResult>().ToList();
        if (results.Count == 0)
        {
            return Skip("no churn or lead model was trained, so there is nothing to repeat");
        }
        var chosen = results.Where(r => r.Chosen is not null).ToDictionary(r => r.Task, r => r.Chosen!);
        var run = Run(new BacktestInputs(dataset, logs, plan, loaded.Table, classifier, [.. results.Select(r => r.Task)], truth, chosen, asOf), logger, cancellationToken);
        return run.Metadata;
    }

    /// <summary>
    /// The feature tables <see cref="For"/> will ask for (as of T-H, and as of the scored date when it is not T), so a run
    /// can build them in the same pass as its other dates' (<see cref="AsOfFeatures"/>); none when there will be no backtest.
    /// </summary>
    public static IEnumerable<FeatureOptions> FeatureDates(TrainingOptions options, LoadedFeatures loaded)
    {
        if (options.Features is not FeatureRunOptions logs || !options.Backtest || loaded.Dataset is not { } dataset || loaded.Plan is not { } plan
            || loaded.Table.AsOf is not { } asOf)
        {
            yield break;
        }
        var (trainedAt, scoredAt, _) = Dates(asOf, dataset.DataAsOf, logs.HorizonDays);
        if (dataset.Mapping.DataStart is { } start && trainedAt <= start)
        {
            yield break;
        }
        yield return Options(logs, plan, trainedAt);
        if (scoredAt != asOf)
        {
            yield return Options(logs, plan, scoredAt);
        }
    }

    public static BacktestRun Run(BacktestInputs input, ILogger logger, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        int horizon = input.Logs.HorizonDays;
        var asOf = input.Table.AsOf ?? throw new InvalidOperationException("a behaviour-log table has an as-of date");
        var (trainedAt, scoredAt, notes) = Dates(asOf, input.Dataset.DataAsOf, horizon);
        BacktestRun Skipped(string reason)
        {
            logger.LogWarning("No out-of-time backtest: {Reason}", reason);
            return new BacktestRun(new BacktestMetadata(reason, trainedAt, scoredAt, horizon, notes, [], watch.Elapsed.TotalSeconds), new Dictionary<PredictionTask, float[]>());
        }
        if (input.Dataset.Mapping.DataStart is { } start && trainedAt <= start)
        {
            return Skipped(string.Create(CultureInfo.InvariantCulture,
                $"the data is too short: the export starts on {start:yyyy-MM-dd}, not before {trainedAt:yyyy-MM-dd} (the as-of date {scoredAt:yyyy-MM-dd} minus the {horizon}-day horizon)"));
        }
        logger.LogInformation("Out-of-time backtest: training as of {TrainedAt:yyyy-MM-dd}, scoring as of {ScoredAt:yyyy-MM-dd}", trainedAt, scoredAt);
        var phases = input.Classifier.Phases ?? new PhaseTimings();
        var (earlier, summary) = phases.Measure("features as of T-H", () => Build(input, trainedAt, cancellationToken));
        if (summary.EventsBeforeAsOf == 0 || earlier.RowCount == 0)
        {
            return Skipped(string.Create(CultureInfo.InvariantCulture,
                $"the data is too short: no {(earlier.RowCount == 0 ? "customer had signed up" : "event happened")} before {trainedAt:yyyy-MM-dd} (the as-of date {scoredAt:yyyy-MM-dd} minus the {horizon}-day horizon)"));
        }
        notes = [.. notes, .. HistoryNote(earlier, trainedAt, horizon)];
        var later = scoredAt == asOf ? input.Table : phases.Measure("features as of the scored date", () => Build(input, scoredAt, cancellationToken).Table);
        var truth = ReferenceEquals(later, input.Table) ? input.Truth : null; // the planted truth belongs to the run's own date
        var scores = new Dictionary<PredictionTask, float[]>();
        var tasks = new List<TaskBacktest>();
        foreach (var task in input.Tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (phases.Measure(task.Name))
            {
                tasks.Add(ForTask(task, earlier, later, input with { Classifier = input.Classifier with { Phases = phases.Scope(task.Name) } }, truth, scores, logger, cancellationToken));
            }
        }
        var metadata = new BacktestMetadata(null, trainedAt, scoredAt, horizon, notes, tasks, watch.Elapsed.TotalSeconds)
        {
            Method = input.Chosen is { Count: > 0 } ? RefitMethod : null,
        };
        return new BacktestRun(metadata, scores);
    }

    /// <summary>
    /// Which dates the backtest trains and scores at. A training run takes T = the data's as-of date minus H by default
    /// (<see cref="AsOfRule.LabelsComplete"/>), so its labels (T, T+H] are the last complete horizon of the export. The
    /// backtest scores at that same T against those same labels, and trains one horizon earlier, at T-H, whose labels
    /// (T-H, T] end where the scored features begin: nothing it learns comes from after T. When a run was given a later
    /// T whose horizon runs past the data's end, its labels are incomplete (an outcome not yet seen is unknown, and
    /// churners show up before stayers do), so scoring there would grade against a biased set: the backtest then scores
    /// at the latest date whose labels are complete and says so.
    /// </summary>
    internal static (DateTime TrainedAt, DateTime ScoredAt, IReadOnlyList<string> Notes) Dates(DateTime asOf, DateTime dataAsOf, int horizon)
    {
        if (asOf.AddDays(horizon) <= dataAsOf)
        {
            return (asOf.AddDays(-horizon), asOf, []);
        }
        var scoredAt = FeatureRun.DefaultAsOf(dataAsOf, horizon);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"the run's as-of date {asOf:yyyy-MM-dd} plus the {horizon}-day horizon runs past the data's as-of date {dataAsOf:yyyy-MM-dd}, so its labels are not all known yet: " +
            $"the backtest is scored as of {scoredAt:yyyy-MM-dd}, the latest date whose labels are complete");
        return (scoredAt.AddDays(-horizon), scoredAt, [note]);
    }

    /// <summary>The same features (the run's own plan, so the columns match) as of another date, from the same export.</summary>
    private static (FeatureTable Table, FeatureBuildSummary Summary) Build(BacktestInputs input, DateTime asOf, CancellationToken cancellationToken) =>
        (input.AsOf ?? AsOfFeatures.None).Get(input.Dataset, Options(input.Logs, input.Plan, asOf), cancellationToken);

    private static FeatureOptions Options(FeatureRunOptions logs, FeaturePlan plan, DateTime asOf) => new()
    {
        AsOf = asOf,
        HorizonDays = logs.HorizonDays,
        MaxDegreeOfParallelism = logs.MaxDegreeOfParallelism,
        Plan = plan,
    };

    /// <summary>A note when the earlier features see less than one horizon of behaviour: its 90-day signals are partial there, not at T.</summary>
    private static IEnumerable<string> HistoryNote(FeatureTable earlier, DateTime trainedAt, int horizon)
    {
        if (earlier.NumbersOrNull(FeatureNames.HistoryDays) is not { Length: > 0 } history)
        {
            yield break;
        }
        float longest = history.Where(float.IsFinite).DefaultIfEmpty(0).Max();
        if (longest < Math.Min(horizon, 90))
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"features as of {trainedAt:yyyy-MM-dd} see at most {longest:0} days of behaviour (the export starts then), so the earlier model learnt from partial 90-day signals: the backtest may understate the run's model");
        }
    }

    private static TaskBacktest ForTask(PredictionTask task, FeatureTable earlier, FeatureTable later, BacktestInputs input, KnownTruthRows? truth,
        Dictionary<PredictionTask, float[]> scores, ILogger logger, CancellationToken cancellationToken)
    {
        var (trainRows, positives, negatives) = Labelled(earlier, task);
        var population = task.Population.Name();
        if (positives < MinimumOfEach || negatives < MinimumOfEach)
        {
            return Skipped(task, positives + negatives, positives, string.Create(CultureInfo.InvariantCulture,
                $"{positives:N0} positive and {negatives:N0} negative examples among the {population} rows as of {earlier.AsOf:yyyy-MM-dd} (at least {MinimumOfEach} of each needed)"), logger);
        }
        var (scoredRows, laterPositives, laterNegatives) = Labelled(later, task);
        if (laterPositives == 0 || laterNegatives == 0)
        {
            return Skipped(task, positives + negatives, positives, string.Create(CultureInfo.InvariantCulture,
                $"{laterPositives:N0} positive and {laterNegatives:N0} negative outcomes among the {population} rows as of {later.AsOf:yyyy-MM-dd}: nothing to rank against"), logger);
        }
        var classifier = input.Chosen?.GetValueOrDefault(task) is { } chosen ? input.Classifier.Refitting(chosen) : input.Classifier;
        var model = ClassifierTraining.Train(earlier, task, trainRows, classifier, oracle: null, cancellationToken);
        var phases = input.Classifier.Phases ?? new PhaseTimings();
        var predictions = phases.Measure("scoring as of T", () => model.Model.Predict(later, scoredRows));
        var labels = later.Labels[task.Label];
        var outcomes = scoredRows.Select(r => labels[r]).ToArray();
        var metrics = ClassificationMetrics.Compute(predictions, outcomes);
        var planted = truth is null ? null : scoredRows.Select(r => (task == PredictionTask.Churn ? truth.ChurnProbability : truth.ConversionProbability)[r]).ToArray();
        double? oracle = planted is null || planted.Any(float.IsNaN) ? null : ClassificationMetrics.RocAuc(planted, outcomes);
        scores[task] = predictions;
        logger.LogInformation("Backtest {Task}: trained as of {TrainedAt:yyyy-MM-dd} on {Rows} customers; as of {ScoredAt:yyyy-MM-dd} on {Scored} customers ROC AUC {Auc:F3}, PR-AUC {PrAuc:F3}",
            task, earlier.AsOf, trainRows.Length, later.AsOf, scoredRows.Length, metrics.Auc, metrics.PrAuc);
        var intervals = phases.Measure("intervals", () =>
            IntervalsOf(predictions, outcomes, later.AccountIds is { } ids ? [.. scoredRows.Select(r => ids[r])] : null, input.Classifier.Seed));
        return new TaskBacktest(task, null, trainRows.Length, positives, model.Model.Info.Spec.Trainer, model.Holdout.Auc, metrics,
            intervals, oracle is { } o && double.IsFinite(o) ? o : null)
        {
            Candidate = model.Model.Info.Spec.Describe(),
            Calibration = model.Model.Info.CalibrationMethod,
        };
    }

    private static TaskBacktest Skipped(PredictionTask task, int rows, int positives, string reason, ILogger logger)
    {
        logger.LogWarning("No {Task} backtest: {Reason}", task, reason);
        return new TaskBacktest(task, reason, rows, positives, null, null, null, null, null);
    }

    /// <summary>The task's population rows with a known label, and how many of each outcome.</summary>
    private static (int[] Rows, int Positives, int Negatives) Labelled(FeatureTable table, PredictionTask task)
    {
        if (!table.Labels.TryGetValue(task.Label, out var labels))
        {
            return ([], 0, 0);
        }
        var rows = Enumerable.Range(0, table.RowCount)
            .Where(r => (table.Status is null || table.Status[r] == task.Population) && !float.IsNaN(labels[r])).ToArray();
        int positives = rows.Count(r => labels[r] > 0.5f);
        return (rows, positives, rows.Length - positives);
    }

    /// <summary>
    /// 95% intervals of the headline metrics, computed as the holdout's are (<see cref="HoldoutIntervals"/>): a
    /// stratified bootstrap of whole accounts where customers share them, Wilson for precision in the top 5% and 10%.
    /// </summary>
    internal static BacktestIntervals IntervalsOf(float[] scores, float[] outcomes, string?[]? accounts, int seed)
    {
        var i = HoldoutIntervals.Compute(scores, outcomes, HoldoutIntervals.DefaultResamples, seed, accounts);
        static BacktestIntervals.Range Of(Interval95 x) => new(x.Low, x.High);
        return new BacktestIntervals(Of(i.Auc), Of(i.PrAuc), Of(i.Top5.Interval), Of(i.Top10.Interval));
    }
}
