using System.Globalization;
using System.Text;
using JourneyML.Core.Registry;

namespace JourneyML.Cli;

/// <summary>The out-of-time backtest in the training summary: one line per task beside the holdout's figures, or why there is none.</summary>
internal static class BacktestSummaryText
{
    public static void Append(StringBuilder sb, ModelMetadata m)
    {
        var inv = CultureInfo.InvariantCulture;
        if (m.Backtest is not { } b)
        {
            return;
        }
        if (b.Skipped is { } why)
        {
            sb.AppendLine(inv, $"  backtest: none: {why}");
            return;
        }
        string how = b.Method is null ? "trained" : "the chosen candidate refitted";
        sb.AppendLine(inv, $"  backtest: {how} as of {b.TrainedAsOf:yyyy-MM-dd}, scored as of {b.ScoredAsOf:yyyy-MM-dd} (labels in the {b.HorizonDays} days after)");
        foreach (var note in b.Notes)
        {
            sb.AppendLine(inv, $"    note: {note}");
        }
        foreach (var task in new[] { m.Churn, m.Lead })
        {
            if (task is null || b.For(task.Task) is not { } t)
            {
                continue;
            }
            string name = TaskNames.Display(task.Task, m.Mode);
            if (t.OutOfTime is not { } o)
            {
                sb.AppendLine(inv, $"    {name}: none: {t.Skipped}");
                continue;
            }
            var i = t.Intervals;
            sb.AppendLine(inv, $"    {name}: ROC AUC {o.Auc:F3}{(i is null ? "" : $" [{i.Auc.Low:F3}, {i.Auc.High:F3}]")} vs holdout {task.Holdout.Auc:F3}, " +
                $"PR-AUC {o.PrAuc:F3}{(i is null ? "" : $" [{i.PrAuc.Low:F3}, {i.PrAuc.High:F3}]")}; top 10%: precision {o.PrecisionAtTop10:0%}{(i is null ? "" : $" [{i.PrecisionAtTop10.Low:0%}, {i.PrecisionAtTop10.High:0%}]")}; " +
                $"base rate {o.BaseRate:0.0%}; {o.Count:N0} scored, trained on {t.TrainedOn:N0}{(t.OracleAuc is { } oracle ? $" (oracle {oracle:F3})" : "")}");
        }
    }
}
