using System.Globalization;
using System.Text;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;

namespace JourneyML.Cli;

/// <summary>What a person (or a scheduled job's log) reads after a training run.</summary>
internal static class TrainingSummaryText
{
    /// <summary>The survival model's lines: what it was trained on, how it ranks and how it beats one Kaplan–Meier curve for everyone.</summary>
    private static void SurvivalLines(StringBuilder sb, ModelMetadata m)
    {
        if (m.Survival is not { } s)
        {
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        string from = s.DurationColumn is { } d
            ? $"the table's {d} and {s.EventColumn} columns"
            : $"{s.AsOfDates.Count} as-of dates {s.PeriodDays} days apart";
        sb.AppendLine(inv, $"  time to churn (survival curves to {s.PeriodDays * s.Periods} days): {s.Trainer} on {s.PersonPeriods:N0} person-periods from {from}; {s.TrainCustomers:N0} paying customers trained on, {s.HoldoutCustomers:N0} held out");
        sb.AppendLine(inv, $"    {s.Summary()}; skill against Kaplan–Meier {s.Holdout.BrierSkill:F2}");
        var calibration = s.Holdout.Calibration.Where(c => !double.IsNaN(c.Error.Value))
            .Select(c => c.Days.ToString(inv) + " days " + IntervalText.Ratio(c.Error.Value, c.Error.Interval));
        sb.AppendLine("    calibration (mean gap, predicted vs observed by decile): " + string.Join(", ", calibration));
    }

    /// <summary>Each intervention kind's measured effect with its interval, the naive comparison beside it, and the Qini of ranking by uplift against by risk.</summary>
    private static void InterventionLines(StringBuilder sb, ModelMetadata m)
    {
        if (m.Interventions is not { } iv)
        {
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"  interventions (effect on churn within {iv.HorizonDays} days when given at the as-of date; +0.050 = 5 fewer churners per 100):");
        foreach (var k in iv.Kinds)
        {
            var e = k.Effect;
            var design = e.Design == Core.Uplift.EffectDesign.RandomisedHoldout ? "randomised holdout" : "doubly robust";
            var effect = e.Effect is { } v ? string.Create(inv, $"{v:+0.000;-0.000} (95% {e.Interval!.Low:+0.000;-0.000} to {e.Interval.High:+0.000;-0.000})") : e.TooSmall;
            var qini = k.ByUplift is { } up && k.ByRisk is { } risk ? string.Create(inv, $"; Qini by uplift {up.Coefficient:+0.0000;-0.0000}, by risk {risk.Coefficient:+0.0000;-0.0000}") : "";
            sb.AppendLine(inv, $"    {k.Kind}: {design}, {e.Treated:N0} treated, {e.Comparison:N0} compared: {effect}; naive {(e.Naive is { } n ? n.ToString("+0.000;-0.000", inv) : "n/a")}{qini}");
        }
    }

    public static string Format(TrainingRunResult result)
    {
        var m = result.Metadata;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Model version {m.Version} ({m.Mode.Name()}{(m.AsOf is { } t ? $", as of {t:yyyy-MM-dd}, horizon {m.HorizonDays} days" : "")}) in {m.TrainingSeconds:F1} s");
        sb.AppendLine(inv, $"  {(m.Promotion?.Promoted == true ? "PROMOTED" : "NOT PROMOTED")}: {m.Promotion?.Reason}");
        sb.AppendLine(inv, $"  segments: {m.Segmentation.ChosenK} ({m.Segmentation.ChoiceReason})");
        foreach (var p in m.Segmentation.Profiles)
        {
            var rates = string.Join(", ", new[] { p.ChurnRate is { } c ? $"churn {c:0%}" : null, p.ConversionRate is { } v ? $"conversion {v:0%}" : null }.Where(x => x is not null));
            sb.AppendLine(inv, $"    {p.SegmentId,2} {p.Name,-45} {p.Size,8:N0} ({p.Share:0%}){(rates.Length > 0 ? "  " + rates : "")}{(p.IsNew ? "  NEW" : "")}");
        }
        if (m.Segmentation.VanishedSegments.Count > 0)
        {
            sb.AppendLine(inv, $"    vanished since the champion: {string.Join(", ", m.Segmentation.VanishedSegments)}");
        }
        SegmentColumns(sb, m);
        foreach (var line in m.NotTrained)
        {
            sb.AppendLine(inv, $"  {line}");
        }
        foreach (var task in new[] { m.Churn, m.Lead }.Concat(m.Withheld))
        {
            if (task is null)
            {
                continue;
            }
            var h = task.Holdout;
            var i = task.Intervals;
            string served = m.Withheld.Contains(task) ? "NOT SERVED (below the promotion floor): " : "";
            sb.AppendLine(inv, $"  {TaskNames.Display(task.Task, m.Mode)}: {served}{task.Trainer}; holdout ROC AUC {IntervalText.Ratio(h.Auc, i?.Auc)}" +
                $"{(task.OracleAuc is { } o ? $" (oracle {o:F3})" : "")}, PR-AUC {IntervalText.Ratio(h.PrAuc, i?.PrAuc)}, Brier {h.Brier:F3}{CalibrationText(task)}");
            sb.AppendLine(inv, $"    top 5%: precision {IntervalText.Share(h.PrecisionAtTop5, i?.Top5)}; top 10%: precision {IntervalText.Share(h.PrecisionAtTop10, i?.Top10)}, recall {h.RecallAtTop10:0%}");
            if (task.Floor is { } floor)
            {
                sb.AppendLine(inv, $"    promotion floor: {(floor.Passed ? "passed" : "FAILED")}: {floor.Reason}");
            }
            if (task.SelectionWithinNoise)
            {
                sb.AppendLine("    the choice between the best candidates is within cross-validation noise (see the report's Trainer section)");
            }
            sb.AppendLine(inv, $"    drivers: {string.Join(", ", task.Importance.Take(5).Select(d => d.Feature))}");
        }
        if (m.AtRisk is { } atRisk)
        {
            sb.AppendLine(inv, $"  At-risk: {atRisk.Describe()}");
        }
        SurvivalLines(sb, m);
        InterventionLines(sb, m);
        foreach (var warning in ModelWarnings.Of(m))
        {
            sb.AppendLine(inv, $"  WARNING: {warning}");
        }
        BacktestSummaryText.Append(sb, m);
        if (m.FeatureChoices is { } choices)
        {
            AppendCustomerColumns(sb, choices);
        }
        var flagged = m.Drift.Where(d => d.Flagged).ToList();
        sb.AppendLine(flagged.Count == 0
            ? (m.Drift.Count == 0 ? "  drift: no champion to compare with" : "  drift: no feature or score above PSI 0.2")
            : $"  DRIFT (PSI > 0.2): {string.Join(", ", flagged.Select(d => $"{d.Name} {d.Psi:F2}"))}");
        if (m.GroundTruth is { } g)
        {
            sb.AppendLine(inv, $"  against the planted truth: segments ARI {g.SegmentAdjustedRandIndex:F3}; churn AUC {g.ChurnModelAuc:F3} vs oracle {g.ChurnOracleAuc:F3}; lead AUC {g.LeadModelAuc:F3} vs oracle {g.LeadOracleAuc:F3}");
        }
        sb.AppendLine(inv, $"  outputs: {result.VersionDirectory} (metadata.json, report.md, report.html)");
        return sb.ToString().TrimEnd();
    }

    /// <summary>Success, or <see cref="ExitCodes.BelowFloor"/> when a model of the version fails the promotion floor (withheld or forced).</summary>
    public static int ExitCode(ModelMetadata metadata) => ModelWarnings.BelowFloor(metadata) ? ExitCodes.BelowFloor : ExitCodes.Success;

    /// <summary>The calibrator and the holdout's expected calibration error, flagged when above the aim.</summary>
    private static string CalibrationText(TaskMetadata task) => task.CalibrationChoice is not { } c ? "" : string.Create(CultureInfo.InvariantCulture,
        $"; calibration {c.Method}, ECE {c.HoldoutEce:F3}{EceQualifier(c)}");

    /// <summary>Whether an ECE above the aim is more than a holdout of that size gives by chance (older metadata: the aim alone).</summary>
    internal static string EceQualifier(CalibrationSummary c) => c.HoldoutEce < CalibrationSummary.EceAim ? ""
        : c.Uncertainty is not { } u ? string.Create(CultureInfo.InvariantCulture, $" (above the aim of {CalibrationSummary.EceAim:F2})")
        : string.Create(CultureInfo.InvariantCulture,
            $" (above the aim of {CalibrationSummary.EceAim:F2}, {(u.WithinChance ? "within" : "beyond")} what chance alone gives on {u.Customers:N0}: a perfectly calibrated model shows {u.Chance:F3}, up to {u.ChanceHigh:F3})");

    /// <summary>
    /// Which columns the segments were found on and which were left out, with why. A ready table lists every column; behaviour
    /// logs, whose segments always use the behaviour set, list that set and count the rest.
    /// </summary>
    private static void SegmentColumns(StringBuilder sb, ModelMetadata m)
    {
        var columns = m.Segmentation.Columns;
        if (columns.Count == 0)
        {
            return;
        }
        var used = columns.Where(c => c.Used).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture, $"    segmented on {used.Count} of {columns.Count} columns: {string.Join(", ", used.Select(c => c.Kind == "categorical" ? $"{c.Column} ({c.Reason})" : c.Column))}");
        foreach (var group in columns.Where(c => !c.Used).GroupBy(c => c.Reason, StringComparer.Ordinal))
        {
            sb.AppendLine(m.Mode == TrainingMode.BehaviourLogs
                ? string.Create(CultureInfo.InvariantCulture, $"    left out: {group.Count()} other columns ({group.Key})")
                : $"    left out ({group.Key}): {string.Join(", ", group.Select(c => c.Column))}");
        }
    }

