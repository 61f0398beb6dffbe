using System.Globalization;
using JourneyML.Core.Registry;

namespace JourneyML.Tools.Benchmarks;

/// <summary>
/// The out-of-time backtest in <c>bench worlds</c>: per task, the model trained one horizon earlier (as of T-H, labels in
/// (T-H, T]) scored on the customers as of T, printed beside the holdout with its interval, and checked to rank better
/// than chance wherever the window holds outcomes of both kinds.
/// </summary>
internal static class WorldBacktest
{
    /// <summary>The backtest line of one task, to print under its holdout line.</summary>
    public static string Line(BacktestMetadata? backtest, TaskMeasurement task)
    {
        var inv = CultureInfo.InvariantCulture;
        if (backtest is null)
        {
            return $"  {task.Task} backtest: none recorded";
        }
        if (backtest.Skipped is { } why)
        {
            return $"  {task.Task} backtest: none: {why}";
        }
        if (backtest.For(TaskOf(task)) is not { } t)
        {
            return $"  {task.Task} backtest: none: no {task.Task} model to repeat";
        }
        if (t.OutOfTime is not { } o)
        {
            return $"  {task.Task} backtest: none: {t.Skipped}";
        }
        return string.Create(inv,
            $"  {task.Task} backtest: trained as of {backtest.TrainedAsOf:yyyy-MM-dd} on {t.TrainedOn:N0} customers ({t.TrainedPositives:N0} positive), " +
            $"scored as of {backtest.ScoredAsOf:yyyy-MM-dd}: AUC {o.Auc:F3} {Range(t.Intervals?.Auc)} on {o.Count:N0} customers beside holdout AUC {task.Auc:F3} {task.AucInterval}" +
            $"{(t.InTimeAuc is { } inTime ? $"; its own in-time holdout {inTime:F3}" : "")}{(t.OracleAuc is { } oracle ? $"; oracle on the same customers {oracle:F3}" : "")}");
    }

    /// <summary>"The backtest ranks better than chance", for each task whose window held outcomes of both kinds (a skipped task has none to rank).</summary>
    public static IEnumerable<WorldCheck> Checks(BacktestMetadata? backtest, IEnumerable<TaskMeasurement> tasks)
    {
        foreach (var task in tasks.Where(t => t.NoModel is null))
        {
            if (backtest?.For(TaskOf(task)) is not { OutOfTime: { } o } t)
            {
                continue;
            }
            bool passed = t.Intervals is { } i && i.Auc.Low > 0.5;
            yield return new WorldCheck($"{task.Task} backtest ranks better than chance (the model of one horizon earlier on this horizon's customers)", passed,
                string.Create(CultureInfo.InvariantCulture,
                    $"AUC {o.Auc:F3} {Range(t.Intervals?.Auc)} on {o.Count:N0} customers ({o.Positives:N0} positive), trained as of {backtest!.TrainedAsOf:yyyy-MM-dd} on {t.TrainedPositives:N0} positive of {t.TrainedOn:N0}; holdout AUC {task.Auc:F3}"));
        }
    }

    private static Core.Prediction.PredictionTask TaskOf(TaskMeasurement task) =>
        task.Task == PlantedWorldTasks.Name(PlantedWorldTasks.Churn) ? PlantedWorldTasks.Churn : PlantedWorldTasks.Conversion;

    private static string Range(BacktestIntervals.Range? r) => r is null ? "" : new Interval(r.Low, r.High).ToString();
}
