using System.Globalization;
using JourneyML.Api.Alerts;
using JourneyML.Api.Jobs;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;

namespace JourneyML.Api.Workspace.Ops;

/// <summary>What a write from a workspace form came to: done (a success line) or refused, in this request's language.</summary>
public sealed record Notice(bool Done, string Text);

/// <summary>One task's model of a version as the models page shows it: the trainer, the holdout's metrics with their 95% intervals, the floor.</summary>
public sealed record TaskView(PredictionTask Task, string Trainer, int HoldoutRows, int Positives, double RocAuc, Interval95? RocAuc95, double PrAuc, Interval95? PrAuc95,
    CountedShare? Top10, string? HoldoutWarning, FloorCheck? Floor, bool Withheld)
{
    public static TaskView From(TaskMetadata t, bool withheld) => new(t.Task, t.Trainer, t.HoldoutRows, t.Holdout.Positives, t.Holdout.Auc, t.Intervals?.Auc,
        t.Holdout.PrAuc, t.Intervals?.PrAuc, t.Intervals?.Top10, t.HoldoutWarning, t.Floor, withheld);
}

/// <summary>A model version on the models page: its data, each task's model, the gate's decision, the floor's warnings and drift.</summary>
public sealed record VersionView(ModelMetadata Metadata, bool Champion, bool Serving, IReadOnlyList<TaskView> Tasks, IReadOnlyList<string> Warnings,
    IReadOnlyList<DriftEntry> Drifted, int DriftChecked)
{
    public string Version => Metadata.Version;
    public PromotionDecision? Decision => Metadata.Promotion;

    public static VersionView From(ModelMetadata m, string? champion, string? serving, ReasonLanguage language = ReasonLanguage.English)
    {
        var tasks = new[] { m.Churn, m.Lead }.OfType<TaskMetadata>().Select(t => TaskView.From(t, withheld: false))
            .Concat(m.Withheld.Select(t => TaskView.From(t, withheld: true))).ToList();
        var drifted = m.Drift.Where(d => d.Flagged).OrderByDescending(d => d.Psi).ToList();
        return new VersionView(m, m.Version == champion, m.Version == serving, tasks, ModelWarnings.Of(m, language), drifted, m.Drift.Count);
    }
}

/// <summary>
/// What the models page shows: the champion and the version serving (and one refused), the champion's history (what a
/// rollback brings back), the newest versions in full, and the retraining jobs with their progress.
/// </summary>
public sealed record ModelsModel(string? Champion, string? Serving, (string Version, string Reason)? Refused, string? RollbackTarget,
    IReadOnlyList<ChampionHistoryEntry> History, IReadOnlyList<VersionView> Versions, int AllVersions, IReadOnlyList<RetrainJob> Jobs, bool WritesOn, Notice? Notice)
{
    /// <summary>Versions shown in full; older ones are in GET /v1/models.</summary>
    public const int Shown = 20;
    public const int JobsShown = 10;

    public bool JobRunning => Jobs.Any(j => j.Status == JobStatus.Running);

    public static ModelsModel Of(Serving.ModelHost host, RetrainJobs jobs, bool writesOn, Notice? notice, ReasonLanguage language = ReasonLanguage.English)
    {
        var pointer = host.Registry.Champion();
        var serving = host.Current?.ModelVersion;
        var versions = host.Registry.List();
        // The version a rollback brings back: the newest different, complete one in the champion's history (as the registry picks it).
        var target = pointer?.History.FirstOrDefault(h => h.Version != pointer.Version && versions.Any(v => v.Version == h.Version))?.Version;
        return new ModelsModel(pointer?.Version, serving, host.Refused, target, pointer?.History ?? [],
            [.. versions.Take(Shown).Select(m => VersionView.From(m, pointer?.Version, serving, language))], versions.Count, jobs.Recent(JobsShown), writesOn, notice);
    }
}

/// <summary>What the alerts page shows: the API's alert list, and (to a signed-in user) the webhooks and their last deliveries.</summary>
public sealed record AlertsModel(Core.Scoring.SnapshotView View, AlertList Alerts, string? Since, WebhookList? Webhooks, bool WritesOn, Notice? Notice, double BandCut);

/// <summary>Numbers and times as the operations pages write them (metrics the same in every language).</summary>
public static class OpsFormat
{
    public static string Metric(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "–";

    public static string Interval(Interval95? interval) => interval is { } i ? $"{Metric(i.Low)}–{Metric(i.High)}" : "–";

    public static string Time(Ui ui, DateTime when) => ui.Date(when) + when.ToString(" HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Psi(double psi) => psi.ToString("0.00", CultureInfo.InvariantCulture);
}
