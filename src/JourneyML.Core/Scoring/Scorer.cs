using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Scoring;

/// <summary>How the model is called: the numbers are the same, the cost profile is not.</summary>
public enum ScoringPath
{
    /// <summary>Many rows: large blocks in parallel, each through its own data view (throughput).</summary>
    Batch,
    /// <summary>One or a few customers: pooled prediction engines, on the calling thread for one block (microseconds a row).</summary>
    Live,
}

/// <summary>Every row of a feature table scored: what batch snapshots and live predictions are both made from.</summary>
public sealed record ScoredTable(
    CustomerStatus[] Status,
    int[] Segments,
    float[] ChurnRisk,
    float[] LeadScore,
    IReadOnlyList<Factor>[] Factors,
    bool[] FactorsRaise,
    string[] Stages)
{
    /// <summary>The survival curves of the paying customers, when the models have a survival model.</summary>
    public TimeToChurn? TimeToChurn { get; init; }
}

/// <summary>
/// The one scorer: segment, churn risk for paying customers, lead score for leads, the top factors (the ones pushing the
/// score up, or when none do, the ones holding it down) and the stage, for every row of a feature table. Batch scoring
/// (<c>ScoringRun</c>, the snapshot) and live predictions (<see cref="CustomerPredictor"/>) both call it.
/// </summary>
public static class Scorer
{
    /// <summary>Rows per parallel block on the batch path (settable so tests can force several blocks on small data).</summary>
    internal static int BatchBlockSize { get; set; } = 20_000;

    private const int LiveBlockSize = 512;

    /// <param name="stages">The stage rules; default: the built-in stages over the table's columns.</param>
    /// <param name="current">Each row's stage and days in it so far (null: none known, the entry rules decide): that stage's exit conditions hold the customer.</param>
    public static ScoredTable Score(FeatureTable table, LoadedModels models, int topFactors, ScoringPath path, StageModel? stages = null,
        IReadOnlyList<StagePosition?>? current = null)
    {
        int n = table.RowCount;
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, n)];
        var segments = models.Segmentation.Assign(table);
        var churn = NaNs(n);
        var lead = NaNs(n);
        var factors = new IReadOnlyList<Factor>[n];
        Array.Fill(factors, []);
        var raise = new bool[n];
        ScoreRows(models.Churn, table, RowsWith(status, CustomerStatus.Customer), churn, factors, raise, topFactors, path);
        ScoreRows(models.Lead, table, RowsWith(status, CustomerStatus.Lead), lead, factors, raise, topFactors, path,
            TaskNames.Score(PredictionTask.Lead, models.Metadata.Mode));
        stages ??= StageModel.Default(new StageSignals([.. table.Columns.Select(c => c.Name)]).WithModel(models.Metadata));
        // A batch run cuts top-N rules on its own paying customers; a live call (one customer, or a few) is no population
        // to cut on, so it reads the model's holdout percentiles. The model's own cut is the same on both paths.
        var stage = StageModel.AssignAll(path == ScoringPath.Batch ? stages.ForRun(churn) : stages, table, status, churn, lead,
            current?.Select(c => c?.Stage).ToArray(), current?.Select(c => c?.DaysIn ?? 0).ToArray());
        // The curves go into snapshots (batch); a live prediction answers without them, so its latency stays the classifiers'.
        return new ScoredTable(status, segments, churn, lead, factors, raise, stage)
        {
            TimeToChurn = path == ScoringPath.Batch ? TimeToChurn.Score(models.Survival, table, status, topFactors) : null,
        };
    }

    /// <summary>
    /// Scores <paramref name="rows"/> with one model into <paramref name="scores"/>, with each row's top factors. Rows run in
    /// parallel blocks: on the batch path each block builds its own data views (the fitted transformers are shared, and their
    /// Transform is safe from several threads); on the live path each block rents pooled prediction engines.
    /// </summary>
    /// <param name="scoreWords">What the score is called in the reasons' direction ("conversion score" for a ready table's conversion task); by default the task's own words.</param>
    public static void ScoreRows(BinaryModel? model, FeatureTable table, int[] rows, float[] scores, IReadOnlyList<Factor>[] factors,
        bool[] raise, int top, ScoringPath path, string? scoreWords = null)
    {
        if (model is null || rows.Length == 0)
        {
            return;
        }
        int block = path == ScoringPath.Batch ? BatchBlockSize : LiveBlockSize;
        int blocks = (int)(((long)rows.Length + block - 1) / block);
        // One live customer stays on the calling thread; a live batch call and every batch run use every core.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = path == ScoringPath.Live && blocks == 1 ? 1 : Environment.ProcessorCount };
        // A batch run shows its count; a live request (the API) never reports progress.
        using var shown = path == ScoringPath.Batch ? Monitoring.ProgressReporter.Current.Start($"scoring {model.Info.Task}", rows.Length, "customers") : null;
        Parallel.For(0, blocks, parallel, b =>
        {
            var slice = rows.AsSpan(b * block, Math.Min(block, rows.Length - b * block)).ToArray();
            shown?.Add(slice.Length);
            var (probabilities, contributions) = path == ScoringPath.Batch
                ? model.PredictWithContributions(table, slice)
                : model.PredictRows(table, slice);
            for (int i = 0; i < slice.Length; i++)
            {
                int r = slice[i];
                scores[r] = probabilities[i];
                var raising = FactorText.Top(table, r, model.Vectorizer, contributions[i], top, model.Info.Task, scoreWords: scoreWords);
                raise[r] = raising.Count > 0;
                factors[r] = raise[r] ? raising : FactorText.Top(table, r, model.Vectorizer, contributions[i], top, model.Info.Task, raising: false, scoreWords);
            }
        });
    }

    private static int[] RowsWith(CustomerStatus[] status, CustomerStatus wanted) => [.. Enumerable.Range(0, status.Length).Where(r => status[r] == wanted)];

    private static float[] NaNs(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
