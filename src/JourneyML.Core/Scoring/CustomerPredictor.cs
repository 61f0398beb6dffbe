using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Scoring;

/// <summary>One customer's live prediction: segment, stage, calibrated churn risk or lead score, the top factors in words.</summary>
public sealed record CustomerPrediction(
    string CustomerId,
    string? AccountId,
    string Status,
    int SegmentId,
    string SegmentName,
    string Stage,
    float? ChurnRisk,
    float? LeadScore,
    IReadOnlyList<Factor> Factors,
    string ModelVersion);

/// <summary>
/// Live predictions with one loaded model version: the serving side of <see cref="ScoringRun"/>, with the same
/// numbers, through pooled prediction engines so that one customer costs microseconds. Immutable and thread-safe:
/// a request holds one predictor from start to end, so a promotion never mixes two versions in one answer.
/// </summary>
public sealed class CustomerPredictor
{
    public CustomerPredictor(LoadedModels models, StageModel? stages = null)
    {
        Models = models;
        Stages = stages ?? StageModel.Default([.. models.Metadata.Features.Select(f => f.Name)]);
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
    public CustomerPrediction[] Predict(FeatureTable table, int topFactors = 3)
    {
        int n = table.RowCount;
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, n)];
        var segments = Models.Segmentation.Assign(table);
        var churn = NaNs(n);
        var lead = NaNs(n);
        var factors = new IReadOnlyList<Factor>[n];
        Array.Fill(factors, []);
        Score(Models.Churn, table, status, CustomerStatus.Customer, churn, factors, topFactors);
        Score(Models.Lead, table, status, CustomerStatus.Lead, lead, factors, topFactors);
        var stages = StageModel.AssignAll(Stages, table, status, churn, lead);
        var result = new CustomerPrediction[n];
        for (int r = 0; r < n; r++)
        {
            result[r] = new CustomerPrediction(table.CustomerIds[r], table.AccountIds?[r], status[r], segments[r], SegmentName(segments[r]), stages[r],
                float.IsNaN(churn[r]) ? null : churn[r], float.IsNaN(lead[r]) ? null : lead[r], factors[r], ModelVersion);
        }
        return result;
    }

    /// <summary>Builds the prediction engines and runs every code path once, so the first request is not the slow one.</summary>
    public void WarmUp()
    {
        var rows = new FeatureTable(["warm-up-customer", "warm-up-lead"], [.. Schema.Select(f => FeatureRows.IsCategorical(f)
            ? FeatureColumn.Categorical(f.Name, f.Description, new string?[2])
            : FeatureColumn.Numeric(f.Name, f.Description, [float.NaN, float.NaN]))])
        {
            Status = [CustomerStatus.Customer, CustomerStatus.Lead],
        };
        Predict(rows);
    }

    private static void Score(BinaryModel? model, FeatureTable table, string[] status, string applies, float[] scores,
        IReadOnlyList<Factor>[] factors, int top)
    {
        if (model is null)
        {
            return;
        }
        var rows = Enumerable.Range(0, table.RowCount).Where(r => status[r] == applies).ToArray();
        if (rows.Length == 0)
        {
            return;
        }
        // A batch call's rows in parallel blocks; one customer stays on the calling thread.
        const int block = 512;
        var blocks = Enumerable.Range(0, (rows.Length + block - 1) / block);
        Parallel.ForEach(blocks, new ParallelOptions { MaxDegreeOfParallelism = rows.Length > block ? Environment.ProcessorCount : 1 }, b =>
        {
            var slice = rows[(b * block)..Math.Min(rows.Length, (b + 1) * block)];
            var (probabilities, contributions) = model.PredictRows(table, slice);
            for (int i = 0; i < slice.Length; i++)
            {
                int r = slice[i];
                scores[r] = probabilities[i];
                var raising = FactorText.Top(table, r, model.Vectorizer.Features, contributions[i], top);
                factors[r] = raising.Count > 0 ? raising : FactorText.Top(table, r, model.Vectorizer.Features, contributions[i], top, raising: false);
            }
        });
    }

    private static float[] NaNs(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
