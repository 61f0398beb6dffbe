using System.Globalization;
using System.Text;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Pipelines;

/// <summary>
/// What a scoring run could not do on the data in front of it, and why: stage rules whose signals the data lacks, alerts
/// that cannot fire, scores the champion cannot give. Printed by the CLI and written in the run's report beside the snapshot.
/// </summary>
internal static class ScoringNotes
{
    public static IReadOnlyList<string> Of(StageModel stages, LoadedModels models, LoadedFeatures loaded)
    {
        var notes = new List<string>();
        if (models.Churn is null && models.Lead is null)
        {
            notes.Add("the champion has no classifier (it was trained without a usable label): segments only, no churn risk or lead score");
        }
        if (!loaded.StatusKnown && (models.Churn is not null || models.Lead is not null))
        {
            var task = models.Churn is not null ? PredictionTask.Churn : PredictionTask.Lead;
            notes.Add($"the table has no status column: every row gets a {TaskNames.Score(task, models.Metadata.Mode)}, the score the champion was trained for");
        }
        notes.AddRange(stages.Notes());
        if (stages.HasHysteresis && loaded.Dataset is null)
        {
            notes.Add("stages by their entry rules on the as-of date alone: a ready feature table has no events to rebuild stage timelines from, so exit conditions (stay rules, minimum stays) do not hold anyone");
        }
        var names = stages.Names.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var silent = AlertRules.DefaultStages.Where(s => !names.Contains(s)).ToList();
        if (silent.Count > 0 && stages.LeftOut.Count > 0)
        {
            notes.Add($"alerts on moves into {string.Join(" or ", silent)} cannot fire: {(silent.Count == 1 ? "that stage is" : "those stages are")} left out");
        }
        if (models.Churn is null)
        {
            notes.Add("no churn model: no churn risk, so no alerts on churn risk crossing its threshold");
        }
        return notes;
    }

    /// <summary>The report beside a snapshot: <c>&lt;snapshot&gt;.report.md</c>.</summary>
    public static string ReportPath(string snapshotPath) => Path.ChangeExtension(snapshotPath, ".report.md");

    public static string Report(Snapshot snapshot, LoadedModels models, StageModel stages, IReadOnlyList<string> notes, LoadedFeatures loaded, string? atRisk = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var mode = models.Metadata.Mode;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# JourneyML scoring run: {snapshot.AsOf:yyyy-MM-dd}, model {snapshot.ModelVersion}");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Mode: {mode.Name()}");
        sb.AppendLine(inv, $"- Customers: {snapshot.Count:N0} ({string.Join(", ", snapshot.Status.GroupBy(s => s.Name()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}"))})");
        sb.AppendLine(inv, $"- Churn risks: {snapshot.ChurnRisk.Count(v => !float.IsNaN(v)):N0}; {TaskNames.Score(PredictionTask.Lead, mode)}s: {snapshot.LeadScore.Count(v => !float.IsNaN(v)):N0}");
        sb.AppendLine(inv, $"- Feature columns: {loaded.Table.Columns.Count:N0}{(models.Metadata.LabelColumn is { } label ? $" (the label column '{label}' is not one of them)" : "")}");
        sb.AppendLine(inv, $"- Stages: {StageCounts(snapshot)}");
        sb.AppendLine();
        sb.AppendLine("## Stage rules in use");
        sb.AppendLine();
        sb.AppendLine(inv, $"Stages: {stages.Source}.");
        sb.AppendLine();
        if (!stages.Available)
        {
            sb.AppendLine("None: the data has none of the signals the stage rules read.");
        }
        foreach (var stage in (stages.PathAvailable ? stages.Path : []).Concat(stages.OffPath))
        {
            // A snapshot judges one date; the exit condition applies where a timeline knows the stage before (the journey map).
            sb.AppendLine(inv, $"- {stage.Name} ({stage.Kind}): {StageModel.Describe(stage)}{(StageModel.DescribeExit(stage) is { } exit ? $"; on a timeline it {exit}" : "")}{(stage.Why is { } why ? ". Why: " + why : "")}");
        }
        if (atRisk is not null)
        {
            sb.AppendLine();
            sb.AppendLine(atRisk);
            sb.AppendLine();
        }
        foreach (var left in stages.LeftOut)
        {
            sb.AppendLine(inv, $"- left out: {left.Stage}{(left.WholeStage ? "" : $", rule {left.Rule}")} (needs {string.Join(", ", left.Missing)})");
        }
        sb.AppendLine();
        sb.AppendLine("## Notes");
        sb.AppendLine();
        sb.AppendLine(notes.Count == 0 ? "Every stage rule and alert applies to this data." : string.Join(Environment.NewLine, notes.Select(n => "- " + n)));
        return sb.ToString();
    }

    /// <summary>Customers per stage, largest first; "no stage" for those the data cannot place.</summary>
    public static string StageCounts(Snapshot snapshot) =>
        string.Join(", ", snapshot.Stage.GroupBy(s => s.Length == 0 ? "no stage" : s).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count():N0}")));
}
