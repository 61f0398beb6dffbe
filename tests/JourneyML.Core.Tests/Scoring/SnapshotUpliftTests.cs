using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using JourneyML.Core.Uplift;

namespace JourneyML.Core.Tests.Scoring;

/// <summary>The uplift columns of a snapshot: each paying customer's best action in the export's own kind names, its uplift and interval, per kind.</summary>
public sealed class SnapshotUpliftTests
{
    private static InterventionEffect Effect(string kind, double? effect, double low = 0, double high = 0) =>
        new(kind, EffectDesign.RandomisedHoldout, 200, 200, 0.1, 0.15, effect, effect is null ? null : new Interval95(low, high), 0.05, null,
            effect is null ? "too small to say: 3 treated" : null);

    /// <summary>電話 (a call) helps segment 0 clearly and segment 1 unclearly; メール (an email) helps segment 2 a little; 割引 could not be measured.</summary>
    private static InterventionMetadata Interventions() => new(SnapshotFiles.AsOf, 90, 14, 0.05,
    [
        new KindUplift("電話", Effect("電話", 0.04, 0.01, 0.07), null, null, 100, null)
        {
            Segments =
            [
                new SegmentEffect("0", 80, 80, 0.12, new Interval95(0.05, 0.19), null),
                new SegmentEffect("1", 20, 20, 0.09, new Interval95(-0.08, 0.26), null),
                new SegmentEffect("2", 30, 30, -0.02, new Interval95(-0.09, 0.05), null),
            ],
        },
        new KindUplift("メール", Effect("メール", 0.01, -0.01, 0.03), null, null, 100, null),
        new KindUplift("割引", Effect("割引", null), null, null, 100, null),
    ]);

    private static Snapshot Scored()
    {
        var s = SnapshotFiles.Of(SnapshotFiles.AsOf,
            new("c1", "a1", "customer", 0, 0.2f, float.NaN),
            new("c2", "a1", "customer", 1, 0.6f, float.NaN),
            new("c3", "a2", "customer", 2, 0.9f, float.NaN),
            new("c4", "a3", "lead", 0, float.NaN, 0.4f),
            new("c5", "a4", "churned", 0, float.NaN, float.NaN));
        return new Snapshot
        {
            AsOf = s.AsOf, ModelVersion = s.ModelVersion, CustomerIds = s.CustomerIds, AccountIds = s.AccountIds, Status = s.Status, SegmentIds = s.SegmentIds,
            SegmentNames = s.SegmentNames, Stage = s.Stage, ChurnRisk = s.ChurnRisk, LeadScore = s.LeadScore, Factors = s.Factors, Change = s.Change,
            ChangeReason = s.ChangeReason, Roles = s.Roles, FeatureValues = s.FeatureValues,
            Uplift = CustomerUplift.Of(s.Status, s.ChurnRisk, s.SegmentIds, Interventions()),
        };
    }

    [Fact]
    public void Each_paying_customer_gets_the_best_kind_in_its_own_name_its_uplift_and_whether_the_effect_is_clear()
    {
        var view = SnapshotFiles.View(Scored());
        var uplift = view.Latest.Uplift;
        Assert.NotNull(uplift);
        Assert.Equal(new string?[] { "電話", "電話", "メール", null, null }, uplift!.BestAction);
        Assert.Equal(0.12f, uplift.Uplift[0], 4);
        Assert.Equal(0.09f, uplift.Uplift[1], 4);
        Assert.Equal(0.01f, uplift.Uplift[2], 4);
        Assert.True(float.IsNaN(uplift.Uplift[3]) && float.IsNaN(uplift.Uplift[4]));
        Assert.True(uplift.IsClear(0));
        Assert.False(uplift.IsClear(1));
        Assert.False(uplift.IsClear(2));
        // Per kind: the measured kinds only, a segment without its own effect taking the kind's.
        Assert.Equal(["メール", "電話"], uplift.ByKind.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(-0.02f, uplift.ByKind["電話"][2], 4);
        Assert.Equal(0.01f, uplift.ByKind["メール"][0], 4);
    }

    [Fact]
    public void Ranking_by_uplift_reads_the_snapshot_columns_and_the_rows_say_whether_the_effect_is_clear()
    {
        var view = SnapshotFiles.View(Scored());
        var s = view.Latest;
        var ranked = RiskListQuery.RankedByUplift(view, s.Uplift!);
        Assert.Equal(["c1", "c2", "c3"], ranked.Select(r => s.CustomerIds[r]));
        var rows = ranked.Select(r => CustomerRow.From(s, r).WithUplift(s.Uplift!, r)).ToList();
        Assert.Equal([true, false, false], rows.Select(r => r.UpliftClear));
        Assert.Equal(new Interval95(-0.08, 0.26), rows[1].UpliftInterval);
    }

    [Fact]
    public void A_snapshot_of_a_model_without_interventions_has_no_uplift_columns()
    {
        var s = SnapshotFiles.Of(SnapshotFiles.AsOf, new SnapshotFiles.Customer("c1", "a1", "customer", 0, 0.2f, float.NaN));
        Assert.Null(SnapshotFiles.View(s).Latest.Uplift);
    }
}
