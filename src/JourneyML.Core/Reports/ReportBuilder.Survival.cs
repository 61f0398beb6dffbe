using JourneyML.Core.Survival;

namespace JourneyML.Core.Reports;

/// <summary>The report's "Time to churn" section: the survival model, its metrics with intervals, and calibration by decile.</summary>
internal sealed partial class ReportBuilder
{
    private void TimeToChurn()
    {
        if (metadata.Survival is not { } s)
        {
            return;
        }
        var m = s.Holdout;
        Heading(2, "Time to churn", "survival");
        Paragraph("for every paying customer, the probability of still paying 30, 60, 90 and 180 days after the as-of date (a survival curve) and the " +
            "median time to churn. A discrete-time hazard model: the chance of churning in each 30-day period, having paid at its start, learnt from " +
            (s.DurationColumn is { } d ? $"the table's {d} and {s.EventColumn} columns" : $"{s.AsOfDates.Count} as-of dates {s.PeriodDays} days apart ({string.Join(", ", s.AsOfDates.Select(Format.Date))})") +
            "; customers still paying when the data ends are censored (counted for the periods seen, never as survivors beyond them).", "What it is:");
        _blocks.Add(new FactsBlock(
        [
            new("Trainer", s.Trainer + (s.Hyperparameters.Count > 0 ? " (" + string.Join(", ", s.Hyperparameters.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key} {Format.Number(h.Value, 3)}")) + ")" : "")),
            new("Chosen", s.SelectionReason),
            new("Rows", $"{Format.Count(s.PersonPeriods)} person-periods; {Format.Count(s.TrainCustomers)} paying customers (at their as-of dates) trained on, {Format.Count(s.HoldoutCustomers)} held out (whole accounts)"),
            .. s.Sample is { Samples: true } sample
                ? [new Fact("Sampled", $"fitted on {Format.Count(s.FittedPersonPeriods ?? 0)} of the training person-periods: {Format.Percent(sample.EventShare)} of the periods a customer churned in and {Format.Percent(sample.NonEventShare)} of the others (case-control), the hazards corrected by the log of their ratio so the curves stay calibrated")]
                : Array.Empty<Fact>(),
            new("Holdout", $"{Format.Count(m.Customers)} customers, {Format.Count(m.Churned)} churned; measured to {m.HorizonDays} days"),
            new("Trained in", Format.Seconds(s.Seconds)),
        ]));
        _blocks.Add(new TableBlock([new("Metric"), new("Holdout", true), new("95% interval", true), new("Reads")],
        [
            new(["Harrell's C", Format.Ratio(m.HarrellC.Value), Range(m.HarrellC), "of two customers, the one who churned first had the higher risk (0.5 = chance)"]),
            new(["Uno's C", Format.Ratio(m.UnoC.Value), Range(m.UnoC), "the same, weighted for censoring (1/G(t)²)"]),
            new(["Integrated Brier score", Format.Ratio(m.IntegratedBrier.Value), Range(m.IntegratedBrier), "squared error of the curves, 30 to " + m.HorizonDays + " days (lower is better)"]),
            new(["Kaplan–Meier baseline", Format.Ratio(m.KaplanMeierBrier.Value), Range(m.KaplanMeierBrier), "the same for one curve for everyone"]),
            new(["Skill", Format.Number(m.BrierSkill, 2), "", "1 - model / baseline: the share of the baseline's error the curves remove"]),
        ]));
        if (m.IntegratedBrier.Interval.High >= m.KaplanMeierBrier.Value)
        {
            Paragraph("the integrated Brier score's interval reaches the Kaplan–Meier baseline: on this holdout the curves are not clearly better than one curve for everyone.", "Warning:");
        }
        foreach (var c in m.Calibration.Where(c => c.Deciles.Count > 0))
        {
            Heading(3, $"Calibration at {c.Days} days", $"survival-calibration-{c.Days}");
            Paragraph($"mean gap {Format.Ratio(c.Error.Value)} (95% {Range(c.Error)}) between the predicted risk of churning within {c.Days} days and the Kaplan–Meier observed one, by decile of predicted risk.", "Calibration:");
            _blocks.Add(new TableBlock([new("Decile"), new("Customers", true), new("Predicted", true), new("Observed", true)],
                [.. c.Deciles.Select(d => new TableRow([d.Decile.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Count(d.Customers), Format.Percent(d.Predicted), Format.Percent(d.Observed)]))]));
        }
    }

    private static string Range(SurvivalMetric metric) =>
        double.IsNaN(metric.Interval.Low) ? Format.Missing : $"{Format.Ratio(metric.Interval.Low)}–{Format.Ratio(metric.Interval.High)}";
}
