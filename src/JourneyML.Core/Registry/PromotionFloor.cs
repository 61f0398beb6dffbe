using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Registry;

/// <summary>Whether a model clears the promotion floor, and why (or why not) in one sentence.</summary>
public sealed record FloorCheck(bool Passed, string Reason, double AucLow, FeatureBaseline? Baseline)
{
    /// <summary>Holdout ROC AUC of the model minus its best single feature's; null without a baseline (and in versions written before it).</summary>
    public double? BaselineGap { get; init; }
    /// <summary>The gap's 95% interval by a paired bootstrap of the holdout (<see cref="HoldoutIntervals.AucDifference"/>).</summary>
    public Interval95? BaselineGapInterval { get; init; }
    /// <summary>
    /// True when the model passed but its lead over the best single feature is within noise (the gap's interval holds 0): it
    /// is served, and <see cref="Caveat"/> says in words that one column ranks about as well.
    /// </summary>
    public bool WithinNoiseOfBaseline { get; init; }
    /// <summary>"no better than logins_30d alone within noise: +0.02 [−0.03, 0.07]" when <see cref="WithinNoiseOfBaseline"/>; otherwise null.</summary>
    public string? Caveat { get; init; }
}

/// <summary>A model that fails the floor: <paramref name="Withheld"/> from its version (not served), or served because the operator forced it.</summary>
public sealed record FloorFailure(PredictionTask Task, string Reason, bool Withheld = true);

/// <summary>A trained model with its holdout intervals and its floor check.</summary>
public sealed record AssessedModel(ClassifierResult Result, HoldoutIntervals Intervals, string? HoldoutWarning, FloorCheck Floor);

/// <summary>
/// The promotion floor, below which a model is never promoted nor served without --force, whatever the champion. Two
/// tests, both on the holdout and both aware of its noise:
/// <list type="bullet">
/// <item>its holdout ROC AUC's 95% lower bound must be above 0.5, else the holdout cannot tell it from a coin toss;</item>
/// <item>it must not rank worse than its best single feature alone (<see cref="SingleFeatureBaseline"/>: chosen and
/// oriented on the training rows) beyond noise: the 95% interval of (model AUC − feature AUC), by a paired bootstrap of
/// the same holdout (whole accounts where accounts are shared), must not lie wholly below 0.</item>
/// </list>
/// Comparing point estimates instead withheld good models on noise: where one signal carries most of the label (days since
/// the last login, logins in 30 days) the model and that column differ by less than the holdout can resolve, and which is
/// ahead on one holdout is a coin toss (bench worlds' b2b-saas churn model, 0.754 against logins_30d's 0.774, a 240-row
/// lead table, a 20-positive account-grouped lead holdout). Requiring the model to win beyond noise would be the same
/// mistake the other way. So a model within noise of one column is served, and every output says so in words
/// (<see cref="FloorCheck.Caveat"/>): the CS lead then knows that a sorted column would rank about as well.
/// </summary>
public static class PromotionFloor
{
    public const double Chance = 0.5;

    /// <param name="phases">Where the time goes (the run's log); null: not measured.</param>
    public static AssessedModel Assess(FeatureTable table, ClassifierResult result, PhaseTimings? phases = null)
    {
        phases ??= new PhaseTimings();
        var labels = table.Labels[result.Model.Info.Label];
        var truth = result.HoldoutRows.Select(r => labels[r]).ToArray();
        var accounts = table.AccountIds is { } ids ? result.HoldoutRows.Select(r => ids[r]).ToArray() : null;
        var baseline = phases.Measure("single-feature baseline", () =>
            SingleFeatureBaseline.Scored(table, result.Model.Vectorizer.Features, labels, result.TrainRows, result.HoldoutRows));
        // One pass over the holdout's resamples (the ECE's interval is drawn on the same ones, ClassifierTraining): the gap
        // is measured on exactly the holdouts the AUC's interval was.
        var (intervals, gap) = phases.Measure("holdout bootstrap", () => HoldoutIntervals.WithBaseline(result.HoldoutPredictions,
            baseline?.HoldoutScores ?? [], truth, HoldoutIntervals.DefaultResamples, HoldoutIntervals.BootstrapSeed, accounts));
        return new AssessedModel(result, intervals, HoldoutIntervals.TooSmall(result.Holdout, intervals),
            Check(result.Holdout.Auc, intervals.Auc, baseline?.Baseline, gap));
    }

