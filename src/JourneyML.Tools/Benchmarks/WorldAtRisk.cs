using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;

namespace JourneyML.Tools.Benchmarks;

/// <summary>A list's size, and its precision and recall against the planted truth, with Wilson intervals.</summary>
/// <param name="Customers">Paying customers the list is drawn from.</param>
/// <param name="Listed">Customers on the list (stage At-risk).</param>
/// <param name="ListedChurners">Of those, how many churned within the horizon in the planted truth.</param>
/// <param name="Churners">Paying customers who churned within the horizon in the planted truth.</param>
internal sealed record AtRiskCount(int Customers, int Listed, int ListedChurners, int Churners)
{
    public double BaseRate => Customers == 0 ? double.NaN : (double)Churners / Customers;
    public CountedShare Precision => new(ListedChurners, Listed, HoldoutIntervals.Wilson(ListedChurners, Listed));
    public CountedShare Recall => new(ListedChurners, Churners, HoldoutIntervals.Wilson(ListedChurners, Churners));

    public string Describe() =>
        $"{Listed:N0} of {Customers:N0} paying customers listed ({(Customers == 0 ? 0 : (double)Listed / Customers):0.0%}); " +
        $"precision {IntervalText.Share(Precision.Share, Precision)}, recall {IntervalText.Share(Recall.Share, Recall)}; base rate {BaseRate:0.0%}";
}

/// <summary>
/// The At-risk list at the as-of date, as a CS lead would have received it: every paying customer scored with the served
/// churn model on features as of the world's reference as-of date, the stage rules applied (stage At-risk), and the list
/// held against the planted truth (ground_truth.csv <c>churned_in_horizon</c>: churned within the horizon after that date).
/// Two readings: the whole list (what CS works; most of its customers were training rows, so its precision flatters the
/// model), and the holdout's part of it, out of sample, which the check reads.
/// </summary>
internal sealed record AtRiskList(string Rule, double Threshold, AtRiskCount All, AtRiskCount Holdout)
{
    public const string Stage = "At-risk";

    /// <returns>Null when the world has no served churn model or no planted churn outcome.</returns>
    public static AtRiskList? Measure(string data, string registry, TrainingRunResult training)
    {
        var models = new ModelRegistry(registry).LoadChampion();
        var truth = ChurnedInHorizon(data);
        if (models?.Churn is null || training.Churn is null || truth.Count == 0 || models.Metadata.AtRisk is not { } cut)
        {
            return null;
        }
        var table = training.Table;
        var stages = StageModel.ForRegistry(registry, new StageSignals([.. table.Columns.Select(c => c.Name)]).WithModel(models.Metadata));
        var scored = Scorer.Score(table, models, 0, ScoringPath.Batch, stages);
        var paying = Enumerable.Range(0, table.RowCount)
            .Where(r => scored.Status[r] == CustomerStatus.Customer && truth.ContainsKey(table.CustomerIds[r])).ToArray();
        var held = training.Churn.HoldoutRows.ToHashSet();
        AtRiskCount Count(IEnumerable<int> rows)
        {
            var list = rows.ToArray();
            bool Churned(int r) => truth[table.CustomerIds[r]];
            bool Listed(int r) => scored.Stages[r] == Stage;
            return new AtRiskCount(list.Length, list.Count(Listed), list.Count(r => Listed(r) && Churned(r)), list.Count(Churned));
        }
        return new AtRiskList(cut.Rule, cut.Threshold, Count(paying), Count(paying.Where(held.Contains)));
    }

    public IEnumerable<string> Lines()
    {
        yield return FormattableString.Invariant($"  At-risk list at the as-of date (churn risk >= {Threshold:F3}, {Rule}), against the planted truth:");
        yield return $"    every paying customer: {All.Describe()} (mostly training customers: flatters the model)";
        yield return $"    holdout customers only: {Holdout.Describe()}";
    }

    /// <summary>
    /// The list is worth working when its holdout precision is above the base rate beyond noise: the Wilson interval's lower
    /// bound above the share of paying customers who churn (a list drawn at random would have that precision).
    /// </summary>
    public WorldCheck Check()
    {
        var p = Holdout.Precision;
        bool passed = Holdout.Listed > 0 && p.Interval.Low > Holdout.BaseRate;
        string detail = Holdout.Listed == 0
            ? $"nobody on the holdout is At-risk ({Holdout.Customers:N0} paying customers, base rate {Holdout.BaseRate:0.0%})"
            : $"holdout precision {IntervalText.Share(p.Share, p)} against a base rate of {Holdout.BaseRate:0.0%}; recall {IntervalText.Share(Holdout.Recall.Share, Holdout.Recall)}";
        return new WorldCheck("the At-risk list's precision is above the base rate beyond noise", passed, detail);
    }

    /// <summary>ground_truth.csv's <c>churned_in_horizon</c> by customer id, for the customers it states it of.</summary>
    private static Dictionary<string, bool> ChurnedInHorizon(string data)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        var path = new[] { "ground_truth.parquet", "ground_truth.csv" }.Select(f => Path.Combine(data, f)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return result;
        }
        using var reader = TableReader.Open(path);
        foreach (var chunk in reader.ReadAll(["customer_id", "churned_in_horizon"]))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                if (chunk.GetString(0, i) is { } id && chunk.TryGetOptionalDouble(1, i, out var churned) && !double.IsNaN(churned))
                {
                    result[id] = churned > 0.5;
                }
            }
        }
        return result;
    }
}
