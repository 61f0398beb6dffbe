using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

public sealed class ClassifierTrainingTests
{
    private static readonly Lazy<FeatureTable> s_sample = new(() =>
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc) }).Table;
    });

    private static int[] Customers(FeatureTable table) =>
        [.. Enumerable.Range(0, table.RowCount).Where(r => table.Status![r] == CustomerStatus.Customer)];

    [Theory]
    [InlineData(CandidateSpec.LightGbm)]
    [InlineData(CandidateSpec.FastTree)]
    [InlineData(CandidateSpec.FastForest)]
    [InlineData(CandidateSpec.LogisticRegression)]
    public void Every_trainer_saves_loads_and_explains_the_same_after_loading(string trainer)
    {
        var table = s_sample.Value;
        var spec = CandidateSpec.DefaultSweep.First(c => c.Trainer == trainer);
        var result = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions { Candidates = [spec] });
        var dir = TempFolder.Create("model");
        result.Model.Save(dir, "churn");
        var loaded = BinaryModel.Load(dir, "churn");
        var rows = result.HoldoutRows;
        var (p1, c1) = result.Model.PredictWithContributions(table, rows);
        var (p2, c2) = loaded.PredictWithContributions(table, rows);
        Assert.Equal(p1, p2);
        Assert.Equal(loaded.Predict(table, rows), p2);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(c1[i], c2[i]);
        }
        // Contributions mean something: customers ranked riskiest get more positive contribution than the safest.
        var order = Enumerable.Range(0, rows.Length).OrderBy(i => p2[i]).ToArray();
        double Net(int i) => c2[i].Sum();
        Assert.True(order.TakeLast(20).Average(Net) > order.Take(20).Average(Net));
        Assert.True(result.Holdout.Auc > 0.65, $"{trainer}: AUC {result.Holdout.Auc:F3}");
    }

    [Fact]
    public void The_sweep_is_deterministic_for_a_seed()
    {
        var table = s_sample.Value;
        var options = new ClassifierOptions { Candidates = [.. CandidateSpec.DefaultSweep.Take(3)] };
        var a = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), options);
        var b = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), options);
        Assert.Equal(a.Candidates, b.Candidates.Select(c => c with { Seconds = a.Candidates.First(x => x.Candidate == c.Candidate).Seconds }));
        Assert.Equal(a.HoldoutPredictions, b.HoldoutPredictions);
    }

    [Fact]
    public void The_pooled_sweep_chooses_and_fits_the_same_model_on_one_thread_as_on_four_and_so_does_a_single_candidate()
    {
        // Every (candidate, fold) fit and, with one candidate, its final fit run in one pool: how many threads take the
        // fits, and in which order they finish, must not change a figure.
        var table = s_sample.Value;
        foreach (var candidates in new[] { CandidateSpec.DefaultSweep.Take(3).ToArray(), [CandidateSpec.Default] })
        {
            var one = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions { Candidates = candidates, MaxDegreeOfParallelism = 1 });
            var four = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions { Candidates = candidates, MaxDegreeOfParallelism = 4 });
            Assert.Equal(one.Candidates.Select(c => (c.Candidate, c.PrAuc, c.Auc, c.PrAucStd, c.Chosen)), four.Candidates.Select(c => (c.Candidate, c.PrAuc, c.Auc, c.PrAucStd, c.Chosen)));
            Assert.Equal(one.HoldoutPredictions, four.HoldoutPredictions);
            Assert.Equal(one.Calibration!.Method, four.Calibration!.Method);
        }
    }

    [Fact]
    public void Too_few_labels_is_a_clear_error()
    {
        var table = s_sample.Value;
        // 30 customers of whom 5 churned: plenty of rows, too few of one class (the rule needs 10 of each).
        var churned = table.Labels[LabelNames.Churn];
        int[] rows = [.. Customers(table).Where(r => churned[r] == 1).Take(5), .. Customers(table).Where(r => churned[r] == 0).Take(25)];
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ClassifierTraining.Train(table, PredictionTask.Churn, rows, new ClassifierOptions()));
        Assert.Contains("too few labelled examples", ex.Message);
    }

    [Fact]
    public void Platt_calibration_recovers_a_known_mapping()
    {
        var random = new Random(5);
        var scores = new float[20_000];
        var labels = new float[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)(random.NextDouble() * 16 - 8); // large raw scores, as trees give
            double p = 1 / (1 + Math.Exp(-(0.5 * scores[i] - 1)));
            labels[i] = random.NextDouble() < p ? 1 : 0;
        }
        var fit = PlattCalibration.Fit(scores, labels);
        Assert.Equal(0.5, fit.A, 1);
        Assert.Equal(-1, fit.B, 1);
    }

    [Fact]
    public void Platt_calibration_never_reverses_the_ranking_of_scores_that_rank_worse_than_chance()
    {
        // Out-of-fold scores of a few hundred customers that by luck rank the churners lower: an unconstrained fit gives a
        // negative slope, which would turn the final model upside down.
        var random = new Random(7);
        var scores = new float[160];
        var labels = new float[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            labels[i] = i % 4 == 0 ? 1 : 0;
            scores[i] = (float)(random.NextDouble() * 6 - 3 - labels[i]);
        }
        Assert.True(ClassificationMetrics.RocAuc(scores, labels) < 0.4);

        var fit = PlattCalibration.Fit(scores, labels);

        Assert.True(fit.A > 0, $"slope {fit.A}");
        float[] ordered = [-4f, -1f, 0f, 1f, 4f];
        var probabilities = ordered.Select(fit.Apply).ToArray();
        for (int i = 1; i < probabilities.Length; i++)
        {
            Assert.True(probabilities[i] > probabilities[i - 1], $"P({ordered[i]}) = {probabilities[i]} is not above P({ordered[i - 1]}) = {probabilities[i - 1]}");
        }
        // Scores that carry no ranking support no more than the base rate (25%): every probability stays near it.
        Assert.All(probabilities, p => Assert.InRange(p, 0.22, 0.28));
    }

    [Fact]
    public void Metrics_match_hand_computed_values()
    {
        float[] scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.05f];
        float[] labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
        var m = ClassificationMetrics.Compute(scores, labels);
        Assert.Equal(20.0 / 21.0, m.Auc, 6); // one positive ranked below one negative: 20 of 21 pairs in order
        Assert.Equal((1 + 1 + 0.75) / 3, m.PrAuc, 6);
        Assert.Equal(1, m.PrecisionAtTop10); // top 10% of 10 rows is 1 row
        Assert.Equal(1 / 3.0, m.RecallAtTop10, 6);
        Assert.Equal(3.0 / 10, m.BaseRate, 6);
        Assert.Equal(10 / 3.0, m.Lift[0].Lift, 6);
    }

    [Fact]
    public void Factor_texts_use_the_customers_own_numbers()
    {
        var table = new FeatureTable(["a"],
        [
            FeatureColumn.Numeric("logins_30d", "", [6]),
            FeatureColumn.Numeric("logins_prev_30d", "", [16]),
            FeatureColumn.Numeric("login_trend", "", [-1.4f]),
            FeatureColumn.Numeric("tickets_30d", "", [4]),
            FeatureColumn.Numeric("days_since_last_login", "", [float.NaN]),
            FeatureColumn.Categorical("plan", "", ["starter"]),
            FeatureColumn.Numeric("monthly_spend", "", [120.5f]),
            FeatureColumn.Numeric("days_since_last_activity", "", [0.4f]),
            FeatureColumn.Numeric("tickets_90d", "", [float.PositiveInfinity]),
            FeatureColumn.Numeric("tenure_days", "", [9]),
        ]);
        // Never "for 0 days", never Infinity: a value no reason can show reads as missing history, with the signup.
        Assert.Equal("active within the last day", FactorText.Describe(table, 0, "days_since_last_activity"));
        Assert.Equal("no support-ticket history yet (signed up 9 days ago)", FactorText.Describe(table, 0, "tickets_90d"));
        Assert.Equal("logins down 63% against the previous 30 days (16 → 6)", FactorText.Describe(table, 0, "login_trend"));
        Assert.Equal("4 support tickets in the last 30 days", FactorText.Describe(table, 0, "tickets_30d"));
        Assert.Equal("no login yet (signed up 9 days ago)", FactorText.Describe(table, 0, "days_since_last_login"));
        Assert.Equal("on the starter plan", FactorText.Describe(table, 0, "plan"));
        Assert.Equal("monthly spend 120.5", FactorText.Describe(table, 0, "monthly_spend"));
        var top = FactorText.Top(table, 0, ["login_trend", "logins_prev_30d", "tickets_30d", "plan"], [2f, 1.5f, 1f, -3f], 3, PredictionTask.Churn);
        Assert.Equal(["logins down 63% against the previous 30 days (16 → 6) (raises churn risk)", "4 support tickets in the last 30 days (raises churn risk)"], top.Select(f => f.Text));
        var lowering = FactorText.Top(table, 0, ["login_trend", "plan"], [2f, -3f], 3, PredictionTask.Lead, raising: false);
        Assert.Equal(["on the starter plan (lowers lead score)"], lowering.Select(f => f.Text));
    }
}
