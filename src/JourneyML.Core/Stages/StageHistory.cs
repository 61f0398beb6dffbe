using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Stages;

/// <summary>One stay in a stage: entered at, left at (null while the customer is still in it).</summary>
public sealed record StageStay(string Stage, DateTime EnteredAt, DateTime? LeftAt);

/// <summary>
/// Each customer's stage timeline rebuilt from the events: the stage model evaluated at a series of dates (weekly by
/// default), each with features from events strictly before that date (and the model's scores at that date when a
/// model is given), consecutive equal stages joined into stays. Journeys are not linear: backward moves, stalls and
/// loops stay in the timeline as they happened. Times are at the step's resolution.
/// </summary>
public static class StageHistory
{
    public static IReadOnlyDictionary<string, IReadOnlyList<StageStay>> Build(Dataset dataset, StageModel stages, DateTime from, DateTime to,
        int stepDays = 7, LoadedModels? models = null, CancellationToken cancellationToken = default)
    {
        if (stepDays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepDays), "the step must be at least one day");
        }
        if (to <= from)
        {
            throw new ArgumentException($"the window is empty ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})");
        }
        var timelines = new Dictionary<string, List<StageStay>>(StringComparer.Ordinal);
        for (var date = from; date <= to; date = date.AddDays(stepDays))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = date }, cancellationToken: cancellationToken);
            var assigned = Assign(table, stages, models);
            for (int r = 0; r < table.RowCount; r++)
            {
                var id = table.CustomerIds[r];
                if (!timelines.TryGetValue(id, out var stays))
                {
                    timelines[id] = stays = [];
                }
                if (stays.Count > 0 && stays[^1].Stage == assigned[r])
                {
                    continue;
                }
                if (stays.Count > 0)
                {
                    stays[^1] = stays[^1] with { LeftAt = date };
                }
                stays.Add(new StageStay(assigned[r], date, null));
            }
        }
        return timelines.ToDictionary(t => t.Key, t => (IReadOnlyList<StageStay>)t.Value, StringComparer.Ordinal);
    }

    /// <summary>The stage of every row of a feature table (scores from the models when given; unknown otherwise).</summary>
    public static string[] Assign(FeatureTable table, StageModel stages, LoadedModels? models)
    {
        int n = table.RowCount;
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, n)];
        var (churn, lead) = ScoresOf(table, models);
        return StageModel.AssignAll(stages, table, status, churn, lead);
    }

    /// <summary>Churn risk (customers) and lead score (leads) per row; NaN where a score does not apply or no model is given.</summary>
    public static (float[] ChurnRisk, float[] LeadScore) ScoresOf(FeatureTable table, LoadedModels? models)
    {
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, table.RowCount)];
        return (Scores(models?.Churn, table, status, CustomerStatus.Customer), Scores(models?.Lead, table, status, CustomerStatus.Lead));
    }

    private static float[] Scores(Prediction.BinaryModel? model, FeatureTable table, string[] status, string applies)
    {
        var scores = new float[table.RowCount];
        Array.Fill(scores, float.NaN);
        if (model is null)
        {
            return scores;
        }
        var rows = Enumerable.Range(0, table.RowCount).Where(r => status[r] == applies).ToArray();
        var predicted = model.Predict(table, rows);
        for (int i = 0; i < rows.Length; i++)
        {
            scores[rows[i]] = predicted[i];
        }
        return scores;
    }
}
