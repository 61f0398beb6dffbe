using System.Globalization;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Reports;

/// <summary>Turns a run's metadata into the report's blocks, in the reader's order: decision first, evidence after.</summary>
internal sealed partial class ReportBuilder(ModelMetadata metadata)
{
    /// <summary>The population stability index above which a feature or score counts as drifted.</summary>
    public const double DriftThreshold = 0.2;
    private const int TopImportance = 10;

    private readonly List<ReportBlock> _blocks = [];

    /// <summary>How a classifier's results are told to a CS or marketing reader.</summary>
    private sealed record TaskWords(string Section, string Slug, string Title, string Subjects, string Outcome, string TopWord);

    private static readonly TaskWords s_churnWords = new("Churn model", "churn", "churn", "customers", "churned", "highest-risk");
    private static readonly TaskWords s_leadWords = new("Lead model", "lead", "lead conversion", "leads", "converted", "highest-scoring");
    // A ready table trained with --task conversion: called what its user called it.
    private static readonly TaskWords s_conversionWords = new("Conversion model", "lead", "conversion", "leads", "converted", "highest-scoring");

    private TaskWords LeadWords => metadata.Mode == TrainingMode.FeatureTable ? s_conversionWords : s_leadWords;

    public static ReportDocument Build(ModelMetadata metadata) => new ReportBuilder(metadata).Build();

    private ReportDocument Build()
    {
        Summary();
        Segments();
        Classifier(metadata.Churn ?? WithheldModel(PredictionTask.Churn), s_churnWords);
        AtRiskList();
        Classifier(metadata.Lead ?? WithheldModel(PredictionTask.Lead), LeadWords);
        TimeToChurn();
        Interventions();
        Drift();
        Promotion();
        FeatureList();
        return new ReportDocument($"JourneyML training report: version {metadata.Version}", _blocks);
    }

    // ---- Summary --------------------------------------------------------------------------------------------

    private void Summary()
    {
        Heading(2, "Summary", "summary");
        if (!metadata.Complete)
        {
            Paragraph("this version folder is not marked complete: the run may have stopped before it finished. Do not serve it.", "Warning:");
        }
        var rows = metadata.Rows;
        var facts = new List<Fact>
        {
            new("Version", metadata.Version),
            new("Trained", Format.Timestamp(metadata.CreatedAt) + ", in " + Format.Seconds(metadata.TrainingSeconds)),
            new("Mode", metadata.Mode.Name() + (metadata.Mode == TrainingMode.BehaviourLogs
                ? " (features built from events as of a date)"
                : " (a ready table of features)")),
            new("As-of date", metadata.AsOf is { } asOf ? Format.Date(asOf) : "none (the table was used as given)"),
            new("Horizon", metadata.HorizonDays is { } h ? $"{h} days after the as-of date" : Format.Missing),
            new("Customers", Format.Count(rows.Customers)),
            new("Rows by status", rows.ByStatus.Count == 0 ? Format.Missing : string.Join(", ", rows.ByStatus
                .OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => $"{s.Key} {Format.Count(s.Value)} ({Format.Percent(rows.Customers == 0 ? double.NaN : (double)s.Value / rows.Customers)})"))),
        };
        if (metadata.AsOf is not null)
        {
            facts.Add(new("Events", $"{Format.Count(rows.EventsBeforeAsOf)} before the as-of date (used for features), {Format.Count(rows.EventsAfterAsOf)} after (used for labels only)"));
            facts.Add(new("Signed up after the as-of date", Format.Count(rows.SignedUpAfterAsOf)));
        }
        facts.Add(new("Invalid rows skipped", Format.Count(rows.InvalidRowsSkipped)));
        facts.Add(new("Data fingerprint", metadata.DataFingerprint));
        _blocks.Add(new FactsBlock(facts));