    /// <param name="gap">95% interval of (model AUC − baseline AUC) on the holdout; null without a baseline.</param>
    public static FloorCheck Check(double auc, Interval95 interval, FeatureBaseline? baseline, Interval95? gap)
    {
        var inv = CultureInfo.InvariantCulture;
        string measured = string.Create(inv, $"holdout ROC AUC {auc:F3} (95% CI {interval.Low:F2}–{interval.High:F2})");
        double? point = baseline is { } pb ? auc - pb.HoldoutAuc : null;
        if (double.IsNaN(interval.Low) || interval.Low <= Chance)
        {
            return new FloorCheck(false, string.Create(inv,
                $"{measured}: the interval's lower bound is at or below {Chance:F1}, so the holdout cannot tell this model from a coin toss"), interval.Low, baseline)
            { BaselineGap = point, BaselineGapInterval = gap };
        }
        if (baseline is not { } b)
        {
            return new FloorCheck(true, $"{measured} is above chance", interval.Low, null);
        }
        string alone = string.Create(inv, $"{b.Feature} alone ({b.Direction}: holdout ROC AUC {b.HoldoutAuc:F3}, fitted on the training rows)");
        string gapText = GapText(point!.Value, gap);
        if (gap is { } below && below.High < 0)
        {
            return new FloorCheck(false, $"{measured} is worse than {alone} beyond noise: model − feature {gapText}", interval.Low, baseline)
            { BaselineGap = point, BaselineGapInterval = gap };
        }
        if (gap is { } g && g.Low > 0)
        {
            return new FloorCheck(true, $"{measured} is above chance and above the best single feature, {alone}, beyond noise: {gapText}", interval.Low, baseline)
            { BaselineGap = point, BaselineGapInterval = gap };
        }
        // Within noise (the gap's interval holds 0, or there is none): served, with the caveat in words.
        string caveat = $"no better than {b.Feature} alone within noise: {gapText}";
        string reaches = string.Create(inv, $"{b.Feature} alone ({b.Direction}, fitted on the training rows) reaches holdout ROC AUC {b.HoldoutAuc:F3}");
        return new FloorCheck(true, $"{measured} is above chance, but {caveat}; {reaches}", interval.Low, baseline)
        { BaselineGap = point, BaselineGapInterval = gap, WithinNoiseOfBaseline = true, Caveat = caveat };
    }

    /// <summary>"+0.02 [−0.03, 0.07]": the model's lead over the feature in ROC AUC with its 95% interval.</summary>
    private static string GapText(double point, Interval95? gap) =>
        Signed(point, plus: true) + (gap is { } g && !double.IsNaN(g.Low) ? $" [{Signed(g.Low, plus: false)}, {Signed(g.High, plus: false)}]" : "");

    private static string Signed(double value, bool plus)
    {
        string magnitude = Math.Abs(value).ToString("F2", CultureInfo.InvariantCulture);
        return Math.Round(value, 2) < 0 ? "−" + magnitude : (plus ? "+" : "") + magnitude;
    }
}

/// <summary>The warnings every output of a model version repeats (CLI summary, report, metadata readers, the API).</summary>
public static class ModelWarnings
{
    public static IReadOnlyList<string> Of(ModelMetadata m)
    {
        var warnings = new List<string>();
        foreach (var task in m.Withheld)
        {
            warnings.Add($"the {TaskNames.Display(task.Task, m.Mode)} model is not served: it fails the promotion floor: {task.Floor?.Reason}");
        }
        foreach (var task in new[] { m.Churn, m.Lead })
        {
            if (task?.Floor is { Passed: false } floor)
            {
                warnings.Add($"the {TaskNames.Display(task.Task, m.Mode)} model fails the promotion floor and is served only because it was forced (--force): {floor.Reason}");
            }
        }
        foreach (var task in new[] { m.Churn, m.Lead }.Concat(m.Withheld))
        {
            if (task?.HoldoutWarning is { } small)
            {
                warnings.Add($"{TaskNames.Display(task.Task, m.Mode)} model: {small}");
            }
        }
        return warnings;
    }

    /// <summary>Whether a model of this version fails the floor (withheld, or forced through): the CLI's exit code says so.</summary>
    public static bool BelowFloor(ModelMetadata m) => m.Withheld.Count > 0 || new[] { m.Churn, m.Lead }.Any(t => t?.Floor is { Passed: false });
}
