using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>ML.NET's scoring in parallel blocks (what batch scoring of a model that is no tree ensemble does on many cores) changes no probability.</summary>
public sealed class BlockScoringTests
{
    private static readonly DateTime s_asOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Lazy<FeatureTable> s_sample = new(() =>
        BehaviourFeatures.Build(Dataset.Open(Repo.Path("data-samples", "sample"), new ValidationReport()), new FeatureOptions { AsOf = s_asOf }).Table);

    [Fact]
    public void Batch_scoring_in_parallel_blocks_gives_the_same_probabilities_as_one_block()
    {
        var table = s_sample.Value;
        // The churn population, as the peer benchmark scores it: customers active at the as-of date with a known label.
        var labels = table.Labels[LabelNames.Churn];
        var rows = Enumerable.Range(0, table.RowCount).Where(r => table.Status![r] == CustomerStatus.Customer && !float.IsNaN(labels[r])).ToArray();
        var model = ClassifierTraining.FitOnce(table, PredictionTask.Churn, rows, CandidateSpec.Default, threads: 2);
        var all = Enumerable.Range(0, table.RowCount).ToArray();
        int original = BinaryModel.PredictBlockSize;
        try
        {
            BinaryModel.PredictBlockSize = 1_000_000;
            var whole = model.PredictThroughMlNet(table, all);
            BinaryModel.PredictBlockSize = 97; // about twenty blocks, scored on every core at once
            var blocks = model.PredictThroughMlNet(table, all);
            Assert.Equal(whole, blocks);
            Assert.All(whole, p => Assert.InRange(p, 0f, 1f));
        }
        finally
        {
            BinaryModel.PredictBlockSize = original;
        }
    }
}
