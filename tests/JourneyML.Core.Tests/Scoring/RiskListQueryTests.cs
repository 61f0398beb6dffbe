using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Core.Tests.Scoring;

/// <summary>The churn-risk list's filters, orders and pages (the workspace's list and /v1/churn-risk) against a plain reading of every row.</summary>
public sealed class RiskListQueryTests : IDisposable
{
    private readonly string _folder = TempFolder.Create("risk-list");
    private readonly SnapshotView _view;
    private static readonly string[] s_owners = ["佐藤", "鈴木", "Smith"];

    public RiskListQueryTests()
    {
        var random = new Random(7);
        int n = 500;
        string[] ids = [.. Enumerable.Range(0, n).Select(i => $"C{(i * 7919) % 100_000:D6}")];
        var status = Enumerable.Range(0, n).Select(i => i % 10 == 0 ? CustomerStatus.Lead : i % 17 == 0 ? CustomerStatus.Churned : CustomerStatus.Customer).ToArray();
        var snapshot = new Snapshot
        {
            AsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc),
            ModelVersion = "v",
            CustomerIds = ids,
            AccountIds = [.. Enumerable.Range(0, n).Select(i => i % 9 == 0 ? null : $"A{i % 40:D3}")],
            Status = status,
            SegmentIds = [.. Enumerable.Range(0, n).Select(i => i % 4)],
            SegmentNames = [.. Enumerable.Range(0, n).Select(i => $"segment {i % 4}")],
            Stage = [.. Enumerable.Range(0, n).Select(i => i % 3 == 0 ? "At-risk" : "Adoption")],
            // Rounded to two places so ties (broken by id) are common.
            ChurnRisk = [.. status.Select(s => s == CustomerStatus.Customer ? MathF.Round((float)random.NextDouble(), 2) : float.NaN)],
            LeadScore = [.. status.Select(s => s == CustomerStatus.Lead ? (float)random.NextDouble() : float.NaN)],
            Factors = [.. ids.Select(_ => "")],
            Change = [.. Enumerable.Range(0, n).Select(i => i % 5 == 0 ? float.NaN : MathF.Round((float)(random.NextDouble() - 0.5) * 0.2f, 3))],
            ChangeReason = [.. ids.Select(_ => "")],
            FeatureValues = new Dictionary<string, float[]>(),
            PassThrough = [new PassThroughValues("担当者", [.. Enumerable.Range(0, n).Select(i => i % 11 == 0 ? null : s_owners[i % 3])])],
        };
        snapshot.Write(Path.Combine(_folder, Snapshot.FileName(snapshot.AsOf, new DateTime(2026, 7, 1, 1, 0, 0), "v")));
        _view = SnapshotView.Load(_folder)!;
    }

    public static TheoryData<string> Filters => ["none", "segment", "stage", "account", "band-high", "band-medium", "band-low", "rose", "owner", "search", "owner+stage+rose"];

    [Theory]
    [MemberData(nameof(Filters))]
    public void Every_page_of_a_filter_is_the_slice_of_every_matching_row_in_rank_order(string name)
    {
        var filter = Filter(name);
        var s = _view.Latest;
        var expected = _view.RankedByRisk.Where(r => Plain(name, s, r)).Select(r => s.CustomerIds[r]).ToList();
        Assert.Equal(expected, RiskListQuery.All(_view, filter, RiskListOrder.RiskDescending).Select(c => c.CustomerId));
        for (int offset = 0; offset <= expected.Count; offset += 37)
        {
            var page = RiskListQuery.Page(_view, filter, RiskListOrder.RiskDescending, offset, 37);
            Assert.Equal(expected.Count, page.Matching);
            Assert.Equal(expected.Skip(offset).Take(37), page.Rows.Select(r => r.CustomerId));
            // The rank is the place in the whole list, whatever the filter.
            Assert.All(page.Rows, r => Assert.Equal(_view.RankOf(Row(r.CustomerId)) + 1, r.Rank));
        }
    }

    [Fact]
    public void The_orders_read_the_same_rows_lowest_risk_biggest_rise_or_id_first()
    {
        var s = _view.Latest;
        var none = new RiskFilter();
        var byRisk = RiskListQuery.All(_view, none, RiskListOrder.RiskDescending).Select(c => c.CustomerId).ToList();
        Assert.Equal(Enumerable.Reverse(byRisk), RiskListQuery.All(_view, none, RiskListOrder.RiskAscending).Select(c => c.CustomerId));
        Assert.Equal(byRisk.Order(StringComparer.Ordinal), RiskListQuery.All(_view, none, RiskListOrder.CustomerId).Select(c => c.CustomerId));
        var byChange = RiskListQuery.All(_view, none, RiskListOrder.ChangeDescending).ToList();
        var withChange = byChange.TakeWhile(c => c.Change is not null).ToList();
        Assert.Equal(withChange.OrderByDescending(c => s.Change[Row(c.CustomerId)]).ThenBy(c => c.CustomerId, StringComparer.Ordinal).Select(c => c.CustomerId),
            withChange.Select(c => c.CustomerId));
        Assert.All(byChange.Skip(withChange.Count), c => Assert.Null(c.Change)); // no change last, none dropped
        Assert.Equal(byRisk.Count, byChange.Count);
        Assert.Equal(byRisk.Skip(100).Take(20), RiskListQuery.Page(_view, none, RiskListOrder.RiskDescending, 100, 20).Rows.Select(r => r.CustomerId));
    }

    [Fact]
    public void A_filter_on_a_column_the_snapshot_lacks_matches_nobody_rather_than_everybody()
    {
        var page = RiskListQuery.Page(_view, new RiskFilter { Columns = [new("owner", "Smith")] }, RiskListOrder.RiskDescending, 0, 50);
        Assert.Equal(0, page.Matching);
        Assert.Empty(page.Rows);
    }

    [Fact]
    public void Bands_split_at_the_cut_and_at_half_of_it()
    {
        Assert.Equal(RiskBand.High, RiskFilter.BandOf(0.4, 0.4));
        Assert.Equal(RiskBand.Medium, RiskFilter.BandOf(0.39, 0.4));
        Assert.Equal(RiskBand.Medium, RiskFilter.BandOf(0.2, 0.4));
        Assert.Equal(RiskBand.Low, RiskFilter.BandOf(0.19, 0.4));
    }

    [Fact]
    public void Accounts_rank_by_their_riskiest_paying_contact_and_accounts_without_one_are_left_out()
    {
        var s = _view.Latest;
        var expected = Enumerable.Range(0, s.Count).Where(r => s.AccountIds[r] is not null && !float.IsNaN(s.ChurnRisk[r]))
            .GroupBy(r => s.AccountIds[r]!).Select(g => (Account: g.Key, Risk: g.Max(r => s.ChurnRisk[r]), Paying: g.Count()))
            .OrderByDescending(a => a.Risk).ThenBy(a => a.Account, StringComparer.Ordinal).ToList();
        var ranked = AccountRanking.Of(_view);
        Assert.Equal(expected.Select(a => (a.Account, a.Risk, a.Paying)), ranked.Select(a => (a.AccountId, a.ChurnRisk, a.PayingContacts)));
        Assert.All(ranked, a => Assert.Equal(AccountRollup.Of(_view, a.AccountId).AccountChurnRisk, a.ChurnRisk));
    }

    private int Row(string id) => _view.TryFind(id, out int r) ? r : throw new InvalidOperationException(id);

    private static RiskFilter Filter(string name) => name switch
    {
        "segment" => new() { Segment = 2 },
        "stage" => new() { Stage = "at-risk" },
        "account" => new() { Account = "A007" },
        "band-high" => new() { Band = RiskBand.High, BandCut = 0.5 },
        "band-medium" => new() { Band = RiskBand.Medium, BandCut = 0.5 },
        "band-low" => new() { Band = RiskBand.Low, BandCut = 0.5 },
        "rose" => new() { RoseOnly = true },
        "owner" => new() { Columns = [new("担当者", " 鈴木 ")] },
        "search" => new() { Search = "c00" },
        "owner+stage+rose" => new() { Columns = [new("担当者", "smith")], Stage = "Adoption", RoseOnly = true },
        _ => new(),
    };

    // The same filters written out plainly, row by row.
    private static bool Plain(string name, Snapshot s, int r) => name switch
    {
        "segment" => s.SegmentIds[r] == 2,
        "stage" => s.Stage[r] == "At-risk",
        "account" => s.AccountIds[r] == "A007",
        "band-high" => s.ChurnRisk[r] >= 0.5,
        "band-medium" => s.ChurnRisk[r] is >= 0.25f and < 0.5f,
        "band-low" => s.ChurnRisk[r] < 0.25,
        "rose" => s.Change[r] >= 0.005f,
        "owner" => s.PassThrough[0].Values[r] == "鈴木",
        "search" => s.CustomerIds[r].Contains("C00", StringComparison.Ordinal) || (s.AccountIds[r]?.Contains("c00", StringComparison.OrdinalIgnoreCase) ?? false),
        "owner+stage+rose" => s.PassThrough[0].Values[r] == "Smith" && s.Stage[r] == "Adoption" && s.Change[r] >= 0.005f,
        _ => true,
    };

    public void Dispose() => TempFolder.TryDelete(_folder);
}
