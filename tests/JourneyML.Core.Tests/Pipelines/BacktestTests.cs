using System.Globalization;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Reports;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Pipelines;

/// <summary>The out-of-time backtest: trained as of T-H, scored as of T, beside the holdout; skipped with a reason when it cannot be honest.</summary>
public sealed class BacktestTests
{
    private static readonly DateTime s_asOf = SteadyWorld.AsOf;

    private static KnownTruth Oracle(IReadOnlyDictionary<string, (double? Churn, double? Conversion)> planted) =>
        new(planted.ToDictionary(p => p.Key, p => new KnownCustomerTruth(null, p.Value.Churn, p.Value.Conversion)));

    private static TrainingRunResult Train(string data, string registry, KnownTruth? oracle = null, DateTime? asOf = null, bool backtest = true,
        bool force = false) =>
        TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = data, AsOf = asOf },
            RegistryPath = registry,
            Candidates = [CandidateSpec.Default],
            Oracle = oracle,
            Backtest = backtest,
            Force = force,
        }, NullLogger.Instance);

    [Fact]
    public void On_data_whose_drivers_hold_the_backtest_ranks_later_customers_well_and_the_report_shows_it_beside_the_holdout()
    {
        var dir = TempFolder.Create("backtest");
        var data = Path.Combine(dir, "data");
        var planted = SteadyWorld.Write(data, customers: 1000);
        var run = Train(data, Path.Combine(dir, "models"), Oracle(planted));

        var b = run.Metadata.Backtest!;
        Assert.Null(b.Skipped);
        Assert.Equal(s_asOf.AddDays(-90), b.TrainedAsOf);
        Assert.Equal(s_asOf, b.ScoredAsOf);
        foreach (var (task, model) in new[] { (PredictionTask.Churn, run.Churn!), (PredictionTask.Lead, run.Lead!) })
        {
            var t = b.For(task)!;
            Assert.Null(t.Skipped);
            var m = t.OutOfTime!;
            // Scored: every labelled customer of the population as of T, the holdout and the run's training rows alike.
            Assert.Equal(model.TrainRows.Length + model.HoldoutRows.Length, m.Count);
            Assert.True(m.Auc > 0.65, $"{task}: backtest ROC AUC {m.Auc:F3} on {m.Count} ({m.Positives} positive), oracle {t.OracleAuc:F3}, holdout {model.Holdout.Auc:F3}; trained on {t.TrainedOn} ({t.TrainedPositives} positive), in time {t.InTimeAuc:F3}");
            Assert.True(t.Intervals!.Auc.Low > 0.5 && t.Intervals.Auc.Low < m.Auc && m.Auc < t.Intervals.Auc.High, $"{task}: {t.Intervals.Auc}");
            Assert.InRange(m.PrecisionAtTop10, t.Intervals.PrecisionAtTop10.Low, t.Intervals.PrecisionAtTop10.High);
            // The planted probabilities, on the same customers, are reported beside it (and rank them better: they know the true rates).
            Assert.True(t.OracleAuc > 0.65, $"{task}: oracle {t.OracleAuc:F3}");
            Assert.True(t.TrainedOn > 100 && t.TrainedPositives >= 10);
        }

        // metadata.json keeps it, and the report shows it in the summary and beside each holdout.
        var stored = new ModelRegistry(Path.Combine(dir, "models")).Find(run.Metadata.Version)!;
        Assert.Equal(b.For(PredictionTask.Churn)!.OutOfTime!.Auc, stored.Backtest!.For(PredictionTask.Churn)!.OutOfTime!.Auc);
        var report = File.ReadAllText(Path.Combine(run.VersionDirectory, TrainingReport.MarkdownFileName));
        string churnAuc = b.For(PredictionTask.Churn)!.OutOfTime!.Auc.ToString("F3", CultureInfo.InvariantCulture);
        Assert.Contains($"**Out-of-time backtest:** the chosen candidate refitted as of {s_asOf.AddDays(-90):yyyy-MM-dd}, scored as of {s_asOf:yyyy-MM-dd}", report);
        Assert.Contains($"| ROC AUC | {run.Churn!.Holdout.Auc.ToString("F3", CultureInfo.InvariantCulture)} | {churnAuc} |", report);
        int churnSection = report.IndexOf("## Churn model", StringComparison.Ordinal), leadSection = report.IndexOf("## Lead model", StringComparison.Ordinal);
        int holdout = report.IndexOf("### How good it is on held-out customers", churnSection, StringComparison.Ordinal);
        int backtest = report.IndexOf("### Out-of-time backtest", churnSection, StringComparison.Ordinal);
        Assert.True(holdout < backtest && backtest < leadSection, "the churn backtest follows the churn holdout");
        Assert.True(report.IndexOf("### Out-of-time backtest", leadSection, StringComparison.Ordinal) > leadSection, "the lead model has its own");
    }

    [Fact]
    public void The_backtest_learns_nothing_from_after_T_changing_outcomes_and_events_after_T_leaves_its_model_and_scores_unchanged()
    {
        var dir = TempFolder.Create("backtest-leak");
        var original = Path.Combine(dir, "original");
        SteadyWorld.Write(original, customers: 500);
        var altered = Path.Combine(dir, "altered");
        TempFolder.Copy(original, altered);
        ChangeEverythingAfter(altered, s_asOf);

        var before = Backtest(original);
        var after = Backtest(altered);
        foreach (var task in new[] { PredictionTask.Churn, PredictionTask.Lead })
        {
            TaskBacktest b = before.Metadata.For(task)!, a = after.Metadata.For(task)!;
            Assert.Null(b.Skipped);
            // The training part (as of T-H, labels up to T) and the scores at T are the same, to the last bit...
            Assert.Equal((b.TrainedOn, b.TrainedPositives, b.Trainer, b.InTimeAuc), (a.TrainedOn, a.TrainedPositives, a.Trainer, a.InTimeAuc));
            Assert.Equal(before.Scores[task], after.Scores[task]);
            // ...while what they are graded against, the outcomes in (T, T+H], did change.
            Assert.NotEqual(b.OutOfTime!.Positives, a.OutOfTime!.Positives);
        }
    }

    [Fact]
    public void Data_too_short_for_an_earlier_horizon_skips_the_backtest_with_the_reason_and_the_run_still_succeeds()
    {
        var dir = TempFolder.Create("backtest-short");
        var data = Path.Combine(dir, "data");
        var start = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        SteadyWorld.Write(data, customers: 900, dataStart: start);
        // Two months of history: the churn model need not clear the promotion floor; this test is about the skipped backtest.
        var run = Train(data, Path.Combine(dir, "models"), force: true);

        Assert.NotNull(run.Churn);
        var b = run.Metadata.Backtest!;
        Assert.Equal($"the data is too short: the export starts on 2026-02-01, not before {s_asOf.AddDays(-90):yyyy-MM-dd} (the as-of date {s_asOf:yyyy-MM-dd} minus the 90-day horizon)", b.Skipped);
        Assert.Empty(b.Tasks);
        var report = File.ReadAllText(Path.Combine(run.VersionDirectory, TrainingReport.MarkdownFileName));
        Assert.Contains("**Out-of-time backtest:** none: the data is too short: the export starts on 2026-02-01", report);
    }

    [Fact]
    public void Too_few_outcomes_before_T_skip_that_task_with_the_counts_and_a_late_as_of_date_is_scored_where_labels_are_complete()
    {
        var dir = TempFolder.Create("backtest-late");
        // As of 30 days before the data's end the horizon is not over: the backtest moves to the latest complete date and says so.
        var (trainedAt, scoredAt, notes) = OutOfTimeBacktest.Dates(SteadyWorld.DataAsOf.AddDays(-30), SteadyWorld.DataAsOf, 90);
        Assert.Equal((s_asOf.AddDays(-90), s_asOf), (trainedAt, scoredAt));
        Assert.Contains(notes, n => n.Contains("labels are not all known yet", StringComparison.Ordinal) && n.Contains($"scored as of {s_asOf:yyyy-MM-dd}", StringComparison.Ordinal));
        // An as-of date whose horizon ends within the data: trained one horizon before it, scored at it.
        var early = s_asOf.AddDays(-45);
        Assert.Equal((early.AddDays(-90), early, 0), OutOfTimeBacktest.Dates(early, SteadyWorld.DataAsOf, 90) is var d ? (d.TrainedAt, d.ScoredAt, d.Notes.Count) : default);

        // An export with no churn in the horizon before T (every cancellation of that horizon removed): nothing to learn from there.
        var sample = Path.Combine(dir, "no-churn-before-t");
        SteadyWorld.Write(sample, customers: 500);
        RemoveChurnsIn(sample, s_asOf.AddDays(-90), s_asOf);
        var sampleRun = Train(sample, Path.Combine(dir, "sample-models"), backtest: true);
        var churn = sampleRun.Metadata.Backtest!.For(PredictionTask.Churn)!;
        Assert.Null(churn.OutOfTime);
        Assert.Matches("^0 positive and [0-9,]+ negative examples among the customer rows as of 2026-01-02 \\(at least 10 of each needed\\)$", churn.Skipped);
    }

    /// <summary>Blanks every churn date in (<paramref name="from"/>, <paramref name="to"/>] of a folder's outcomes.csv.</summary>
    private static void RemoveChurnsIn(string directory, DateTime from, DateTime to)
    {
        string path = Path.Combine(directory, "outcomes.csv");
        var lines = File.ReadAllLines(path).Select((line, i) =>
        {
            var cells = line.Split(',');
            return i > 0 && cells[1].Length > 0 && DateTime.Parse(cells[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal) is var churned
                && churned > from && churned <= to
                ? $"{cells[0]},,{cells[2]}"
                : line;
        });
        File.WriteAllLines(path, lines);
    }

    [Fact]
    public void The_backtest_refits_the_runs_chosen_candidate_and_calibrator_kind_instead_of_running_a_new_sweep()
    {
        var dir = TempFolder.Create("backtest-refit");
        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 500);
        // The sweep offers LightGBM only; the run "chose" a plain logistic regression without calibration. A new sweep would
        // fit LightGBM with a fitted calibrator; the refit keeps what the run chose.
        var chosen = new ChosenCandidate(CandidateSpec.PlainLogistic, CalibrationMethod.None);
        var run = Backtest(data, new Dictionary<PredictionTask, ChosenCandidate> { [PredictionTask.Churn] = chosen, [PredictionTask.Lead] = chosen });
        Assert.Equal(OutOfTimeBacktest.RefitMethod, run.Metadata.Method);
        foreach (var task in new[] { PredictionTask.Churn, PredictionTask.Lead })
        {
            var t = run.Metadata.For(task)!;
            Assert.Null(t.Skipped);
            Assert.Equal((CandidateSpec.LogisticRegression, CandidateSpec.PlainLogistic.Describe(), CalibrationMethod.None), (t.Trainer, t.Candidate, t.Calibration));
        }
        // Deterministic: the same refit gives the same scores.
        var again = Backtest(data, new Dictionary<PredictionTask, ChosenCandidate> { [PredictionTask.Churn] = chosen, [PredictionTask.Lead] = chosen });
        Assert.Equal(run.Scores[PredictionTask.Churn], again.Scores[PredictionTask.Churn]);
    }

    [Fact]
    public void A_training_run_backtests_the_candidate_its_sweep_chose_and_says_so_in_the_metadata_the_report_and_its_log()
    {
        var dir = TempFolder.Create("backtest-chosen");
        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 600);
        var logger = new ListLogger();
        var run = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = data },
            RegistryPath = Path.Combine(dir, "models"),
            Candidates = [CandidateSpec.Default, CandidateSpec.PlainLogistic],
            Force = true,
        }, logger);

        var b = run.Metadata.Backtest!;
        Assert.Equal(OutOfTimeBacktest.RefitMethod, b.Method);
        foreach (var model in new[] { run.Churn!, run.Lead! })
        {
            var t = b.For(model.Task)!;
            Assert.Equal(model.Chosen!.Spec.Trainer, t.Trainer);
        }
        // The backtest's own sweep is the one chosen candidate (where the time went: the run's phases).
        var phases = run.Phases.Phases.Select(p => p.Phase).ToList();
        Assert.Contains("backtest / churn / candidate sweep / 1. " + run.Churn!.Chosen!.Spec.Trainer, phases);
        Assert.DoesNotContain("backtest / churn / candidate sweep / 2. " + CandidateSpec.LogisticRegression, phases);
        Assert.Contains("churn / candidate sweep / 2. " + CandidateSpec.LogisticRegression, phases);
        Assert.Contains(logger.Lines, l => l.StartsWith("Training took ", StringComparison.Ordinal) && l.Contains("backtest", StringComparison.Ordinal));

        var report = File.ReadAllText(Path.Combine(run.VersionDirectory, TrainingReport.MarkdownFileName));
        Assert.Contains($"**Out-of-time backtest:** the chosen candidate refitted as of {s_asOf.AddDays(-90):yyyy-MM-dd}, scored as of {s_asOf:yyyy-MM-dd}", report);
        Assert.Contains($"This model's candidate was refitted as of {s_asOf.AddDays(-90):yyyy-MM-dd}", report);
        Assert.Contains("no new selection sweep", report);
    }

    [Fact]
    public void A_ready_feature_table_and_a_run_that_turns_it_off_say_why_there_is_no_backtest()
    {
        var dir = TempFolder.Create("backtest-off");
        var table = ReadyTables.Telco(dir, rows: 300);
        var ready = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureTableSource(table) { IdColumn = "customerID", LabelColumn = "Churn" },
            RegistryPath = Path.Combine(dir, "ready-models"),
            Candidates = [CandidateSpec.Default],
        }, NullLogger.Instance);
        Assert.Equal(OutOfTimeBacktest.ReadyTableReason, ready.Metadata.Backtest!.Skipped);
        Assert.Contains("none: a ready feature table holds one date only", File.ReadAllText(Path.Combine(ready.VersionDirectory, TrainingReport.MarkdownFileName)));

        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 300);
        var off = Train(data, Path.Combine(dir, "models"), backtest: false);
        Assert.Equal(OutOfTimeBacktest.TurnedOffReason, off.Metadata.Backtest!.Skipped);
    }

    [Fact]
    public void Wilson_intervals_match_the_textbook_values()
    {
        // 3 of 4 (the issue's "75.0% churned" on four customers): 30.1% to 95.4%.
        var r = HoldoutIntervals.Wilson(3, 4);
        Assert.Equal(0.301, r.Low, 3);
        Assert.Equal(0.954, r.High, 3);
        var zero = HoldoutIntervals.Wilson(0, 20);
        Assert.Equal(0, zero.Low, 6);
        Assert.Equal(0.161, zero.High, 3);
    }

    private static BacktestRun Backtest(string data, IReadOnlyDictionary<PredictionTask, ChosenCandidate>? chosen = null)
    {
        var features = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data }, NullLogger.Instance);
        var plan = features.Summary.Plan!;
        var classifier = new ClassifierOptions { Candidates = [CandidateSpec.Default], Screen = [.. plan.Attributes.Select(a => a.Name)] };
        return OutOfTimeBacktest.Run(new BacktestInputs(features.Dataset, new FeatureRunOptions { DataDirectory = data }, plan, features.Table, classifier,
            [PredictionTask.Churn, PredictionTask.Lead], Chosen: chosen), NullLogger.Instance, CancellationToken.None);
    }

    /// <summary>Every other outcome after T undone, and logins and tickets after T for every fifth customer who never churns.</summary>
    private static void ChangeEverythingAfter(string data, DateTime asOf)
    {
        var outcomes = Path.Combine(data, "outcomes.csv");
        var lines = File.ReadAllLines(outcomes);
        int seen = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            for (int c = 1; c <= 2; c++)
            {
                if (f[c].Length > 0 && DateTime.Parse(f[c], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) > asOf && seen++ % 2 == 0)
                {
                    f[c] = "";
                }
            }
            lines[i] = string.Join(',', f);
        }
        File.WriteAllLines(outcomes, lines);
        // Only customers signed up before T who never churn: activity before a sign-up or after a churn is an impossible timeline.
        var signedUpBefore = File.ReadLines(Path.Combine(data, "customers.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => DateTime.Parse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) < asOf).Select(f => f[0]).ToHashSet();
        var extra = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[1].Length == 0 && signedUpBefore.Contains(f[0])).Select(f => f[0]).Where((_, i) => i % 5 == 0)
            .SelectMany(id => new[] { $"{id},{asOf.AddDays(3):yyyy-MM-ddTHH:mm:ssZ},login,web,", $"{id},{asOf.AddDays(40):yyyy-MM-ddTHH:mm:ssZ},ticket_opened,email," });
        File.AppendAllLines(Path.Combine(data, "events.csv"), extra);
    }
}
