using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Reports;

/// <summary>The out-of-time backtest in the report: one line in the summary, and a table beside each model's holdout.</summary>
internal sealed partial class ReportBuilder
{
    /// <summary>The summary's line: per task, the backtest's ROC AUC with its interval beside the holdout's, or why there is none.</summary>
    private void BacktestSummaryLine()
    {
        if (metadata.Backtest is not { } b)
        {
            return;
        }
        if (b.Skipped is { } why)
        {
            Paragraph($"none: {why}.", "Out-of-time backtest:");
            return;
        }
        var parts = new List<string>();
        foreach (var (task, words) in new[] { (metadata.Churn, s_churnWords), (metadata.Lead, LeadWords) })
        {
            if (task is null || b.For(task.Task) is not { } t)
            {
                continue;
            }
            parts.Add(t.OutOfTime is { } m
                ? $"{words.Title}: ROC AUC {Format.Ratio(m.Auc)} (95% {RangeText(t.Intervals?.Auc)}) on {Format.Count(m.Count)} {words.Subjects}, against {Format.Ratio(task.Holdout.Auc)} on the holdout; " +
                  $"of the 5% {words.TopWord}, {Format.Percent(m.PrecisionAtTop5)} {words.Outcome} (base rate {Format.Percent(m.BaseRate)})"
                : $"{words.Title}: none ({t.Skipped})");
        }
        // Versions written before the refit reran the whole sweep: their line keeps saying so.
        string how = b.Method is null ? "a model trained the same way" : "the chosen candidate refitted";
        Paragraph($"{how} as of {DateOf(b.TrainedAsOf)}, scored as of {DateOf(b.ScoredAsOf)}: " + string.Join("; ", parts) + ".",
            "Out-of-time backtest:");
    }

    /// <summary>Beside the holdout: the same metrics for the model trained one horizon earlier and scored on later customers.</summary>
    private void BacktestSection(TaskMetadata task, TaskWords words)
    {
        if (metadata.Backtest is not { } b)
        {
            return;
        }
        Heading(3, "Out-of-time backtest", $"{words.Slug}-backtest");
        var t = b.For(task.Task);
        if (b.Skipped is not null || t?.OutOfTime is null)
        {
            Paragraph($"none: {b.Skipped ?? t?.Skipped ?? "this model was not part of the backtest"}.");
            return;
        }
        var m = t.OutOfTime;
        var h = task.Holdout;
        string trained = $"{DateOf(b.TrainedAsOf)} on {Format.Count(t.TrainedOn)} {words.Subjects} ({Format.Count(t.TrainedPositives)} {words.Outcome} in the {b.HorizonDays} days after)";
        string refit = b.Method is null
            ? $"The same training (candidates, selection, calibration) was run as of {trained}, chose {t.Trainer},"
            : $"This model's candidate was refitted as of {trained}: {t.Candidate ?? t.Trainer} with {t.Calibration ?? "its"} calibration, the same trainer, " +
              "hyperparameters and calibrator kind as the run chose (tuned and calibrated on the earlier data alone; no new selection sweep),";
        Paragraph($"Does a model trained one horizon ago predict what happened since? {refit} " +
            $"and scored every labelled {Singular(words.Subjects)} as of {DateOf(b.ScoredAsOf)} against the next {b.HorizonDays} days. " +
            "It saw nothing after its scoring date. Intervals are 95% (bootstrap for the AUCs, Wilson for precision).");
        foreach (var note in b.Notes)
        {
            Paragraph(note + ".", "Note:");
        }
        var i = t.Intervals;
        _blocks.Add(new TableBlock([new("Metric"), new("Holdout", true), new("Backtest", true), new("Backtest 95% interval", true)],
        [
            new(["Customers scored", Format.Count(h.Count), Format.Count(m.Count), ""]),
            new(["Base rate", Format.Percent(h.BaseRate), Format.Percent(m.BaseRate), ""]),
            new(["ROC AUC", Format.Ratio(h.Auc), Format.Ratio(m.Auc), RangeText(i?.Auc, ratio: true)]),
            new(["PR-AUC", Format.Ratio(h.PrAuc), Format.Ratio(m.PrAuc), RangeText(i?.PrAuc, ratio: true)]),
            new(["Precision, top 5%", Format.Percent(h.PrecisionAtTop5), Format.Percent(m.PrecisionAtTop5), RangeText(i?.PrecisionAtTop5, ratio: false)]),
            new(["Precision, top 10%", Format.Percent(h.PrecisionAtTop10), Format.Percent(m.PrecisionAtTop10), RangeText(i?.PrecisionAtTop10, ratio: false)]),
            new(["Recall, top 10%", Format.Percent(h.RecallAtTop10), Format.Percent(m.RecallAtTop10), ""]),
        ]));
        Paragraph(BacktestVerdict(h, t, words), "Reading:");
    }

    /// <summary>What the two columns say together, in words: chance, a holdout that flatters, or quality that holds over one horizon.</summary>
    private static string BacktestVerdict(ClassificationMetrics holdout, TaskBacktest t, TaskWords words)
    {
        var m = t.OutOfTime!;
        var auc = t.Intervals?.Auc;
        string inTime = t.InTimeAuc is { } own ? $" (its own holdout as of training: {Format.Ratio(own)})" : "";
        string oracle = t.OracleAuc is { } o ? $" The planted probabilities reach {Format.Ratio(o)} on the same {words.Subjects}." : "";
        if (auc is { } a && a.Low <= 0.5)
        {
            return $"the earlier model's ROC AUC interval reaches 0.5: a model trained one horizon ago did not rank later {words.Subjects} reliably better than chance{inTime}. " +
                $"Treat the holdout figure as optimistic until a later backtest says otherwise.{oracle}";
        }
        if (auc is { } r && holdout.Auc > r.High)
        {
            return $"the holdout's ROC AUC {Format.Ratio(holdout.Auc)} is above the backtest's interval: part of the holdout's quality does not carry over to a later period{inTime}; " +
                $"expect the live list to do about as well as the backtest.{oracle}";
        }
        return $"the holdout's ROC AUC {Format.Ratio(holdout.Auc)} is within or below the backtest's interval ({Format.Ratio(m.Auc)}{inTime}): the ranking held up over one horizon.{oracle}";
    }

    private static string DateOf(DateTime? date) => date is { } d ? Format.Date(d) : Format.Missing;

    private static string RangeText(BacktestIntervals.Range? range, bool ratio = true) => range is not { } r || !double.IsFinite(r.Low)
        ? Format.Missing
        : ratio ? $"{Format.Ratio(r.Low)} to {Format.Ratio(r.High)}" : $"{Format.Percent(r.Low)} to {Format.Percent(r.High)}";
}
