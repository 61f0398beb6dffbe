using System.Text.Json.Nodes;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>The sweep's new candidates, repeated cross-validation on small data, and the calibrator choice.</summary>
public sealed class ModelSelectionTests
{
    private static readonly Lazy<FeatureTable> s_sample = new(() =>
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc) }).Table;
    });

    private static int[] Customers(FeatureTable table) =>
        [.. Enumerable.Range(0, table.RowCount).Where(r => table.Status![r] == CustomerStatus.Customer)];

    private static CandidateSpec Logistic(double l2) => new(CandidateSpec.LogisticRegression, new Dictionary<string, double> { ["l2"] = l2, ["l1"] = 0 });

    [Fact]
    public void Expected_calibration_error_matches_a_hand_computed_example()
    {
        // Bin [0, 0.1): 0.05 and 0.05, one positive: |0.05 - 0.5| = 0.45. Bin [0.1, 0.2): 0.1 and 0.15, none: |0.125 - 0| = 0.125.
        // Bin [0.9, 1]: 0.95 and 1.0 (1.0 belongs to the last bin), both positive: |0.975 - 1| = 0.025. ECE = (2 x 0.45 + 2 x 0.125 + 2 x 0.025) / 6.
        float[] p = [0.05f, 0.05f, 0.1f, 0.15f, 0.95f, 1.0f];
        float[] y = [0, 1, 0, 0, 1, 1];
        var bins = CalibrationError.EqualWidthBins(p, y);
        Assert.Equal([1, 2, 10], bins.Select(b => b.Bin));
        Assert.Equal([2, 2, 2], bins.Select(b => b.Count));
        Assert.Equal(1.2 / 6, CalibrationError.Expected(p, y), 6);
        // A perfectly calibrated bin contributes nothing.
        Assert.Equal(0, CalibrationError.Expected([0.5f, 0.5f], [0, 1]), 9);
    }

    [Fact]
    public void Isotonic_calibration_pools_violators_and_never_decreases()
    {
        // Scores 1..4 with labels 1, 0, 1, 1: (1, 2) pool to 0.5, (3, 4) to 1; each block smoothed by one pseudo-row at the base rate 0.75.
        var known = IsotonicCalibration.Fit([1f, 2f, 3f, 4f], [1f, 0f, 1f, 1f]);
        Assert.Equal([1.5, 3.5], known.Scores);
        Assert.Equal(1.75 / 3, known.Probabilities[0], 9);
        Assert.Equal(2.75 / 3, known.Probabilities[1], 9);
        Assert.Equal((float)(1.75 / 3 + 0.5 * (2.75 / 3 - 1.75 / 3)), known.Apply(2.5f), 5);

        var random = new Random(3);
        var scores = Enumerable.Range(0, 3000).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 1 / (1 + Math.Exp(-s)) ? 1f : 0f).ToArray();
        var curve = IsotonicCalibration.Fit(scores, labels);
        Assert.Null(curve.Problem());
        float previous = float.NegativeInfinity;
        for (double s = -4; s <= 4; s += 0.01)
        {
            float p = curve.Apply((float)s);
            Assert.True(p >= previous, $"the curve falls at {s:F2}");
            Assert.InRange(p, 0f, 1f);
            previous = p;
        }
        Assert.True(curve.Apply(-2.5f) < 0.15 && curve.Apply(2.5f) > 0.85, "the curve follows the planted probabilities");
    }

    [Fact]
    public void Isotonic_is_chosen_when_it_wins_on_out_of_fold_log_loss_and_not_tried_on_few_rows()
    {
        // A step no logistic curve can follow: 5% below a score of 0.8, 50% above. Platt must either miss the step or overshoot to 1.
        var random = new Random(11);
        var scores = Enumerable.Range(0, 4000).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < (s < 0.8 ? 0.05 : 0.5) ? 1f : 0f).ToArray();
        var foldOf = scores.Select((_, i) => i % 3).ToArray();
        var chosen = CalibratorSelection.Choose(scores, labels, foldOf, 3);
        Assert.Equal(CalibrationMethod.Isotonic, chosen.Method);
        Assert.NotNull(chosen.Isotonic);
        var isotonic = chosen.Trials.Single(t => t.Method == CalibrationMethod.Isotonic);
        Assert.True(isotonic.Chosen);
        Assert.All(chosen.Trials.Where(t => !t.Chosen), t => Assert.True(t.OutOfFoldLogLoss > isotonic.OutOfFoldLogLoss));

        // Below the threshold the curve would rest on too few customers per step: only Platt and none are tried, and the reason says why.
        var few = CalibratorSelection.Choose(scores[..600], labels[..600], foldOf[..600], 3);
        Assert.DoesNotContain(few.Trials, t => t.Method == CalibrationMethod.Isotonic);
        Assert.Contains("isotonic not tried", few.Reason);
    }

    [Fact]
    public void The_blend_of_platt_and_isotonic_is_tried_on_fewer_rows_and_wins_where_the_curve_bends()
    {
        // The same step as above on 600 rows: too few for isotonic alone, enough for its blend with Platt, which follows the step better than Platt.
        var random = new Random(11);
        var scores = Enumerable.Range(0, 600).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < (s < 0.8 ? 0.05 : 0.5) ? 1f : 0f).ToArray();
        var foldOf = scores.Select((_, i) => i % 3).ToArray();
        var chosen = CalibratorSelection.Choose(scores, labels, foldOf, 3);
        Assert.DoesNotContain(chosen.Trials, t => t.Method == CalibrationMethod.Isotonic);
        var blend = chosen.Trials.Single(t => t.Method == CalibrationMethod.Blend);
        var platt = chosen.Trials.Single(t => t.Method == CalibrationMethod.Platt);
        Assert.True(blend.OutOfFoldLogLoss < platt.OutOfFoldLogLoss, $"blend {blend.OutOfFoldLogLoss:F4} against Platt {platt.OutOfFoldLogLoss:F4}");
        Assert.Equal(CalibrationMethod.Blend, chosen.Method);
        Assert.NotNull(chosen.Isotonic);
        // The probability is the mean of both curves.
        Assert.Equal((chosen.Isotonic!.Apply(0.9f) + chosen.Platt.Apply(0.9f)) / 2, CalibratorSelection.Probability(chosen.Method, chosen.Platt, chosen.Isotonic, 0.9f), 6);

        // Below 300 rows neither curve with steps is tried, and the reason says so.
        var few = CalibratorSelection.Choose(scores[..250], labels[..250], foldOf[..250], 3);
        Assert.Equal([CalibrationMethod.Platt, CalibrationMethod.None], few.Trials.Select(t => t.Method));
        Assert.Contains("its blend with Platt 300 rows", few.Reason);
    }

    [Fact]
    public void A_fixed_calibrator_kind_is_the_only_one_fitted_and_falls_back_to_platt_where_the_rows_are_too_few_for_it()
    {
        var random = new Random(12);
        var scores = Enumerable.Range(0, 1500).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < (s < 0.8 ? 0.05 : 0.5) ? 1f : 0f).ToArray();
        var foldOf = scores.Select((_, i) => i % 3).ToArray();
        // Free choice on this step picks a curve with steps; fixed to none, none it is, with its own out-of-fold loss.
        Assert.NotEqual(CalibrationMethod.None, CalibratorSelection.Choose(scores, labels, foldOf, 3).Method);
        var none = CalibratorSelection.Choose(scores, labels, foldOf, 3, only: CalibrationMethod.None);
        Assert.Equal(CalibrationMethod.None, none.Method);
        Assert.Equal([CalibrationMethod.None], none.Trials.Select(t => t.Method));
        Assert.Equal(0.5f, CalibratorSelection.Probability(none.Method, none.Platt, none.Isotonic, 0f), 6);
        var isotonic = CalibratorSelection.Choose(scores, labels, foldOf, 3, only: CalibrationMethod.Isotonic);
        Assert.Equal(CalibrationMethod.Isotonic, isotonic.Method);
        Assert.NotNull(isotonic.Isotonic);
        // On 250 rows isotonic would rest on too few customers a step: Platt, and the reason says why.
        var few = CalibratorSelection.Choose(scores[..250], labels[..250], foldOf[..250], 3, only: CalibrationMethod.Isotonic);
        Assert.Equal(CalibrationMethod.Platt, few.Method);
        Assert.Contains("the fixed kind isotonic needs more rows than the 250 out-of-fold rows here", few.Reason);
    }

    [Fact]
    public void The_holdout_ece_says_whether_it_is_more_than_chance_gives_on_a_holdout_that_size()
    {
        var random = new Random(5);
        var p = Enumerable.Range(0, 220).Select(_ => (float)(0.02 + 0.6 * random.NextDouble() * random.NextDouble())).ToArray();
        // Outcomes drawn from the probabilities themselves: perfectly calibrated, yet the ECE on 220 customers is not zero.
        var calibrated = p.Select(x => random.NextDouble() < x ? 1f : 0f).ToArray();
        var fair = CalibrationError.Uncertainty(p, calibrated);
        double ece = CalibrationError.Expected(p, calibrated);
        Assert.True(ece > 0.01, $"ECE {ece:F3} on 220 calibrated customers");
        Assert.True(fair.WithinChance, fair.Sentence);
        Assert.InRange(fair.Chance, 0.01, 0.08);
        Assert.True(fair.Low <= ece && ece <= fair.High, fair.Sentence);
        Assert.Contains("220 customers", fair.Sentence);
        // Risks twice what happens: beyond chance, and said so.
        var halved = p.Select(x => random.NextDouble() < x / 2 ? 1f : 0f).ToArray();
        var off = CalibrationError.Uncertainty(p, halved);
        Assert.False(off.WithinChance, off.Sentence);
        Assert.Contains("above what chance alone gives on 220 customers", off.Sentence);
        // Resampling inflates the ECE; the interval is moved back by that bias, so it brackets the estimate instead of sitting above it.
        Assert.True(off.Low <= CalibrationError.Expected(p, halved) && CalibrationError.Expected(p, halved) <= off.High, off.Sentence);
        var (low, high) = CalibrationError.DebiasedInterval(0.02, [0.03, 0.035, 0.04, 0.045, 0.05]); // bias 0.04 - 0.02
        Assert.Equal(0.01, low, 9);
        Assert.Equal(0.03, high, 9);
        // Deterministic for a seed.
        Assert.Equal(off, CalibrationError.Uncertainty(p, halved));
        // On 20,000 calibrated customers chance alone stays far below the aim of 0.03.
        var many = Enumerable.Range(0, 20_000).Select(_ => (float)(0.02 + 0.6 * random.NextDouble() * random.NextDouble())).ToArray();
        var large = CalibrationError.Uncertainty(many, [.. many.Select(x => random.NextDouble() < x ? 1f : 0f)], draws: 50);
        Assert.True(large.ChanceHigh < 0.015, large.Sentence);
    }

    [Fact]
    public void Repeated_cross_validation_below_the_threshold_says_when_the_choice_is_within_noise()
    {
        var table = s_sample.Value;
        // Two logistic regressions whose penalties barely differ: any lead one has over the other is noise.
        // (The small-data booster the sweep adds below the line is left out: these two alone are compared.)
        var twins = new ClassifierOptions { Candidates = [Logistic(0.1), Logistic(0.12)], SmallDataRows = 5_000, SmallDataCandidates = [] };
        var small = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), twins);
        Assert.Contains("2 x 5-fold repeated cross-validation", small.SelectionReason);
        Assert.True(small.SelectionReason.Contains("The choice is within noise", StringComparison.Ordinal), small.SelectionReason);
        Assert.Contains("10 fold runs", small.SelectionReason);
        Assert.True(small.SelectionWithinNoise);

        // Above it: one 3-fold pass, as before.
        var large = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), twins with { SmallDataRows = 100 });
        Assert.Contains("3-fold on", large.SelectionReason);
        Assert.DoesNotContain("repeated", large.SelectionReason);
    }

    [Fact]
    public void Cross_validation_keeps_an_accounts_customers_in_one_fold()
    {
        // 300 customers in accounts of 1 to 5; an account churns together, as a cancelled contract does.
        var random = new Random(4);
        var accounts = new string?[300];
        var labels = new float[300];
        int row = 0, account = 0;
        while (row < 300)
        {
            int size = Math.Min(300 - row, random.Next(1, 6));
            float churned = random.NextDouble() < 0.3 ? 1 : 0;
            for (int i = 0; i < size; i++, row++)
            {
                accounts[row] = account % 10 == 0 ? null : $"acc-{account}";
                labels[row] = churned;
            }
            account++;
        }
        int[] rows = [.. Enumerable.Range(0, 300)];
        var folds = AccountFolds.Folds(rows, labels, accounts, 3, seed: 1);
        Assert.Equal(300, folds.Sum(f => f.Count));
        foreach (var group in rows.Where(r => accounts[r] is not null).GroupBy(r => accounts[r]))
        {
            Assert.Single(folds, f => f.Contains(group.First()));
            Assert.All(group, r => Assert.Contains(r, folds.Single(f => f.Contains(group.First()))));
        }
        // Balanced in size and in churners.
        Assert.True(folds.Max(f => f.Count) - folds.Min(f => f.Count) <= 10, string.Join(", ", folds.Select(f => f.Count)));
        Assert.True(folds.Max(f => f.Count(r => labels[r] > 0.5f)) - folds.Min(f => f.Count(r => labels[r] > 0.5f)) <= 10);
        Assert.Equal(folds.Select(f => f.Order()), AccountFolds.Folds(rows, labels, accounts, 3, seed: 1).Select(f => f.Order()));
        // Without shared accounts the plain stratified folds are used, as before.
        Assert.False(AccountFolds.Shared(rows, [.. rows.Select(r => (string?)$"own-{r}")]));
        Assert.True(AccountFolds.Shared(rows, accounts));
    }

    [Fact]
    public void A_lead_is_noise_only_when_it_is_small_against_the_corrected_spread_of_the_paired_differences()
    {
        CandidateRun Run(params double[] prAuc) => new(prAuc.Average(), 0.8, 0, 0, [], [], prAuc);
        CandidateSpec[] specs = [Logistic(0.1), Logistic(1)];
        // A steady lead of 0.10 in every run: the differences barely vary, so it is not noise.
        var clear = SelectionNoise.Compare(specs, [Run(0.50, 0.52, 0.49, 0.51), Run(0.40, 0.41, 0.40, 0.41)], 0, folds: 2);
        Assert.False(clear.WithinNoise);
        Assert.Contains("more than twice the difference's standard error", clear.Sentence);
        // A lead of 0.01 when the paired differences swing by 0.05 either way: noise.
        var noisy = SelectionNoise.Compare(specs, [Run(0.50, 0.45, 0.55, 0.49), Run(0.46, 0.49, 0.50, 0.50)], 0, folds: 2);
        Assert.True(noisy.WithinNoise);
        Assert.Contains("The choice is within noise", noisy.Sentence);
        Assert.Contains("4 fold runs", noisy.Sentence);
    }

    [Fact]
    public void Inner_fold_candidates_fit_deterministically_and_save_the_rounds_and_penalty_they_chose()
    {
        var table = s_sample.Value;
        var early = CandidateSpec.DefaultSweep.Single(c => c.Hyperparameters.ContainsKey(CandidateSpec.EarlyStoppingKey));
        var tuned = CandidateSpec.DefaultSweep.Single(c => c.Hyperparameters.ContainsKey(CandidateSpec.TunedL2Key));
        foreach (var spec in new[] { early, tuned })
        {
            var options = new ClassifierOptions { Candidates = [spec] };
            var a = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), options);
            var b = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), options);
            Assert.Equal(a.HoldoutPredictions, b.HoldoutPredictions);
            Assert.Equal(a.Model.Info.Spec.Describe(), b.Model.Info.Spec.Describe());
            // The saved spec is a fixed one: what the inner fold chose, not the search.
            Assert.False(a.Model.Info.Spec.TunesOnInnerFold);
            Assert.Contains("chosen on an inner validation fold", a.SelectionReason);
            // On the holdout of whole accounts (new accounts) the tuned logistic regression reads 0.68, the early-stopped boosting more.
            Assert.True(a.Holdout.Auc > 0.65, $"{spec.Describe()}: holdout AUC {a.Holdout.Auc:F3}");
        }
        var stopped = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions { Candidates = [early] });
        Assert.InRange(stopped.Model.Info.Spec.Hyperparameters["iterations"], 1, early.Hyperparameters["iterations"] - 1);
        var penalised = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions { Candidates = [tuned] });
        Assert.Contains(penalised.Model.Info.Spec.Hyperparameters["l2"], CandidateFitting.L2Grid);
    }

    [Fact]
    public void The_calibrator_is_saved_and_loaded_with_the_model_and_old_or_broken_files_are_told_apart()
    {
        var table = s_sample.Value;
        var result = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions { Candidates = [Logistic(0.1)] });
        var dir = TempFolder.Create("calibrator");
        result.Model.Save(dir, "churn");
        var json = Path.Combine(dir, "churn.json");
        var ml = new Microsoft.ML.MLContext(1);
        var rawScores = result.Model.RawScores(ml, VectorData.View(ml, result.Model.Vectorizer.Bind(table), result.HoldoutRows, null), result.HoldoutRows.Length);

        // An isotonic curve written into the file is what scoring applies.
        var node = JsonNode.Parse(File.ReadAllText(json))!;
        node["calibrationMethod"] = CalibrationMethod.Isotonic;
        node["isotonic"] = new JsonObject { ["scores"] = new JsonArray(-2.0, 0.0, 2.0), ["probabilities"] = new JsonArray(0.1, 0.2, 0.9) };
        File.WriteAllText(json, node.ToJsonString());
        var loaded = BinaryModel.Load(dir, "churn");
        Assert.Equal(CalibrationMethod.Isotonic, loaded.Info.CalibrationMethod);
        var curve = loaded.Info.Isotonic!;
        var expected = rawScores.Select(curve.Apply).ToArray();
        var actual = loaded.Predict(table, result.HoldoutRows);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 6);
        }

        // The blend applies the mean of the isotonic and the Platt curve.
        node["calibrationMethod"] = CalibrationMethod.Blend;
        File.WriteAllText(json, node.ToJsonString());
        var blended = BinaryModel.Load(dir, "churn");
        var blendActual = blended.Predict(table, result.HoldoutRows);
        for (int i = 0; i < blendActual.Length; i++)
        {
            Assert.Equal((curve.Apply(rawScores[i]) + blended.Info.Calibration.Apply(rawScores[i])) / 2, blendActual[i], 6);
        }

        // A model saved before the calibrator choice (no method, no curve) loads as Platt, as it was trained.
        node.AsObject().Remove("calibrationMethod");
        node.AsObject().Remove("isotonic");
        File.WriteAllText(json, node.ToJsonString());
        var old = BinaryModel.Load(dir, "churn");
        Assert.Equal(CalibrationMethod.Platt, old.Info.CalibrationMethod);
        var platt = old.Predict(table, result.HoldoutRows);
        for (int i = 0; i < platt.Length; i++)
        {
            Assert.Equal(result.Model.Info.Calibration.Apply(rawScores[i]), platt[i], 6);
        }

        // A curve that falls, or a method without its curve, is refused with the file and the reason.
        node["calibrationMethod"] = CalibrationMethod.Isotonic;
        node["isotonic"] = new JsonObject { ["scores"] = new JsonArray(-2.0, 0.0), ["probabilities"] = new JsonArray(0.5, 0.2) };
        File.WriteAllText(json, node.ToJsonString());
        var falling = Assert.Throws<InvalidDataException>(() => BinaryModel.Load(dir, "churn"));
        Assert.Contains(json, falling.Message);
        Assert.Contains("not increasing", falling.Message);
        node.AsObject().Remove("isotonic");
        File.WriteAllText(json, node.ToJsonString());
        Assert.Contains("no isotonic curve", Assert.Throws<InvalidDataException>(() => BinaryModel.Load(dir, "churn")).Message);
    }

    [Fact]
    public void A_small_world_trains_end_to_end_with_the_new_candidates_and_reports_its_calibration()
    {
        var root = TempFolder.Create("small-world");
        var data = Path.Combine(root, "data");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Small, Customers = 300, Seed = 5 }).Generate(data);
        var result = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = data },
            RegistryPath = Path.Combine(root, "models"),
        }, NullLogger.Instance);
        // On 300 customers a holdout of a few dozen can withhold either model under the promotion floor: a withheld model's
        // metadata is recorded all the same, and it is what this test reads.
        var task = result.Metadata.Churn ?? result.Metadata.Lead ?? result.Metadata.Withheld[0];
        Assert.Contains(task.Candidates, c => c.Candidate.Contains(CandidateSpec.EarlyStoppingKey + "=", StringComparison.Ordinal));
        Assert.Contains(task.Candidates, c => c.Candidate.Contains(CandidateSpec.TunedL2Key + "=", StringComparison.Ordinal));
        Assert.Contains("repeated cross-validation", task.SelectionReason);
        var calibration = task.CalibrationChoice!;
        Assert.InRange(calibration.HoldoutEce, 0, 1);
        Assert.Equal(task.HoldoutRows, calibration.HoldoutBins.Sum(b => b.Count));
        var report = File.ReadAllText(Path.Combine(result.VersionDirectory, "report.md"));
        Assert.Contains("Expected calibration error", report);
        // The ECE carries its interval and the chance level for the holdout's size, in the metadata and the report.
        var noise = calibration.Uncertainty!;
        Assert.Equal(task.HoldoutRows, noise.Customers);
        Assert.True(noise.Low <= noise.High && calibration.HoldoutEce <= noise.High, noise.Sentence);
        Assert.Contains(noise.Sentence, report);
        // The report names the calibrator in use, not Platt for every other one.
        Assert.Contains(calibration.Method switch
        {
            CalibrationMethod.Blend => "The mean of isotonic calibration",
            CalibrationMethod.Isotonic => "Isotonic calibration",
            CalibrationMethod.None => "No calibrator",
            _ => "Platt scaling fitted",
        }, report);
        Assert.Contains(calibration.Reason, report);
        // What was saved scores as what was trained.
        var loaded = new JourneyML.Core.Registry.ModelRegistry(Path.Combine(root, "models")).LoadChampion()!;
        if (!result.Metadata.Withheld.Contains(task))
        {
            Assert.NotNull(task.Task == PredictionTask.Churn ? loaded.Churn : loaded.Lead);
        }
    }

    [Fact]
    public void On_the_small_world_the_churn_model_ranks_its_holdout_as_its_scores_do_and_close_to_the_oracle()
    {
        // The small world (300 customers in 155 accounts, 207 paying as of T, 52 churners): its churn and lead models read
        // 0.36 and 0.10 holdout ROC AUC, every driver's importance negative, because a Platt curve with a negative slope,
        // fitted on out-of-fold scores of models that saw half the rows, turned models that ranked well upside down.
        var root = TempFolder.Create("small-world-churn");
        var generator = new GeneratorOptions { World = GeneratorWorld.Small, Customers = 300, Seed = 1 };
        new SampleGenerator(generator).Generate(root);
        var table = BehaviourFeatures.Build(Dataset.Open(root, new ValidationReport()), new FeatureOptions { AsOf = generator.ReferenceAsOf }).Table;
        var truth = GroundTruth.TryLoad(root)!.AlignTo(table.CustomerIds);

        var result = ClassifierTraining.Train(table, PredictionTask.Churn, Customers(table), new ClassifierOptions(), truth.ChurnProbability);

        // What a user reads ranks the holdout exactly as the model's raw scores do: calibration changes no order.
        var ml = new Microsoft.ML.MLContext(1);
        var bound = result.Model.Vectorizer.Bind(table);
        var raw = result.Model.RawScores(ml, VectorData.View(ml, [.. result.HoldoutRows.Select(bound.Transform)], result.Model.Vectorizer.Width), result.HoldoutRows.Length);
        var holdoutTruth = result.HoldoutRows.Select(r => table.Labels[PredictionTask.Churn.Label][r]).ToArray();
        Assert.Equal(ClassificationMetrics.RocAuc(raw, holdoutTruth), result.Holdout.Auc, 9);
        // Better than chance, and within 0.15 of the planted truth scored on the same 41 customers (0.745).
        Assert.True(result.Holdout.Auc > 0.55, $"holdout ROC AUC {result.Holdout.Auc:F3}");
        Assert.True(result.OracleAuc!.Value - result.Holdout.Auc < 0.15, $"holdout ROC AUC {result.Holdout.Auc:F3}, oracle {result.OracleAuc:F3}");
        // The drivers it names help its ranking: shuffling the top one costs holdout AUC.
        Assert.True(result.Importance[0].AucDrop > 0, $"top driver {result.Importance[0].Feature}: {result.Importance[0].AucDrop:F3}");
    }
}
