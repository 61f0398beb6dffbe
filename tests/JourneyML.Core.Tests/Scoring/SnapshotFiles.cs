using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Core.Tests.Scoring;

/// <summary>Small snapshots written as a scoring run writes them, read back through <see cref="SnapshotView"/>.</summary>
internal static class SnapshotFiles
{
    public static readonly DateTime AsOf = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    public sealed record Customer(string Id, string? Account, string Status, int Segment, float ChurnRisk, float LeadScore, string? Role = null,
        float ActiveDays = 0, string Stage = "Adoption", string Factors = "");

    public static Snapshot Of(DateTime asOf, params Customer[] customers) => new()
    {
        AsOf = asOf,
        ModelVersion = "20260701-000000-0000abcd",
        CustomerIds = [.. customers.Select(c => c.Id)],
        AccountIds = [.. customers.Select(c => c.Account)],
        Status = [.. customers.Select(c => CustomerStatuses.TryParse(c.Status, out var s) ? s : throw new ArgumentException(c.Status))],
        SegmentIds = [.. customers.Select(c => c.Segment)],
        SegmentNames = [.. customers.Select(c => $"segment {c.Segment}")],
        Stage = [.. customers.Select(c => c.Stage)],
        ChurnRisk = [.. customers.Select(c => c.ChurnRisk)],
        LeadScore = [.. customers.Select(c => c.LeadScore)],
        Factors = [.. customers.Select(c => c.Factors)],
        Change = [.. customers.Select(_ => float.NaN)],
        ChangeReason = [.. customers.Select(_ => "")],
        Roles = [.. customers.Select(c => c.Role)],
        FeatureValues = new Dictionary<string, float[]> { ["active_days_30d"] = [.. customers.Select(c => c.ActiveDays)] },
    };

    /// <summary>The snapshots written oldest first into a new folder, and the view of them.</summary>
    public static SnapshotView View(params Snapshot[] snapshots) => View(null, snapshots);

    public static SnapshotView View(AlertRules? rules, params Snapshot[] snapshots)
    {
        var directory = Directory.CreateTempSubdirectory("journeyml-snapshots-").FullName;
        for (int i = 0; i < snapshots.Length; i++)
        {
            snapshots[i].Write(Path.Combine(directory, Snapshot.FileName(snapshots[i].AsOf, snapshots[i].AsOf.AddHours(i + 1), snapshots[i].ModelVersion)));
        }
        return SnapshotView.Load(directory, rules)!;
    }
}
