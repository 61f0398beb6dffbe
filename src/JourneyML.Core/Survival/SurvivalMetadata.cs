namespace JourneyML.Core.Survival;

/// <summary>
/// The survival model of a version as <c>metadata.json</c> records it (<c>survival</c>): how it was trained and chosen,
/// on what, and its holdout metrics with their intervals. The report's "Time to churn" section is written from this alone.
/// </summary>
/// <param name="Trainer">The chosen hazard candidate's trainer, as fitted (rounds or penalty settled).</param>
/// <param name="AsOfDates">The as-of dates whose person-periods it learnt from (none for a ready table).</param>
/// <param name="KaplanMeier">The training customers' Kaplan–Meier survival at 30, 60, ..., 180 days: the baseline.</param>
public sealed record SurvivalMetadata(
    string Trainer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    string SelectionReason,
    IReadOnlyList<HazardCandidate> Candidates,
    IReadOnlyList<DateTime> AsOfDates,
    int PeriodDays,
    int Periods,
    int PersonPeriods,
    int TrainCustomers,
    int HoldoutCustomers,
    SurvivalMetrics Holdout,
    IReadOnlyList<double> KaplanMeier,
    double Seconds)
{
    /// <summary>For a ready table (mode B): the duration and event columns it learnt from.</summary>
    public string? DurationColumn { get; init; }
    public string? EventColumn { get; init; }
    /// <summary>The person-periods the fit saw: all, or a case-control sample (shares of the event and other periods kept); null in versions before it.</summary>
    public PeriodSample? Sample { get; init; }
    public int? FittedPersonPeriods { get; init; }

    public static SurvivalMetadata From(SurvivalResult r)
    {
        var spec = r.Model.Model.Info.Spec;
        return new SurvivalMetadata(spec.Trainer, spec.Hyperparameters, r.SelectionReason, r.Candidates, r.AsOfDates, SurvivalCurve.PeriodDays,
            SurvivalCurve.Periods, r.PersonPeriods, r.TrainCustomers, r.HoldoutCustomers, r.Holdout, r.KaplanMeier, r.Seconds)
        {
            Sample = r.Sample,
            FittedPersonPeriods = r.FittedPersonPeriods,
        };
    }

    /// <summary>"Harrell's C 0.76 (95% CI 0.70–0.81), integrated Brier score 0.118 against Kaplan–Meier's 0.155": the line a summary prints.</summary>
    public string Summary()
    {
        var m = Holdout;
        return $"Harrell's C {Prediction.IntervalText.Ratio(m.HarrellC.Value, m.HarrellC.Interval)}, Uno's C {Prediction.IntervalText.Ratio(m.UnoC.Value, m.UnoC.Interval)}, " +
            $"integrated Brier score {Prediction.IntervalText.Ratio(m.IntegratedBrier.Value, m.IntegratedBrier.Interval)} against Kaplan–Meier's " +
            $"{m.KaplanMeierBrier.Value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} (to {m.HorizonDays} days, {m.Customers:N0} held-out customers at their as-of dates)";
    }
}
