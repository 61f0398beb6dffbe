using System.Text.Json.Serialization;
using JourneyML.Core.Prediction;
using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Registry;

/// <summary>Where a model's training features came from; written "behaviour-logs" or "feature-table".</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingMode>))]
public enum TrainingMode
{
    /// <summary>Mode A: features built from the behaviour logs as of a date.</summary>
    [JsonStringEnumMemberName("behaviour-logs")]
    BehaviourLogs,
    /// <summary>Mode B: a ready table of features, one row per customer.</summary>
    [JsonStringEnumMemberName("feature-table")]
    FeatureTable,
}

public static class TrainingModes
{
    /// <summary>The mode as metadata.json and every output write it.</summary>
    public static string Name(this TrainingMode mode) => mode == TrainingMode.BehaviourLogs ? "behaviour-logs" : "feature-table";
}

/// <summary>What a task is called where it is reported.</summary>
public static class TaskNames
{
    /// <summary>
    /// Churn; the lead task is "lead" for behaviour logs (lead scores of a funnel) and "conversion" for a ready table
    /// trained with <c>--task conversion</c>, as its user called it. Files and JSON keep the task's own name.
    /// </summary>
    public static string Display(PredictionTask task, TrainingMode mode) =>
        task == PredictionTask.Lead && mode == TrainingMode.FeatureTable ? "conversion" : task.Name;

    /// <summary>What the lead task's score is called: "lead score", or for a ready table "conversion score".</summary>
    public static string Score(PredictionTask task, TrainingMode mode) =>
        task == PredictionTask.Churn ? "churn risk" : Display(task, mode) + " score";
}

/// <summary>
/// Everything a training run records in <c>models/&lt;version&gt;/metadata.json</c>: inputs, choices, metrics,
/// segment profiles, every k tried, drift against the champion and the promotion decision. The training report
/// (Markdown and HTML) is generated from this alone.
/// </summary>
public sealed record ModelMetadata
{
    public required string Version { get; init; }
    public required DateTime CreatedAt { get; init; }
    /// <summary>Behaviour logs (mode A: features built as of a date) or a ready feature table (mode B).</summary>
    public required TrainingMode Mode { get; init; }
    public DateTime? AsOf { get; init; }
    public int? HorizonDays { get; init; }
    /// <summary>Short hash of the feature table the models were trained on.</summary>
    public required string DataFingerprint { get; init; }
    public required RowCounts Rows { get; init; }
    public required IReadOnlyList<FeatureSchemaEntry> Features { get; init; }
    /// <summary>What a behaviour-log run made of the customer's own columns and of what the export may lack; null for a ready table.</summary>
    public FeatureChoices? FeatureChoices { get; init; }
    public required SegmentationMetadata Segmentation { get; init; }
    /// <summary>Churn classifier; null in mode B when the table has no churn label.</summary>
    public TaskMetadata? Churn { get; init; }
    /// <summary>Lead-propensity (conversion) classifier; null when the data has no conversion label.</summary>
    public TaskMetadata? Lead { get; init; }
    /// <summary>Decile edges and shares of every numeric feature in this run's training data: the baseline of the next run's drift check.</summary>
    public required IReadOnlyList<FeatureDistribution> Distributions { get; init; }
    /// <summary>Population stability of features and scores against the champion's training data (empty for the first model).</summary>
    public IReadOnlyList<DriftEntry> Drift { get; init; } = [];
    public PromotionDecision? Promotion { get; init; }
    /// <summary>When known (generated data): how well the models recover the planted truth.</summary>
    public GroundTruthComparison? GroundTruth { get; init; }
    /// <summary>Mode B: the table's label column (as the user named it), so scoring never treats it as a feature; null without one.</summary>
    public string? LabelColumn { get; init; }
    /// <summary>Why a classifier was not trained (no label, too few of one outcome), one line a task; empty when both were, or in mode A.</summary>
    public IReadOnlyList<string> NotTrained { get; init; } = [];
    /// <summary>The out-of-time backtest (train as of T-H, score as of T), or why there is none; null in versions written before it existed.</summary>
    public BacktestMetadata? Backtest { get; init; }

    /// <summary>
    /// Classifiers trained but not in this version because they fail the promotion floor (<see cref="PromotionFloor"/>):
    /// their metrics and why, for the report; this version serves no model for their task.
    /// </summary>
    public IReadOnlyList<TaskMetadata> Withheld { get; init; } = [];
    public required double TrainingSeconds { get; init; }

    // At-risk list (issue 18): the cut derived from the churn model's holdout, read by the default At-risk stage.
    /// <summary>The churn risk cut of the At-risk stage and how its list did on the holdout; null without a churn model (or a model trained before it was derived).</summary>
    public AtRiskCut? AtRisk { get; init; }

    /// <summary>The survival model (time to churn): how it was trained and its holdout metrics; null when none was trained (the reason is in <see cref="NotTrained"/>).</summary>
    public Survival.SurvivalMetadata? Survival { get; init; }

