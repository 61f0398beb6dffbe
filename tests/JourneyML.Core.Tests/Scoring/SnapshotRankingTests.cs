using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Core.Tests.Scoring;

public sealed class SnapshotRankingTests
{
    [Fact]
    public void Risk_changes_rank_the_biggest_rise_first_and_leave_out_leads_and_customers_new_to_the_list()
    {
        string[] ids = ["up-small", "lead", "new", "down", "up-big", "tie-b", "tie-a"];
        var snapshot = new Snapshot
        {
            AsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc),
            ModelVersion = "v",
            CustomerIds = ids,
            AccountIds = new string?[ids.Length],
            Status = [CustomerStatus.Customer, CustomerStatus.Lead, CustomerStatus.Customer, CustomerStatus.Customer, CustomerStatus.Customer, CustomerStatus.Customer, CustomerStatus.Customer],
            SegmentIds = new int[ids.Length],
            SegmentNames = [.. ids.Select(_ => "s")],
            Stage = [.. ids.Select(_ => "Adoption")],
            ChurnRisk = [0.3f, float.NaN, 0.5f, 0.1f, 0.6f, 0.2f, 0.2f],
            LeadScore = [float.NaN, 0.9f, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN],
            Factors = [.. ids.Select(_ => "")],
            Change = [0.05f, 0.8f, float.NaN, -0.2f, 0.3f, 0.01f, 0.01f],
            ChangeReason = [.. ids.Select(_ => "")],
            FeatureValues = new Dictionary<string, float[]>(),
        };
        Assert.Equal(["up-big", "up-small", "tie-a", "tie-b", "down"], snapshot.RankedByRiskChange().Select(r => ids[r]));
    }
}
