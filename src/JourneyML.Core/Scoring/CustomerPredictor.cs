using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;
using JourneyML.Core.Survival;

namespace JourneyML.Core.Scoring;

/// <summary>One customer's live prediction: segment, stage, calibrated churn risk or lead score, the top factors in words.</summary>
public sealed record CustomerPrediction(
    string CustomerId,
    string? AccountId,
    CustomerStatus Status,
    int SegmentId,
    string SegmentName,
    string Stage,
    float? ChurnRisk,
    float? LeadScore,
    IReadOnlyList<Factor> Factors,
    string ModelVersion)
{
    /// <summary>A paying customer's survival curve from the features' as-of date, when the version has a survival model; null otherwise.</summary>
    public SurvivalCurve? TimeToChurn { get; init; }
}

/// <summary>
/// Live predictions with one loaded model version: the serving side of batch scoring, through the same
/// <see cref="Scorer"/> on its live path (pooled prediction engines) so that one customer costs microseconds. Immutable and thread-safe:
/// a request holds one predictor from start to end, so a promotion never mixes two versions in one answer.
/// </summary>
public sealed class CustomerPredictor
{
    public CustomerPredictor(LoadedModels models, StageModel? stages = null)
    {
        Models = models;
        Stages = stages ?? StageModel.Default(new StageSignals([.. models.Metadata.Features.Select(f => f.Name)]).WithModel(models.Metadata));
        var names = models.Segmentation.SegmentIds.Zip(models.Segmentation.SegmentNames);
        _segmentNames = names.ToDictionary(x => x.First, x => x.Second);
    }

    private readonly Dictionary<int, string> _segmentNames;

    public LoadedModels Models { get; }
    public StageModel Stages { get; }
    public string ModelVersion => Models.Metadata.Version;
    /// <summary>The features the champion was trained on, with their kinds: what a ready feature row may hold.</summary>
    public IReadOnlyList<FeatureSchemaEntry> Schema => Models.Metadata.Features;

    public string SegmentName(int segment) => _segmentNames.GetValueOrDefault(segment, $"segment {segment}");

    /// <summary>Predicts every row of a (small) feature table. Rows without a status count as customers.</summary>
    /// <param name="current">
    /// Each row's stage and days in it as the latest snapshot knows them (<see cref="SnapshotView.PositionOf"/>), so the
    /// stage's exit conditions hold the customer as the timelines do; null (or a null entry: a what-if, an unknown
    /// customer) gives the entry rules' stage on the features alone.
    /// </param>
    public CustomerPrediction[] Predict(FeatureTable table, int topFactors = 3, IReadOnlyList<StagePosition?>? current = null)
    {
        var scored = Scorer.Score(table, Models, topFactors, ScoringPath.Live, Stages, current);
        var result = new CustomerPrediction[table.RowCount];
        var curves = Curves(table, scored.Status);
        for (int r = 0; r < result.Length; r++)
        {
            result[r] = new CustomerPrediction(table.CustomerIds[r], table.AccountIds?[r], scored.Status[r], scored.Segments[r], SegmentName(scored.Segments[r]),
                scored.Stages[r], float.IsNaN(scored.ChurnRisk[r]) ? null : scored.ChurnRisk[r], float.IsNaN(scored.LeadScore[r]) ? null : scored.LeadScore[r],
                scored.Factors[r], ModelVersion)
            {
                TimeToChurn = curves?[r],
            };
        }
        return result;
    }

    /// <summary>
    /// The paying rows' survival curves (other rows null); null without a survival model. A tree hazard walks one vector per
    /// customer and period, microseconds a customer, so live answers carry the curve; its factors stay with the snapshot.
    /// </summary>
    private SurvivalCurve?[]? Curves(FeatureTable table, CustomerStatus[] status)
    {
        if (Models.Survival is not { } survival)
        {
            return null;
        }
        var paying = Enumerable.Range(0, table.RowCount).Where(r => status[r] == CustomerStatus.Customer).ToArray();
        var curves = new SurvivalCurve?[table.RowCount];
        if (paying.Length > 0)
        {
            var scored = survival.Curves(table, paying);
            for (int i = 0; i < paying.Length; i++)
            {
                curves[paying[i]] = scored[i];
            }
        }
        return curves;
    }

    /// <summary>Builds the prediction engines and runs every code path once, so the first request is not the slow one.</summary>
    public void WarmUp()
    {
        var rows = new FeatureTable(["warm-up-customer", "warm-up-lead"], [.. Schema.Select(FeatureColumn (f) => FeatureRows.IsCategorical(f)
            ? FeatureColumn.Categorical(f.Name, f.Description, new string?[2])
            : FeatureColumn.Numeric(f.Name, f.Description, [float.NaN, float.NaN]))])
        {
            Status = [CustomerStatus.Customer, CustomerStatus.Lead],
        };
        Predict(rows);
    }
}
