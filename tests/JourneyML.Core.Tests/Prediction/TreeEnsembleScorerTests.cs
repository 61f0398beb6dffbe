using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>
/// The tree walk that scores tree ensembles without ML.NET's row plumbing gives ML.NET's own raw scores bit for bit, for
/// every tree trainer of the sweep, on customers of every kind at several dates, before and after a save and load.
/// </summary>
public sealed class TreeEnsembleScorerTests
{
    private static readonly DateTime s_asOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Lazy<Dataset> s_sample = new(() => Dataset.Open(Repo.Path("data-samples", "sample"), new ValidationReport()));

    public static TheoryData<string, string> Trainers() => new()
    {
        { CandidateSpec.LightGbm, LabelNames.Churn },
        { CandidateSpec.LightGbm, LabelNames.Conversion },
        { CandidateSpec.FastTree, LabelNames.Churn },
        { CandidateSpec.FastForest, LabelNames.Churn },
        { CandidateSpec.FastForest, LabelNames.Conversion },
    };

    [Theory]
    [MemberData(nameof(Trainers))]
    public void The_tree_walk_gives_ml_nets_raw_scores_bit_for_bit(string trainer, string label)
    {
        var table = BehaviourFeatures.Build(s_sample.Value, new FeatureOptions { AsOf = s_asOf }).Table;
        var task = label == LabelNames.Churn ? PredictionTask.Churn : PredictionTask.Lead;
        var labels = table.Labels[label];
        var train = Enumerable.Range(0, table.RowCount).Where(r => !float.IsNaN(labels[r])).ToArray();
        var spec = CandidateSpec.DefaultSweep.First(s => s.Trainer == trainer && !s.TunesOnInnerFold);
        var model = ClassifierTraining.FitOnce(table, task, train, spec);
        using var folder = new TempFolder("tree-walk");
        model.Save(folder.Path, "model");
        var loaded = BinaryModel.Load(folder.Path, "model");
        // Every customer (leads, customers and churned ones, those the model never saw), at the training date and at
        // dates whose values fall elsewhere against the thresholds.
        foreach (var date in new[] { s_asOf, s_asOf.AddDays(-75), s_asOf.AddDays(30) })
        {
            var rows = date == s_asOf ? table : BehaviourFeatures.Build(s_sample.Value, new FeatureOptions { AsOf = date }).Table;
            var all = Enumerable.Range(0, rows.RowCount).ToArray();
            foreach (var m in new[] { model, loaded })
            {
                Assert.True(m.WalksTrees);
                var expected = m.RawScoresThroughMlNet(rows, all);
                Assert.Equal(expected, m.RawScoresByTrees(rows, all));
                Assert.Equal(m.PredictThroughMlNet(rows, all), m.Predict(rows, all));
                Assert.True(expected.Distinct().Count() > 50, "not vacuous: the scores spread over many values");
            }
        }
    }

    [Fact]
    public void A_linear_model_is_scored_by_ml_net()
    {
        var table = BehaviourFeatures.Build(s_sample.Value, new FeatureOptions { AsOf = s_asOf }).Table;
        var labels = table.Labels[LabelNames.Churn];
        var train = Enumerable.Range(0, table.RowCount).Where(r => !float.IsNaN(labels[r])).ToArray();
        var model = ClassifierTraining.FitOnce(table, PredictionTask.Churn, train, CandidateSpec.PlainLogistic);
        Assert.False(model.WalksTrees);
        Assert.Null(model.RawScoresByTrees(table, train));
        Assert.Equal(model.PredictThroughMlNet(table, train), model.Predict(table, train));
    }
}
