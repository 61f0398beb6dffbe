using JourneyML.Core.Prediction;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Scoring;

/// <summary>A feature table scored into a snapshot: the factors in words, as the snapshot and the ranked list show them.</summary>
public static class BatchScoring
{
    /// <summary>Scores a feature table with loaded models (no files written): the core of batch scoring and of the API's batch call.</summary>
    /// <param name="passThrough">The customers' own columns (email, name, owner...) for the exports, aligned to the table's rows.</param>
    /// <param name="stagesNow">Each customer's stage from their stage timeline (<see cref="StageNow.Canonical"/>), which wins over the entry rules on the as-of date; a customer not in it keeps the entry rules' stage.</param>
    public static Snapshot Score(FeatureTable table, LoadedModels models, int topFactors, StageModel? stages = null, IReadOnlyList<PassThroughValues>? passThrough = null,
        IReadOnlyDictionary<string, StagePosition>? stagesNow = null)
    {
        int n = table.RowCount;
        var scored = Scorer.Score(table, models, topFactors, ScoringPath.Batch, stages);
        var stage = scored.Stages;
        var stageDays = Filled(n);
        if (stagesNow is not null)
        {
            stage = [.. stage];
            for (int r = 0; r < n; r++)
            {
                if (stagesNow.TryGetValue(table.CustomerIds[r], out var now))
                {
                    stage[r] = now.Stage;
                    stageDays[r] = (float)now.DaysIn;
                }
            }
        }
        var names = models.Segmentation.SegmentIds.Zip(models.Segmentation.SegmentNames).ToDictionary(x => x.First, x => x.Second);
        var namesJapanese = models.Segmentation.SegmentIds.Select((id, c) => (id, Name: models.Segmentation.SegmentNameIn(c, japanese: true))).ToDictionary(x => x.id, x => x.Name);
        var factors = new string[n];
        var japanese = new string[n];
        for (int r = 0; r < n; r++)
        {
            factors[r] = FactorWords(scored, r);
            japanese[r] = FactorWords(scored, r, ReasonLanguage.Japanese);
        }
        return new Snapshot
        {
            AsOf = table.AsOf ?? DateTime.UtcNow.Date,
            Stage = stage,
            StageDays = stageDays,
            ModelVersion = models.Metadata.Version,
            CustomerIds = table.CustomerIds,
            AccountIds = table.AccountIds ?? new string?[n],
            Status = scored.Status,
            SegmentIds = scored.Segments,
            SegmentNames = [.. scored.Segments.Select(s => names.GetValueOrDefault(s, $"segment {s}"))],
            // A model trained before the Japanese names gives its English ones here; a segment it does not know reads セグメント 3.
            SegmentNamesJapanese = [.. scored.Segments.Select(s => namesJapanese.GetValueOrDefault(s, $"セグメント {s}"))],
            ChurnRisk = scored.ChurnRisk,
            LeadScore = scored.LeadScore,
            Factors = factors,
            FactorsJapanese = japanese,
            Change = Filled(n),
            ChangeReason = [.. Enumerable.Repeat("", n)],
            ChangeReasonJapanese = [.. Enumerable.Repeat("", n)],
            FeatureValues = table.Columns.OfType<NumericColumn>().ToDictionary(c => c.Name, c => c.Values),
            Roles = table.CategoriesOrNull(FeatureNames.Role),
            CategoryValues = table.Columns.OfType<CategoricalColumn>().Where(c => c.Name != FeatureNames.Role).ToDictionary(c => c.Name, c => c.Values, StringComparer.Ordinal),
            PassThrough = passThrough ?? [],
            TimeToChurn = scored.TimeToChurn,
            Uplift = CustomerUplift.Of(scored.Status, scored.ChurnRisk, scored.Segments, models.Metadata.Interventions),
        };
    }

    /// <summary>
    /// A row's factors as one line: the ones raising the score, or, when nothing raises it, "low risk: " (or "low lead
    /// score: ") and the ones holding it down; churned customers say so.
    /// </summary>
    public static string FactorWords(ScoredTable scored, int row, ReasonLanguage language = ReasonLanguage.English)
    {
        bool ja = language == ReasonLanguage.Japanese;
        if (scored.Status[row] == CustomerStatus.Churned)
        {
            return ja ? "基準日より前に解約済み" : "churned before the as-of date";
        }
        bool scoredHere = !float.IsNaN(scored.ChurnRisk[row]) || !float.IsNaN(scored.LeadScore[row]);
        if (!scoredHere)
        {
            return "";
        }
        var text = string.Join("; ", scored.Factors[row].Select(f => f.In(language)));
        if (scored.FactorsRaise[row])
        {
            return text;
        }
        bool lead = float.IsNaN(scored.ChurnRisk[row]);
        return ja ? (lead ? "リードスコアは低め: " : "解約リスクは低め: ") + text : (lead ? "low lead score" : "low risk") + ": " + text;
    }

    private static float[] Filled(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