    /// <summary>Each intervention kind's measured effect and uplift per segment; null when the data had no interventions table.</summary>
    public Uplift.InterventionMetadata? Interventions { get; init; }
    /// <summary>Written last: a version folder without it, or with false, is not a complete model.</summary>
    public bool Complete { get; init; }
    /// <summary>
    /// SHA-256 of the version's <c>manifest.json</c> (every other file's size and SHA-256, recorded at commit): promotion
    /// verifies every file against it. Null for versions written before manifests, whose models are loaded instead.
    /// </summary>
    public string? ManifestSha256 { get; init; }
}

public sealed record RowCounts(int Customers, IReadOnlyDictionary<string, int> ByStatus, int SignedUpAfterAsOf, long EventsBeforeAsOf, long EventsAfterAsOf, long InvalidRowsSkipped);

public sealed record FeatureSchemaEntry(string Name, string Kind, string Description);

/// <summary>
/// The customers table's columns used as features and those left out with the reason (by the feature step, or by the
/// leakage guard for one model), and what the feature step decided about value features and account roll-ups.
/// </summary>
public sealed record FeatureChoices(IReadOnlyList<AttributeUse> Attributes, IReadOnlyList<ColumnLeftOut> LeftOut, IReadOnlyList<string> Notes)
{
    /// <summary>Columns left out because they would leak the label (by name, or alone separating it): what a data engineer must look at.</summary>
    public IEnumerable<ColumnLeftOut> Warnings => LeftOut.Where(l => l.Leak);
}

/// <summary>A customers-table column used as a feature: its kind and how many customers have a value.</summary>
public sealed record AttributeUse(string Column, string Kind, int CustomersWithValue);

/// <summary>A column not used, and why; <see cref="Task"/> names the one model it was left out of (null: left out of every one).</summary>
public sealed record ColumnLeftOut(string Column, string Reason, string? Task = null, bool Leak = false);

public sealed record SegmentationMetadata(
    int ChosenK,
    string ChoiceReason,
    IReadOnlyList<KCandidate> Candidates,
    IReadOnlyList<SegmentProfile> Profiles,
    IReadOnlyList<int> NewSegments,
    IReadOnlyList<int> VanishedSegments)
{
    /// <summary>Every feature column and whether the segments were found on it, and if not, why.</summary>
    public IReadOnlyList<SegmentColumnChoice> Columns { get; init; } = [];
}

/// <summary>One classifier: who it scores, how it was chosen, how good it is and what drives it.</summary>
public sealed record TaskMetadata(
    PredictionTask Task,
    string Label,
    string Population,
    int TrainRows,
    int HoldoutRows,
    string Trainer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    string SelectionReason,
    IReadOnlyList<CandidateResult> Candidates,
    ClassificationMetrics Holdout,
    double? OracleAuc,
    IReadOnlyList<FeatureImportance> Importance,
    PlattCalibration Calibration,
    FeatureDistribution ScoreDistribution)
{
    /// <summary>95% intervals of the holdout's ROC AUC, PR-AUC and precision at the top 5% and 10%; null in versions written before them.</summary>
    public HoldoutIntervals? Intervals { get; init; }
    /// <summary>Why the holdout is too small to trust (<see cref="HoldoutIntervals.TooSmall"/>); null when it is not.</summary>
    public string? HoldoutWarning { get; init; }
    /// <summary>The promotion floor's verdict; a served model that failed it was forced (--force).</summary>
    public FloorCheck? Floor { get; init; }

    /// <summary>The calibrator chosen on out-of-fold log loss and the holdout's expected calibration error (null in models trained before it was reported).</summary>
    public CalibrationSummary? CalibrationChoice { get; init; }

    /// <summary>True when the chosen candidate's lead over the runner-up is within the cross-validation's noise.</summary>
    public bool SelectionWithinNoise { get; init; }
}

/// <summary>A distribution as bin edges (inner cut points) and the share of rows in each bin; missing values in their own share.</summary>
public sealed record FeatureDistribution(string Name, IReadOnlyList<double> Edges, IReadOnlyList<double> Shares, double MissingShare);

public sealed record DriftEntry(string Name, double Psi, bool Flagged);

public sealed record GateComparison(PredictionTask Task, string Metric, double Challenger, double Champion, double Tolerance, bool NotWorse)
{
    /// <summary>
    /// Upper end of the 95% paired-bootstrap interval of (challenger - champion) on the holdout: a challenger is only
    /// "worse" when even this is below minus the tolerance, so holdout noise alone never keeps a good model out.
    /// </summary>
    public double? DifferenceUpper95 { get; init; }
}

/// <summary>Whether this version became the champion, and why.</summary>
public sealed record PromotionDecision(bool Promoted, string Reason, string? PreviousChampion, IReadOnlyList<GateComparison> Comparisons, bool Forced)
{
    /// <summary>The same reason in Japanese (written with the English from the same facts); null in versions written before it.</summary>
    public string? ReasonJapanese { get; init; }

    public string ReasonIn(ReasonLanguage language) => Sentence.In(language, Reason, ReasonJapanese);
}

public sealed record GroundTruthComparison(double? SegmentAdjustedRandIndex, double? ChurnOracleAuc, double? ChurnModelAuc, double? LeadOracleAuc, double? LeadModelAuc);
