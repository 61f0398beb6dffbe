using JourneyML.Core.Prediction;

namespace JourneyML.Core.Registry;

/// <summary>
/// The out-of-time backtest of a behaviour-log run: the run's chosen candidate (same trainer and hyperparameters, same
/// calibrator kind; see <see cref="Method"/>) refitted one horizon earlier, as of T-H with labels in (T-H, T], then scored
/// on the customers as of T against what happened in (T, T+H]. It answers "does last quarter's model predict this quarter's churn?", which a holdout drawn from
/// the same dates cannot. <see cref="Skipped"/> says why there is none (a ready table, data too short, turned off).
/// </summary>
/// <param name="Skipped">Why no backtest was run; null when it ran (each task may still be skipped on its own).</param>
/// <param name="TrainedAsOf">The backtest model's as-of date (T-H): its features use events before it, its labels (T-H, T].</param>
/// <param name="ScoredAsOf">The date it is scored at (T, or the latest date whose labels are complete): labels in (T, T+H].</param>
/// <param name="Notes">What a reader should know about these numbers (a shifted date, short history before T-H).</param>
/// <param name="Seconds">Time the backtest added to the run (feature build and both models).</param>
public sealed record BacktestMetadata(
    string? Skipped,
    DateTime? TrainedAsOf,
    DateTime? ScoredAsOf,
    int? HorizonDays,
    IReadOnlyList<string> Notes,
    IReadOnlyList<TaskBacktest> Tasks,
    double Seconds)
{
    /// <summary>The one task's backtest, if it has one.</summary>
    public TaskBacktest? For(PredictionTask task) => Tasks.FirstOrDefault(t => t.Task == task);

    /// <summary>
    /// How the earlier models were trained, in words: "the run's chosen candidate refitted as of T-H ..., not a new selection
    /// sweep". Null in versions written before it, whose backtest reran the whole sweep.
    /// </summary>
    public string? Method { get; init; }
}

/// <summary>One task's backtest: what the earlier model was trained on, and how it did on the later customers.</summary>
/// <param name="Skipped">Why this task has no backtest (too few outcomes of one kind as of T-H or as of T); null when it has one.</param>
/// <param name="TrainedOn">Labelled customers as of T-H (the backtest model's train and in-time holdout parts together).</param>
/// <param name="TrainedPositives">Of them, how many had the outcome in (T-H, T].</param>
/// <param name="Trainer">The earlier model's trainer: the run's chosen candidate's (<see cref="Candidate"/> has its hyperparameters).</param>
/// <param name="InTimeAuc">The earlier model's own holdout ROC AUC as of T-H: beside <see cref="OutOfTime"/>, what one horizon of time costs.</param>
/// <param name="OutOfTime">Its metrics on every labelled customer of the population as of the scored date.</param>
/// <param name="Intervals">95% intervals of the headline out-of-time metrics.</param>
/// <param name="OracleAuc">Generated data: the planted probabilities' ROC AUC on the same customers.</param>
public sealed record TaskBacktest(
    PredictionTask Task,
    string? Skipped,
    int TrainedOn,
    int TrainedPositives,
    string? Trainer,
    double? InTimeAuc,
    ClassificationMetrics? OutOfTime,
    BacktestIntervals? Intervals,
    double? OracleAuc)
{
    /// <summary>The earlier model's trainer with the hyperparameters it was fitted with (rounds or penalty as its inner fold chose them as of T-H).</summary>
    public string? Candidate { get; init; }
    /// <summary>Its calibrator kind (<see cref="CalibrationMethod"/>): the run's, fitted on the earlier model's out-of-fold scores.</summary>
    public string? Calibration { get; init; }
}

/// <summary>95% intervals: percentile bootstrap for ROC AUC and PR-AUC, Wilson score intervals for precision in the top 5% and 10%.</summary>
public sealed record BacktestIntervals(BacktestIntervals.Range Auc, BacktestIntervals.Range PrAuc, BacktestIntervals.Range PrecisionAtTop5, BacktestIntervals.Range PrecisionAtTop10)
{
    public sealed record Range(double Low, double High);
}