    /// <summary>The customers table's columns the models use; every leak left out as a warning, the other left-out columns in one line.</summary>
    private static void AppendCustomerColumns(StringBuilder sb, FeatureChoices choices)
    {
        var inv = CultureInfo.InvariantCulture;
        if (choices.Attributes.Count > 0)
        {
            var outOf = choices.LeftOut.Where(l => l.Task is not null).ToLookup(l => l.Column, l => l.Task, StringComparer.Ordinal);
            sb.AppendLine(inv, $"  customer columns used: {string.Join(", ", choices.Attributes.Select(a => $"{a.Column} ({a.Kind}, {a.CustomersWithValue:N0} customers" +
                (outOf.Contains(a.Column) ? $"; not in the {string.Join(" or ", outOf[a.Column])} model)" : ")")))}");
        }
        foreach (var leak in choices.Warnings)
        {
            sb.AppendLine(inv, $"  WARNING: '{leak.Column}' left out of {(leak.Task is null ? "every model" : $"the {leak.Task} model")}: {leak.Reason}");
        }
        var other = choices.LeftOut.Where(l => !l.Leak).ToList();
        if (other.Count > 0)
        {
            sb.AppendLine(inv, $"  customer columns not used: {string.Join("; ", other.Select(l => $"{l.Column}: {l.Reason}"))}");
        }
    }
}
