using JourneyML.Core.Features;
using JourneyML.Core.Errors;
using JourneyML.Core.Scoring;
using static JourneyML.Core.Tests.Scoring.SnapshotFiles;

namespace JourneyML.Core.Tests.Scoring;

public sealed class SegmentMemberListTests
{
    private static readonly SnapshotView s_view = View(Of(AsOf,
        new Customer("low", "a1", "customer", 3, 0.1f, float.NaN, Factors: "logins steady"),
        new Customer("lead-b", null, "lead", 3, float.NaN, 0.4f),
        new Customer("other", "a2", "customer", 1, 0.95f, float.NaN),
        new Customer("high", "a1", "customer", 3, 0.8f, float.NaN, Stage: "At-risk", Factors: "logins down 60%"),
        new Customer("lead-a", null, "lead", 3, float.NaN, 0.4f),
        new Customer("lead-top", null, "lead", 3, float.NaN, 0.9f)));

    [Fact]
    public void Members_are_ranked_by_churn_risk_then_the_leads_by_lead_score_then_by_id()
    {
        var rows = SegmentMemberList.Rows(s_view, 3);
        Assert.Equal(["high", "low", "lead-top", "lead-a", "lead-b"], rows.Select(r => s_view.Latest.CustomerIds[r]));
    }

    [Fact]
    public void The_export_has_one_shape_rank_ids_segment_stage_scores_factors_and_change_in_member_order()
    {
        var lines = SegmentMemberList.ToCsv(s_view, 3).TrimEnd('\n').Split('\n');
        Assert.Equal("rank,customer_id,account_id,status,segment_id,segment_name,stage,churn_risk,lead_score,factors,change,change_reason,churn_30d,churn_60d,churn_90d,churn_180d,median_days_to_churn,time_to_churn_factors", lines[0]);
        Assert.Equal(6, lines.Length);
        // Ranks are positions in the whole churn-risk list ("other", in another segment, is first there).
        Assert.Equal("2,high,a1,customer,3,segment 3,At-risk,0.8,,logins down 60%,,,,,,,,", lines[1]);
        Assert.StartsWith(",lead-top,,lead,3,segment 3,Adoption,,0.9,", lines[3]);
    }

    [Fact]
    public void A_segment_without_members_in_the_snapshot_is_not_found_and_the_message_lists_the_segments_there()
    {
        var e = Assert.Throws<NotFoundException>(() => SegmentMemberList.Rows(s_view, 7));
        Assert.Equal("segment", e.Subject);
        Assert.Contains("segments there: 1, 3", e.Message);
    }

    [Fact]
    public void Segment_sizes_are_counted_only_for_the_model_version_that_scored_the_snapshot()
    {
        var sizes = SegmentMemberList.Sizes(s_view, s_view.Latest.ModelVersion)!;
        Assert.Equal(5, sizes[3].Total);
        Assert.Equal(1, sizes[1].Total);
        Assert.Null(SegmentMemberList.Sizes(s_view, "20990101-000000-00000000"));
    }

    [Fact]
    public void Csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised()
    {
        var row = new CustomerRow(1, "=HYPERLINK(\"http://evil\")", "+acct", CustomerStatus.Customer, 2, "@SUM(A1)", "-cmd", 0.5, null, "=1+1", -0.25, "risk up");
        var line = row.ToCsv();
        Assert.DoesNotContain(",=", line);
        Assert.DoesNotContain(",+", line);
        Assert.DoesNotContain(",@", line);
        Assert.Contains("'=1+1", line);
        Assert.Contains(",-0.25,", line); // numbers stay numbers
    }
}
