using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Registry;

/// <summary>Whether a model clears the promotion floor, and why (or why not) in one sentence.</summary>
public sealed record FloorCheck(bool Passed, string Reason, double AucLow, FeatureBaseline? Baseline);

/// <summary>A model that fails the floor: <paramref name="Withheld"/> from its version (not served), or served because the operator forced it.</summary>
public sealed record FloorFailure(PredictionTask Task, string Reason, bool Withheld = true);

/// <summary>A trained model with its holdout intervals and its floor check.</summary>
public sealed record AssessedModel(ClassifierResult Result, HoldoutIntervals Intervals, string? HoldoutWarning, FloorCheck Floor);

/// <summary>
/// The promotion floor, below which a model is never promoted nor served without --force, whatever the champion: its
/// holdout ROC AUC's 95% lower bound must be above 0.5 (else the holdout cannot tell it from a coin toss), and its holdout
/// ROC AUC must be above the best single feature's (<see cref="SingleFeatureBaseline"/>), else a sorted column would do
/// as well. The second test compares point estimates on the same holdout: the model must simply not lose to one of its
/// own inputs. Requiring it to win beyond noise would keep out a good model wherever one signal carries most of the
/// label (days since the last login, often), and the first test already guards against noise.
/// </summary>
public static class PromotionFloor
{
    public const double Chance = 0.5;

    public static AssessedModel Assess(FeatureTable table, ClassifierResult result)
    {
        var labels = table.Labels[result.Model.Info.Label];
        var truth = result.HoldoutRows.Select(r => labels[r]).ToArray();
        // Fewer resamples on a large holdout: its interval is narrow and each resample costs two sorts of the holdout.
        int resamples = Math.Clamp(4_000_000 / Math.Max(1, truth.Length), 200, HoldoutIntervals.DefaultResamples);
        var accounts = table.AccountIds is { } ids ? result.HoldoutRows.Select(r => ids[r]).ToArray() : null;
        var intervals = HoldoutIntervals.Compute(result.HoldoutPredictions, truth, resamples, seed: 1, accounts);
        var baseline = SingleFeatureBaseline.Best(table, result.Model.Vectorizer.Features, labels, result.TrainRows, result.HoldoutRows);
        return new AssessedModel(result, intervals, HoldoutIntervals.TooSmall(result.Holdout, intervals), Check(result.Holdout.Auc, intervals.Auc, baseline));
    }

    public static FloorCheck Check(double auc, Interval95 interval, FeatureBaseline? baseline)
    {
        var inv = CultureInfo.InvariantCulture;
        string measured = string.Create(inv, $"holdout ROC AUC {auc:F3} (95% CI {interval.Low:F2}–{interval.High:F2})");
        if (double.IsNaN(interval.Low) || interval.Low <= Chance)
        {
            return new FloorCheck(false, string.Create(inv,
                $"{measured}: the interval's lower bound is at or below {Chance:F1}, so the holdout cannot tell this model from a coin toss"), interval.Low, baseline);
        }
        if (baseline is { } b && !(auc > b.HoldoutAuc))
        {
            return new FloorCheck(false, string.Create(inv,
                $"{measured} is no better than {b.Feature} alone ({b.Direction}: holdout ROC AUC {b.HoldoutAuc:F3}, fitted on the training rows)"), interval.Low, baseline);
        }
        string against = baseline is { } best ? string.Create(inv, $" and above the best single feature, {best.Feature} alone ({best.HoldoutAuc:F3})") : "";
        return new FloorCheck(true, $"{measured} is above chance{against}", interval.Low, baseline);
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
