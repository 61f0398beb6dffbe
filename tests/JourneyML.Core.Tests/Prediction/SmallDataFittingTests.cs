using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>The sweep on a few dozen labelled customers: every candidate fits, or says clearly why it cannot.</summary>
public sealed class SmallDataFittingTests
{
    private static readonly Lazy<FeatureTable> s_sample = new(() =>
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc) }).Table;
    });

    /// <summary>20 churned and 20 staying customers of the sample: balanced labels, fewer rows than two leaves of 50.</summary>
    private static int[] Balanced(FeatureTable table, int each)
    {
        var churned = table.Labels[LabelNames.Churn];
        var customers = Enumerable.Range(0, table.RowCount).Where(r => table.Status![r] == CustomerStatus.Customer && !float.IsNaN(churned[r])).ToArray();
        return [.. customers.Where(r => churned[r] == 1).Take(each), .. customers.Where(r => churned[r] == 0).Take(each)];
    }

    /// <summary>
    /// LightGBM with 50 customers a leaf on 40 balanced rows: no split is possible, and ML.NET failed to convert the one
    /// constant tree with "Value cannot be null. (Parameter 'items')" (the small world's seed 4 stopped so). The leaf minimum
    /// is held to a quarter of the rows: the sweep trains, the fitted spec says the leaf minimum it used, and it ranks.
    /// </summary>
    [Fact]
    public void Boosting_with_a_leaf_minimum_above_the_rows_trains_on_balanced_labels()
    {
        var table = s_sample.Value;
        var spec = CandidateSpec.DefaultSweep.First(c => c.Trainer == CandidateSpec.LightGbm && c.Hyperparameters["minLeaf"] == 50);
        var result = ClassifierTraining.Train(table, PredictionTask.Churn, Balanced(table, 20), new ClassifierOptions { Candidates = [spec] });
        Assert.Equal(result.TrainRows.Length / 4, result.Model.Info.Spec.Hyperparameters["minLeaf"]);
        Assert.True(result.HoldoutPredictions.Distinct().Count() > 1, "the model is a constant");
        var fixedFit = ClassifierTraining.FitOnce(table, PredictionTask.Churn, Balanced(table, 20), spec);
        Assert.Equal(10, fixedFit.Info.Spec.Hyperparameters["minLeaf"]);
    }

    private static CandidateRun Run(params double[] prAuc) => new(prAuc.Average(), 0.7, 0, 0, [], [], prAuc);

    /// <summary>
    /// The one-standard-error rule: a boosting leader 0.01 ahead in PR-AUC when the paired differences swing by 0.05 is
    /// within noise, so the linear candidate is chosen; a steady lead of 0.10 keeps the leader; 0 standard errors turns the
    /// rule off; a candidate as flexible as the leader is never preferred by it.
    /// </summary>
    [Fact]
    public void On_small_data_the_simpler_candidate_within_noise_of_the_leader_is_chosen()
    {
        CandidateSpec[] specs = [CandidateSpec.Default, CandidateSpec.DefaultSweep[4], CandidateSpec.DefaultSweep.Single(c => c.Trainer == CandidateSpec.LogisticRegression)];
        CandidateRun[] noisy = [Run(0.50, 0.45, 0.55, 0.49), Run(0.49, 0.46, 0.52, 0.48), Run(0.46, 0.49, 0.50, 0.50)];
        Assert.Equal(2, SimplerWithinNoise.Choose(specs, noisy, 0, folds: 2, standardErrors: 1));
        Assert.Equal(0, SimplerWithinNoise.Choose(specs, noisy, 0, folds: 2, standardErrors: 0));
        CandidateRun[] clear = [Run(0.50, 0.52, 0.49, 0.51), Run(0.49, 0.46, 0.52, 0.48), Run(0.40, 0.41, 0.40, 0.41)];
        Assert.Equal(0, SimplerWithinNoise.Choose(specs, clear, 0, folds: 2, standardErrors: 1));
        // Without a linear candidate nothing is simpler than boosting: the leader stays.
        Assert.Equal(0, SimplerWithinNoise.Choose(specs[..2], noisy[..2], 0, folds: 2, standardErrors: 1));
    }

    [Fact]
    public void The_training_ships_the_simpler_candidate_on_small_data_and_says_why()
    {
        var table = s_sample.Value;
        CandidateSpec[] specs = [CandidateSpec.Default, CandidateSpec.DefaultSweep.Single(c => c.Trainer == CandidateSpec.LogisticRegression)];
        var rows = Balanced(table, 60);
        var leader = ClassifierTraining.Train(table, PredictionTask.Churn, rows, new ClassifierOptions { Candidates = specs, SimplerWithinStandardErrors = 0 });
        var chosenOf = (ClassifierResult r) => r.Candidates.Single(c => c.Chosen).Candidate;
        // However far ahead the leader, within 1,000 standard errors the linear candidate is preferred (below 1,000 labelled customers only).
        var simpler = ClassifierTraining.Train(table, PredictionTask.Churn, rows, new ClassifierOptions { Candidates = specs, SimplerWithinStandardErrors = 1_000 });
        Assert.Equal(specs[1].Describe(), chosenOf(simpler));
        Assert.Equal(CandidateSpec.LogisticRegression, simpler.Model.Info.Spec.Trainer);
        // On these rows boosting leads the cross-validation, so the rule, not the leader, chose the linear model.
        Assert.Equal(specs[0].Describe(), chosenOf(leader));
        Assert.Contains("the simpler model, is chosen within 1000 standard error of the highest cross-validated PR-AUC", simpler.SelectionReason);
        // From 1,000 labelled customers (here: the line moved below these rows) the leader ships, as before.
        var large = ClassifierTraining.Train(table, PredictionTask.Churn, rows, new ClassifierOptions { Candidates = specs, SimplerWithinStandardErrors = 1_000, SmallDataRows = 50 });
        Assert.Equal(large.Candidates.MaxBy(c => c.PrAuc)!.Candidate, chosenOf(large));
    }

    [Fact]
    public void The_spec_is_unchanged_where_the_rows_allow_its_leaf_minimum()
    {
        var spec = CandidateSpec.DefaultSweep.First(c => c.Trainer == CandidateSpec.LightGbm && c.Hyperparameters["minLeaf"] == 50);
        Assert.Same(spec, spec.SuitedTo(200));
        Assert.Equal(49, spec.SuitedTo(199).Hyperparameters["minLeaf"]);
        Assert.Same(CandidateSpec.DefaultSweep[3], CandidateSpec.DefaultSweep[3].SuitedTo(10));
    }

    /// <summary>
    /// One customer differs in one feature, the rest are alike: no leaf of 10 can be cut, LightGBM returns one constant tree,
    /// and the error says so in words instead of ML.NET's ArgumentNullException.
    /// </summary>
    [Fact]
    public void Boosting_that_finds_no_split_is_a_clear_error()
    {
        int n = 40;
        var ids = Enumerable.Range(1, n).Select(i => $"C{i:D3}").ToArray();
        var table = new FeatureTable(ids, [FeatureColumn.Numeric("logins_30d", "", [.. Enumerable.Range(0, n).Select(i => i == 0 ? 4f : 3f)])])
        {
            Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = [.. Enumerable.Range(0, n).Select(i => (float)(i % 2))] },
        };
        var error = Assert.Throws<InvalidOperationException>(() =>
            ClassifierTraining.FitOnce(table, PredictionTask.Churn, [.. Enumerable.Range(0, n)], CandidateSpec.DefaultSweep[0]));
        Assert.Contains("found no split on 40 customers", error.Message);
    }
}