        PromotionLine();
        foreach (var warning in ModelWarnings.Of(metadata))
        {
            Paragraph(warning + ".", "Warning:");
        }
        DriftSummaryLine();
        GroundTruthLines();
        foreach (var (task, words) in new[] { (metadata.Churn ?? WithheldModel(PredictionTask.Churn), s_churnWords), (metadata.Lead ?? WithheldModel(PredictionTask.Lead), LeadWords) })
        {
            if (task is null)
            {
                if (!(metadata.Mode == TrainingMode.FeatureTable && metadata.NotTrained.Count == 0))
                {
                    Paragraph(NoTaskText(words), words.Section + ":");
                }
                continue;
            }
            var m = task.Holdout;
            var i = task.Intervals;
            Paragraph($"{(metadata.Withheld.Contains(task) ? "not served (below the promotion floor); " : "")}{task.Trainer}, " +
                $"holdout ROC AUC {IntervalText.Ratio(m.Auc, i?.Auc)}, PR-AUC {IntervalText.Ratio(m.PrAuc, i?.PrAuc)}; " +
                $"of the 5% {words.TopWord} {words.Subjects}, {Format.Percent(m.PrecisionAtTop5)} {words.Outcome}{IntervalText.ShareDetail(i?.Top5)} (base rate {Format.Percent(m.BaseRate)})." +
                (task.HoldoutWarning is { } small ? $" Careful: {small}." : ""),
                words.Section + ":");
        }
        BacktestSummaryLine();
    }

    private void PromotionLine()
    {
        if (metadata.Promotion is not { } p)
        {
            Paragraph("no promotion decision was recorded for this version.", "Promotion:");
            return;
        }
        string verdict = p.Promoted
            ? "promoted: this version is now the champion" + (p.PreviousChampion is { } prev ? $" (replaces {prev})" : " (first champion)")
            : "not promoted: the champion" + (p.PreviousChampion is { } champion ? $" {champion}" : "") + " stays in service";
        Paragraph($"{verdict}{(p.Forced ? ", forced by the operator" : "")}. {p.Reason}", "Promotion:");
    }

    private void DriftSummaryLine()
    {
        if (metadata.Drift.Count == 0)
        {
            Paragraph("not checked: there is no champion to compare against (first model) or no drift was recorded.", "Drift:");
            return;
        }
        var flagged = metadata.Drift.Where(d => d.Flagged).OrderByDescending(d => d.Psi).ToList();
        Paragraph(flagged.Count == 0
            ? $"no feature or score moved beyond PSI {Format.Number(DriftThreshold, 1)} against the champion's training data ({metadata.Drift.Count} checked)."
            : $"{flagged.Count} of {metadata.Drift.Count} flagged (PSI above {Format.Number(DriftThreshold, 1)}): " +
              string.Join(", ", flagged.Select(d => $"{d.Name} (PSI {Format.Number(d.Psi, 2)})")) + ".", "Drift:");
    }

    private void GroundTruthLines()
    {
        if (metadata.GroundTruth is not { } g)
        {
            return;
        }
        var parts = new List<string>();
        if (g.SegmentAdjustedRandIndex is { } ari)
        {
            parts.Add($"segments agree with the planted segments at ARI {Format.Ratio(ari)} (1 = identical, 0 = chance)");
        }
        if (g.ChurnModelAuc is not null || g.ChurnOracleAuc is not null)
        {
            parts.Add($"churn model ROC AUC {Format.Ratio(g.ChurnModelAuc)} against {Format.Ratio(g.ChurnOracleAuc)} for the oracle (the true generating probabilities)");
        }
        if (g.LeadModelAuc is not null || g.LeadOracleAuc is not null)
        {
            parts.Add($"lead model ROC AUC {Format.Ratio(g.LeadModelAuc)} against {Format.Ratio(g.LeadOracleAuc)} for the oracle");
        }
        if (parts.Count > 0)
        {
            Paragraph(string.Join("; ", parts) + ".", "Against the planted truth (generated data):");
        }
    }

    // ---- Segments -------------------------------------------------------------------------------------------

    private void Segments()
    {
        var s = metadata.Segmentation;
        Heading(2, "Segments", "segments");
        Paragraph($"{s.ChosenK} segments. {s.ChoiceReason}", "Chosen k:");

        SegmentColumns(s);

        Heading(3, "Every k tried", "segments-k");
        if (s.Candidates.Count == 0)
        {
            Paragraph("no k candidates were recorded (a fixed number of segments was asked for).");
        }
        else
        {
            Paragraph("Silhouette (-1 to 1) and Calinski-Harabasz: higher means tighter, better separated segments. " +
                "Gap: how much tighter the segments are than in structureless data (higher is better; ± one standard error). " +
                "Inertia only falls as k grows, so it is shown for reference.");
            _blocks.Add(new TableBlock(
                [new("k", true), new("Silhouette", true), new("Calinski-Harabasz", true), new("Gap", true), new("Inertia", true), new("")],
                s.Candidates.OrderBy(c => c.K).Select(c => new TableRow(
                    [c.K.ToString(CultureInfo.InvariantCulture), Format.Ratio(c.Silhouette), Format.Number(c.CalinskiHarabasz, 1),
                     double.IsFinite(c.Gap) ? $"{Format.Ratio(c.Gap)} ± {Format.Ratio(c.GapError)}" : Format.Missing,
                     Format.Number(c.Inertia, 0), c.K == s.ChosenK ? "chosen" : ""],
                    c.K == s.ChosenK ? RowMark.Chosen : RowMark.None)).ToList()));
            var candidates = s.Candidates;
            int chosenK = s.ChosenK;
            Chart("k-selection", $"Silhouette and gap statistic for each k tried; the dotted line marks the chosen k = {chosenK}.",
                () => ReportCharts.KSelection(candidates, chosenK).Png);
        }

        Heading(3, "Segments at a glance", "segments-overview");
        if (s.Profiles.Count == 0)
        {
            Paragraph("no segment profiles were recorded.");
        }
        else
        {
            _blocks.Add(new TableBlock(
                [new("Id", true), new("Segment"), new("Customers", true), new("Share", true), new("Churn rate", true), new("Conversion rate", true), new("Distinguished by"), new("")],
                s.Profiles.Select(p => new TableRow(
                    [p.SegmentId.ToString(CultureInfo.InvariantCulture), p.Name, Format.Count(p.Size), Format.Percent(p.Share),
                     Format.Percent(p.ChurnRate), Format.Percent(p.ConversionRate), string.Join(", ", p.DistinguishingFeatures), p.IsNew ? "new" : ""])).ToList()));
        }
        foreach (var profile in s.Profiles)
        {
            SegmentDetail(profile);
        }

        Heading(3, "New and vanished segments", "segments-changes");
        var names = s.Profiles.ToDictionary(p => p.SegmentId, p => p.Name);
        Paragraph(s.NewSegments.Count == 0 ? "none: every segment matches one of the champion's."
            : string.Join(", ", s.NewSegments.Select(id => names.TryGetValue(id, out var n) ? $"{id} ({n})" : id.ToString(CultureInfo.InvariantCulture))) +
              ": no counterpart in the champion model; worth a look by marketing.", "New segments:");
        Paragraph(s.VanishedSegments.Count == 0 ? "none."
            : string.Join(", ", s.VanishedSegments.Select(id => id.ToString(CultureInfo.InvariantCulture))) +
              ": segments of the champion with no counterpart in this model; campaigns aimed at them need a new target.", "Vanished segments:");
    }

    /// <summary>Every column of the table: whether the segments were found on it, how, or why it was left out.</summary>
    private void SegmentColumns(SegmentationMetadata s)
    {
        if (s.Columns.Count == 0)
        {
            return;
        }
        Heading(3, "Columns the segments are found on", "segments-columns");
        Paragraph($"{s.Columns.Count(c => c.Used)} of {s.Columns.Count} columns used. A categorical column's levels are one-hot encoded and together weigh " +
            "as much as one numeric column (when categorical columns outnumber numeric ones, together as much as the numeric ones).");
        _blocks.Add(new TableBlock([new("Column"), new("Kind"), new("Used"), new("How, or why not")],
            s.Columns.Select(c => new TableRow([c.Column, c.Kind, c.Used ? "yes" : "left out", c.Reason], c.Used ? RowMark.None : RowMark.Flagged)).ToList()));
    }

    private void SegmentDetail(SegmentProfile p)
    {
        Heading(4, $"Segment {p.SegmentId}: {p.Name}{(p.IsNew ? " (new)" : "")}", $"segment-{p.SegmentId}");
        Paragraph($"{Format.Count(p.Size)} customers ({Format.Percent(p.Share)} of all); churn rate {Format.Percent(p.ChurnRate)}; conversion rate {Format.Percent(p.ConversionRate)}.");
        if (!string.IsNullOrWhiteSpace(p.Description))
        {
            Paragraph(p.Description);
        }
        var byName = p.Features.GroupBy(f => f.Feature, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var shown = p.DistinguishingFeatures.Where(byName.ContainsKey).Select(f => byName[f]).ToList();
        if (shown.Count == 0)
        {
            shown = p.Features.OrderByDescending(f => Math.Abs(f.ZScore)).Take(3).ToList();
        }
        if (shown.Count > 0)
        {
            _blocks.Add(new TableBlock(
                [new("Distinguishing feature"), new("Segment mean", true), new("Population mean", true), new("Difference (standard deviations)", true)],
                shown.Select(f =>
                {
                    // One precision per row, so segment and population means line up and compare at a glance.
                    int decimals = Math.Max(Math.Abs(f.Mean), Math.Abs(f.PopulationMean)) >= 100 ? 0 : 2;
                    return new TableRow([f.Feature, Format.Number(f.Mean, decimals), Format.Number(f.PopulationMean, decimals), Format.Signed(f.ZScore, 2)]);
                }).ToList()));
        }
    }

    // ---- Classifiers ----------------------------------------------------------------------------------------

    private string NoTaskText(TaskWords words)
    {
        // A ready table has one label: the reason recorded for it, else the task was simply not asked for.
        if (metadata.Mode == TrainingMode.FeatureTable)
        {
            return metadata.NotTrained.Count > 0 ? "not trained: " + string.Join("; ", metadata.NotTrained) + "."
                : $"not trained: the table's label is for the other task.";
        }
        string task = words == s_churnWords ? PredictionTask.Churn.Name : PredictionTask.Lead.Name;
        return metadata.NotTrained.FirstOrDefault(n => n.StartsWith($"no {task} model: ", StringComparison.Ordinal)) is { } why
            ? $"not trained: {why[$"no {task} model: ".Length..]}."
            : words == s_churnWords ? "not trained: the data has no churn label." : "not trained: the data has no conversion label.";
    }

    /// <summary>A model of the task trained but left out of the version by the promotion floor; null when none was.</summary>
    private TaskMetadata? WithheldModel(PredictionTask task) => metadata.Withheld.FirstOrDefault(t => t.Task == task);

    private void Classifier(TaskMetadata? task, TaskWords words)
    {
        Heading(2, words.Section, words.Slug);
        if (task is null)
        {
            Paragraph(NoTaskText(words));
            return;
        }
        if (metadata.Withheld.Contains(task))
        {
            Paragraph($"this model is not in the version and scores no {words.Subjects}: it fails the promotion floor. {task.Floor?.Reason}. " +
                "Its evidence follows, for the data scientist; more labelled history or better signals are what would lift it.", "Not served:");
        }
        ClassifierFacts(task, words);
        TrainerChoice(task, words);
        HoldoutQuality(task, words);
        BacktestSection(task, words);
        CalibrationCheck(task, words);
        LiftByDecile(task.Holdout, words);
        ScoreDrivers(task, words);
    }

    /// <summary>The At-risk stage's cut and what its list did on the holdout (issue 18): what a CS lead defends to their VP.</summary>
    private void AtRiskList()
    {
        if (metadata.AtRisk is not { } cut)
        {
            return;
        }
        Heading(3, "At-risk list", "churn-at-risk");
        Paragraph(cut.Describe() + ".", "At-risk:");
        Paragraph("a paying customer is At-risk when the model gives them at least twice the churn risk of the average paying customer. " +
            "Risks are calibrated, so the list is the customers at least twice as likely to leave as one picked at random; the cut depends on the base rate " +
            "alone, so the holdout figures above are out of sample. A scoring run applies the same rule to its own paying customers " +
            "(twice their mean churn risk), as those still paying months later are often calmer than the ones trained on. " +
            "A fixed cut or the N riskiest customers can be set in stages.json instead.", "Rule:");
    }

    private void ClassifierFacts(TaskMetadata task, TaskWords words)
    {
        var m = task.Holdout;
        _blocks.Add(new FactsBlock(
        [
            new("Predicts", $"{task.Task}: label {task.Label}"),
            new("Population", task.Population),
            new("Rows", $"{Format.Count(task.TrainRows)} to train and select, {Format.Count(task.HoldoutRows)} held out for the metrics below"),
            new("Base rate (holdout)", $"{Format.Percent(m.BaseRate)} {words.Outcome} ({Format.Count(m.Positives)} of {Format.Count(m.Count)})"),
        ]));
    }

    private void TrainerChoice(TaskMetadata task, TaskWords words)
    {
        Heading(3, "Trainer", $"{words.Slug}-trainer");
        Paragraph($"{task.Trainer}. {task.SelectionReason}", "Chosen:");
        if (task.Hyperparameters.Count > 0)
        {
            Paragraph(string.Join(", ", task.Hyperparameters.OrderBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => $"{h.Key} = {h.Value.ToString(CultureInfo.InvariantCulture)}")), "Hyperparameters:");
        }
        if (task.Candidates.Count == 0)
        {
            Paragraph("no other candidate was tried (a fixed trainer was asked for).");
        }
        else
        {
            Paragraph("Every candidate, cross-validated on the training rows; the one with the highest PR-AUC is chosen.");
            _blocks.Add(new TableBlock(
                [new("Candidate"), new("PR-AUC (CV)", true), new("± std", true), new("ROC AUC (CV)", true), new("Time", true), new("")],
                task.Candidates.OrderByDescending(c => c.PrAuc).Select(c => new TableRow(
                    [c.Candidate, Format.Ratio(c.PrAuc), Format.Ratio(c.PrAucStd), Format.Ratio(c.Auc), Format.Seconds(c.Seconds), c.Chosen ? "chosen" : ""],
                    c.Chosen ? RowMark.Chosen : RowMark.None)).ToList()));
        }
    }

    private void HoldoutQuality(TaskMetadata task, TaskWords words)
    {
        var m = task.Holdout;
        Heading(3, "How good it is on held-out customers", $"{words.Slug}-holdout");
        if (task.HoldoutWarning is { } small)
        {
            Paragraph($"{small}.", "Too small to trust:");
        }
        _blocks.Add(new TableBlock([new("Metric"), new("Value", true), new("What it means")], HoldoutRows(m, task.Intervals, words)));
        if (task.Floor is { } floor)
        {
            Paragraph($"{(floor.Passed ? "passed" : "failed")}: {floor.Reason}. A model is served only when its holdout ROC AUC's 95% lower bound is above 0.5 " +
                "and it does not rank worse than its best single feature alone beyond noise (direction and encoding fitted on the training rows; " +
                "the gap's 95% interval from a paired bootstrap of the holdout)." +
                (floor.WithinNoiseOfBaseline ? " It is served, but that one column would rank these customers about as well as the model does." : ""),
                "Promotion floor:");
        }
        if (task.OracleAuc is { } oracle)
        {
            Paragraph($"the true generating probabilities would reach ROC AUC {Format.Ratio(oracle)}; the model reaches {Format.Ratio(m.Auc)}.", "Oracle:");
        }
        string title = words.Title;
        Chart($"roc-{words.Slug}", $"ROC curve of the {title} model on the holdout; the dashed diagonal is a random ranking.", () => ReportCharts.Roc(m, title).Png);
    }

    private void CalibrationCheck(TaskMetadata task, TaskWords words)
    {
        var m = task.Holdout;
        string slug = words.Slug, title = words.Title;
        Heading(3, "Calibration", $"{slug}-calibration");
        Paragraph($"Can a score be read as a probability? Holdout {words.Subjects} in ten equal groups by predicted probability: " +
            $"points on the diagonal mean that of the {words.Subjects} scored 0.30, about 30% {words.Outcome}. " +
            CalibratorWords(task));
        if (task.CalibrationChoice is { Uncertainty: { } noise })
        {
            Paragraph($"{noise.Sentence} The gap between predicted and observed, row-weighted over ten equal-width bins of the probability; " +
                $"the interval resamples the holdout's {words.Subjects}, and the chance level draws their outcomes from the predicted probabilities themselves.",
                "Expected calibration error:");
        }
        else if (task.CalibrationChoice is { } choice)
        {
            Paragraph($"{Format.Number(choice.HoldoutEce, 3)} on the holdout (the row-weighted gap between predicted and observed over ten equal-width bins of the " +
                $"probability; the aim is below {Format.Number(CalibrationSummary.EceAim, 2)}" +
                (choice.HoldoutEce < CalibrationSummary.EceAim ? ", met)." : $", not met{(m.Count < 1_000 ? $": on {Format.Count(m.Count)} held-out {words.Subjects} part of the gap is sampling noise" : "")})."),
                "Expected calibration error:");
        }
        Chart($"calibration-{slug}", $"Reliability of the {title} probabilities: predicted against observed per decile and per equal-width bin (the ECE's bins), with the diagonal.",
            () => ReportCharts.Calibration(m, title, task.CalibrationChoice?.HoldoutBins).Png);
        if (m.Reliability.Count > 0)
        {
            _blocks.Add(new TableBlock(
                [new("Group (low to high)", true), new(Capitalise(words.Subjects), true), new("Mean predicted", true), new("Observed", true), new("Observed - predicted", true)],
                m.Reliability.Select(b => new TableRow([b.Bin.ToString(CultureInfo.InvariantCulture), Format.Count(b.Count), Format.Percent(b.MeanPredicted),
                    Format.Percent(b.ObservedRate), Signed(b.ObservedRate - b.MeanPredicted)])).ToList()));
        }
    }

    private static string CalibratorWords(TaskMetadata task) => task.CalibrationChoice switch
    {
        null => $"Platt scaling fitted on out-of-fold scores: A = {Format.Number(task.Calibration.A, 4)}, B = {Format.Number(task.Calibration.B, 4)}.",
        { Method: CalibrationMethod.Isotonic } c => $"Isotonic calibration (pool-adjacent-violators) fitted on out-of-fold scores. Why: {c.Reason}.",
        { Method: CalibrationMethod.Blend } c => $"The mean of isotonic calibration (pool-adjacent-violators) and Platt scaling (A = {Format.Number(task.Calibration.A, 4)}, " +
            $"B = {Format.Number(task.Calibration.B, 4)}), both fitted on out-of-fold scores. Why: {c.Reason}.",
        { Method: CalibrationMethod.None } c => $"No calibrator: the trainer's own probability (the logistic of its score). Why: {c.Reason}.",
        var c => $"Platt scaling fitted on out-of-fold scores: A = {Format.Number(task.Calibration.A, 4)}, B = {Format.Number(task.Calibration.B, 4)}. Why: {c.Reason}.",
    };

    private void LiftByDecile(ClassificationMetrics m, TaskWords words)
    {
        string slug = words.Slug, title = words.Title;
        Heading(3, "Lift by decile", $"{slug}-lift");
        Paragraph($"The holdout ranked by score and cut into tenths, decile 1 first. Lift 3 means that decile holds three times the base rate; " +
            $"'captured' is the share of all {words.Outcome} {words.Subjects} found by working down to that decile.");
        Chart($"lift-{slug}", $"Lift of each decile of the {title} ranking over the base rate.", () => ReportCharts.Lift(m, title).Png);
        if (m.Lift.Count > 0)
        {
            int cumulative = 0;
            var rows = new List<TableRow>();
            foreach (var d in m.Lift)
            {
                cumulative += d.Positives;
                rows.Add(new TableRow([d.Decile.ToString(CultureInfo.InvariantCulture), Format.Count(d.Count), Format.Count(d.Positives), Format.Percent(d.Rate),
                    Format.Number(d.Lift, 2), Format.Percent(m.Positives == 0 ? double.NaN : (double)cumulative / m.Positives)]));
            }
            _blocks.Add(new TableBlock(
                [new("Decile", true), new(Capitalise(words.Subjects), true), new(Capitalise(words.Outcome), true), new("Rate", true), new("Lift", true), new("Captured so far", true)],
                rows));
        }
    }

    private void ScoreDrivers(TaskMetadata task, TaskWords words)
    {
        Heading(3, "What drives the score", $"{words.Slug}-importance");
        if (task.Importance.Count == 0)
        {
            Paragraph("no global importance was recorded.");
        }
        else
        {
            Paragraph($"Global importance: how much the holdout ROC AUC drops when one feature's values are shuffled across {words.Subjects} (top {Math.Min(TopImportance, task.Importance.Count)} of {task.Importance.Count}).");
            _blocks.Add(new TableBlock([new("Rank", true), new("Feature"), new("AUC drop", true)],
                task.Importance.OrderByDescending(i => i.AucDrop).Take(TopImportance)
                    .Select((i, r) => new TableRow([(r + 1).ToString(CultureInfo.InvariantCulture), i.Feature, Format.Number(i.AucDrop, 4)])).ToList()));
        }
    }

    private static List<TableRow> HoldoutRows(ClassificationMetrics m, HoldoutIntervals? i, TaskWords w)
    {
        double brierOfBaseRate = m.BaseRate * (1 - m.BaseRate);
        double logLossOfBaseRate = m.BaseRate is > 0 and < 1 ? -(m.BaseRate * Math.Log(m.BaseRate) + (1 - m.BaseRate) * Math.Log(1 - m.BaseRate)) : double.NaN;
        return
        [
            new(["ROC AUC", IntervalText.Ratio(m.Auc, i?.Auc), $"Picking one {w.Outcome} and one other {Singular(w.Subjects)} at random, the model ranks the {w.Outcome} one higher {Format.Percent(m.Auc)} of the time (0.5 = coin toss)."]),
            new(["PR-AUC", IntervalText.Ratio(m.PrAuc, i?.PrAuc), $"Average precision down the ranked list; a random list scores the base rate, {Format.Ratio(m.BaseRate)}."]),
            new(["Log-loss", Format.Ratio(m.LogLoss), $"Penalty for confident wrong probabilities; lower is better (predicting the base rate for all scores {Format.Ratio(logLossOfBaseRate)})."]),
            new(["Brier score", Format.Number(m.Brier, 4), $"Mean squared error of the probability; lower is better (predicting the base rate for all scores {Format.Number(brierOfBaseRate, 4)})."]),
            new(["Precision, top 5%", Format.Percent(m.PrecisionAtTop5) + IntervalText.ShareDetail(i?.Top5), $"Of the 5% {w.TopWord} {w.Subjects}, {Format.Percent(m.PrecisionAtTop5)} {w.Outcome}."]),
            new(["Recall, top 5%", Format.Percent(m.RecallAtTop5), $"The top 5% of the list holds {Format.Percent(m.RecallAtTop5)} of all {w.Subjects} who {w.Outcome}."]),
            new(["Precision, top 10%", Format.Percent(m.PrecisionAtTop10) + IntervalText.ShareDetail(i?.Top10), $"Of the 10% {w.TopWord} {w.Subjects}, {Format.Percent(m.PrecisionAtTop10)} {w.Outcome}."]),
            new(["Recall, top 10%", Format.Percent(m.RecallAtTop10), $"The top 10% of the list holds {Format.Percent(m.RecallAtTop10)} of all {w.Subjects} who {w.Outcome}."]),
        ];
    }

    // ---- Drift, promotion, features -------------------------------------------------------------------------

    private void Drift()
    {
        Heading(2, "Drift against the champion", "drift");
        if (metadata.Drift.Count == 0)
        {
            Paragraph("No drift check: there is no champion to compare against (first model), or no drift was recorded.");
            return;
        }
        Paragraph($"Population stability index (PSI) of each feature and score between the champion's training data and this run's. " +
            $"Below 0.1: stable; 0.1 to 0.2: moderate shift; above {Format.Number(DriftThreshold, 1)}: flagged, the data has changed enough to check the models and the segments.");
        _blocks.Add(new TableBlock([new("Feature or score"), new("PSI", true), new("")],
            metadata.Drift.OrderByDescending(d => d.Psi).ThenBy(d => d.Name, StringComparer.Ordinal)
                .Select(d => new TableRow([d.Name, Format.Ratio(d.Psi), d.Flagged ? "flagged" : d.Psi > 0.1 ? "moderate" : "stable"],
                    d.Flagged ? RowMark.Flagged : RowMark.None)).ToList()));
    }

    private void Promotion()
    {
        Heading(2, "Promotion gate", "promotion");
        if (metadata.Promotion is not { } p)
        {
            Paragraph("No promotion decision was recorded for this version.");
            return;
        }
        PromotionLine();
        if (p.Comparisons.Count == 0)
        {
            Paragraph("No gate comparisons (no champion to compare against).");
            return;
        }
        Paragraph("The challenger (this version) is promoted only if it is not worse than the champion on each metric, within the tolerance.");
        _blocks.Add(new TableBlock(
            [new("Task"), new("Metric"), new("Challenger", true), new("Champion", true), new("Difference", true), new("Tolerance", true), new("Result")],
            p.Comparisons.Select(c => new TableRow(
                [c.Task.Name, c.Metric, Format.Ratio(c.Challenger), Format.Ratio(c.Champion), Format.Signed(c.Challenger - c.Champion, 3), Format.Ratio(c.Tolerance),
                 c.NotWorse ? "not worse" : "worse"],
                c.NotWorse ? RowMark.None : RowMark.Flagged)).ToList()));
    }

    private void FeatureList()
    {
        Heading(2, "Features", "features");
        if (metadata.Features.Count == 0)
        {
            Paragraph("No feature schema was recorded.");
            return;
        }
        _blocks.Add(new TableBlock([new("Feature"), new("Kind"), new("Description")],
            metadata.Features.Select(f => new TableRow([f.Name, f.Kind, f.Description])).ToList()));
        if (metadata.FeatureChoices is { } choices)
        {
            CustomerColumns(choices);
        }
    }

    /// <summary>The customers table's own columns: which are features, which are not and why; what the export did not support.</summary>
    private void CustomerColumns(FeatureChoices choices)
    {
        Heading(3, "The customers table's own columns", "customer-columns");
        if (choices.Attributes.Count == 0 && choices.LeftOut.Count == 0)
        {
            Paragraph("The customers table has no columns beyond id, account, sign-up, plan, role and region.");
        }
        if (choices.Attributes.Count > 0)
        {
            _blocks.Add(new TableBlock([new("Column used as a feature"), new("Kind"), new("Customers with a value", true)],
                choices.Attributes.Select(a => new TableRow([a.Column, a.Kind, a.CustomersWithValue.ToString("N0", CultureInfo.InvariantCulture)])).ToList()));
        }
        if (choices.LeftOut.Count > 0)
        {
            _blocks.Add(new TableBlock([new("Column left out"), new("Of"), new("Why")],
                choices.LeftOut.Select(l => new TableRow([l.Column, l.Task is null ? "every model" : $"the {l.Task} model", l.Reason],
                    l.Leak ? RowMark.Flagged : RowMark.None)).ToList()));
        }
        Paragraph(string.Join("; ", choices.Notes) + ".", "What the export supports:");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void Heading(int level, string text, string id) => _blocks.Add(new HeadingBlock(level, text, id));

    private void Paragraph(string text, string? label = null) => _blocks.Add(new ParagraphBlock(text, label));

    private void Chart(string fileName, string caption, Func<byte[]> render) =>
        _blocks.Add(new ChartBlock(fileName, caption, new Lazy<byte[]>(render)));

    /// <summary>A difference of two rates in percentage points.</summary>
    private static string Signed(double difference) =>
        double.IsFinite(difference) ? Format.Signed(difference * 100, 1) + " pts" : Format.Missing;

    private static string Singular(string plural) => plural.EndsWith('s') ? plural[..^1] : plural;

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
