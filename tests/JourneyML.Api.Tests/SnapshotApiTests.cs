using System.Text.Json.Nodes;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class SnapshotApiTests(ServingFixture fixture)
{
    [Fact]
    public async Task The_churn_risk_list_is_ranked_filtered_paged_and_names_the_snapshot_and_model()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        var json = await (await client.GetAsync("/v1/churn-risk?top=25")).Json();
        Assert.Equal(s.ModelVersion, (string?)json["modelVersion"]);
        Assert.Equal("2026-06-01", ((DateTime)json["previousAsOf"]!).ToString("yyyy-MM-dd"));
        var rows = json["customers"]!.AsArray();
        Assert.Equal(25, rows.Count);
        var risks = rows.Select(r => (double)r!["churnRisk"]!).ToList();
        Assert.Equal(risks.OrderByDescending(r => r), risks);
        var expectedTop = Enumerable.Range(0, s.Count).Where(r => !float.IsNaN(s.ChurnRisk[r])).Max(r => s.ChurnRisk[r]);
        Assert.Equal(expectedTop, risks[0], 3);
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty((string?)r!["factors"])));
        Assert.Equal(1, (int)rows[0]!["rank"]!);

        // Paging: the second page continues exactly where the first stopped.
        var page2 = await (await client.GetAsync($"/v1/churn-risk?top=25&cursor={Uri.EscapeDataString((string)json["nextCursor"]!)}")).Json();
        Assert.Equal(26, (int)page2["customers"]![0]!["rank"]!);
        var all50 = await (await client.GetAsync("/v1/churn-risk?top=50")).Json();
        Assert.Equal((string?)all50["customers"]![25]!["customerId"], (string?)page2["customers"]![0]!["customerId"]);

        // Filters.
        int segment = s.SegmentIds[Array.FindIndex(s.ChurnRisk, v => !float.IsNaN(v))];
        var bySegment = await (await client.GetAsync($"/v1/churn-risk?top=1000&segment={segment}&minRisk=0.2")).Json();
        var filtered = bySegment["customers"]!.AsArray();
        Assert.NotEmpty(filtered); // the checks on each row below hold for no rows too
        Assert.All(filtered, r => Assert.Equal(segment, (int)r!["segmentId"]!));
        Assert.All(filtered, r => Assert.True((double)r!["churnRisk"]! >= 0.2));
        int expected = Enumerable.Range(0, s.Count).Count(r => s.SegmentIds[r] == segment && !float.IsNaN(s.ChurnRisk[r]) && s.ChurnRisk[r] >= 0.2f);
        Assert.Equal(expected, filtered.Count);
        var atRisk = await (await client.GetAsync("/v1/churn-risk?top=1000&stage=At-risk")).Json();
        Assert.NotEmpty(atRisk["customers"]!.AsArray());
        Assert.All(atRisk["customers"]!.AsArray(), r => Assert.Equal("At-risk", (string?)r!["stage"]));

        await (await client.GetAsync("/v1/churn-risk?top=0")).AssertProblem(400, "top");
        await (await client.GetAsync("/v1/churn-risk?minRisk=2")).AssertProblem(400, "minRisk");
        await (await client.GetAsync("/v1/churn-risk?cursor=bogus")).AssertProblem(400, "cursor");
        await (await client.GetAsync("/v1/churn-risk?top=abc")).AssertProblem(400);
    }

    // The one export shape's header: JourneyML's columns, with the customers' own after account_id.
    private string Header() => CustomerExport.ToCsv(CustomerExport.PassThroughNames(fixture.Latest), [], ExportFormat.Default).TrimEnd('\n');

    [Fact]
    public async Task The_churn_risk_list_exports_as_csv()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/churn-risk?top=10");
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal(Header(), lines[0]);
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("1,", lines[1]);
    }

    [Fact]
    public async Task A_customer_has_latest_scores_and_a_risk_history_an_account_its_buying_group()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        int row = Enumerable.Range(0, s.Count).First(r => !float.IsNaN(s.ChurnRisk[r]) && s.AccountIds[r] is not null);
        var json = await (await client.GetAsync($"/v1/customers/{Uri.EscapeDataString(s.CustomerIds[row])}")).Json();
        Assert.Equal(s.ChurnRisk[row], (double)json["latest"]!["churnRisk"]!, 3);
        Assert.Equal(s.Stage[row], (string?)json["latest"]!["stage"]);
        var history = json["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("2026-06-01", ((DateTime)history[0]!["asOf"]!).ToString("yyyy-MM-dd"));
        Assert.Equal((double)json["latest"]!["churnRisk"]!, (double)history[1]!["churnRisk"]!, 4);
        await (await client.GetAsync("/v1/customers/no-such-customer")).AssertProblem(404);
        // The reasons in Japanese when asked, as predictions answer: the snapshot writes both languages.
        var ja = await (await client.GetAsync($"/v1/customers/{Uri.EscapeDataString(s.CustomerIds[row])}?lang=ja")).Json();
        Assert.Equal(s.FactorsJapanese![row], (string?)ja["latest"]!["factors"]);
        Assert.Matches(@"[\p{IsHiragana}\p{IsKatakana}\p{IsCJKUnifiedIdeographs}]", (string?)ja["latest"]!["factors"]);
        Assert.Equal(s.Factors[row], (string?)json["latest"]!["factors"]);
        await (await client.GetAsync($"/v1/customers/{Uri.EscapeDataString(s.CustomerIds[row])}?lang=fr")).AssertProblem(400);

        var account = s.AccountIds[row]!;
        var contacts = Enumerable.Range(0, s.Count).Where(r => s.AccountIds[r] == account).ToList();
        var acc = await (await client.GetAsync($"/v1/accounts/{Uri.EscapeDataString(account)}")).Json();
        Assert.Equal(contacts.Count, (int)acc["contacts"]!);
        Assert.Equal(contacts.Count, acc["contactList"]!.AsArray().Count);
        var risks = contacts.Where(r => !float.IsNaN(s.ChurnRisk[r])).Select(r => s.ChurnRisk[r]).ToList();
        Assert.Equal(risks.Max(), (double)acc["accountChurnRisk"]!, 3);
        Assert.NotNull(acc["engagedRoles"]);
        await (await client.GetAsync("/v1/accounts/no-such-account")).AssertProblem(404);
    }

    [Fact]
    public async Task Segments_have_profiles_and_members_exportable_for_a_campaign()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var list = await (await client.GetAsync("/v1/segments")).Json();
        var segments = list["segments"]!.AsArray();
        Assert.Equal((int)list["chosenK"]!, segments.Count);
        Assert.Equal(fixture.Latest.Count, segments.Sum(x => (int)x!["size"]!));
        int id = (int)segments[0]!["id"]!;
        var detail = await (await client.GetAsync($"/v1/segments/{id}")).Json();
        Assert.False(string.IsNullOrEmpty((string?)detail["segment"]!["name"]));
        Assert.NotEmpty(detail["features"]!.AsArray());
        await (await client.GetAsync("/v1/segments/999")).AssertProblem(404);

        int members = fixture.Latest.SegmentIds.Count(x => x == id);
        var page = await (await client.GetAsync($"/v1/segments/{id}/members?limit=10")).Json();
        Assert.Equal(members, (int)page["total"]!);
        Assert.Equal(Math.Min(10, members), page["customers"]!.AsArray().Count);
        var csv = await client.GetStringAsync($"/v1/segments/{id}/members?format=csv");
        Assert.Equal(members + 1, csv.TrimEnd('\n').Split('\n').Length);
        Assert.Equal(Header(), csv.Split('\n')[0]); // the same shape as the CLI's 'segments export'
        Assert.Equal(SegmentMemberList.ToCsv(SnapshotView.Load(Path.Combine(fixture.RegistryPath, "snapshots"))!, id), csv);
        await (await client.GetAsync($"/v1/segments/{id}/members?limit=0")).AssertProblem(400, "limit");
    }

    [Fact]
    public async Task Alerts_are_the_customers_whose_risk_crossed_the_threshold_or_who_moved_to_a_watched_stage()
    {
        await using var api = fixture.Api(settings: new Dictionary<string, string?> { ["Serving:ChurnRiskThreshold"] = "0.3" });
        using var client = api.CreateClient();
        var json = await (await client.GetAsync("/v1/alerts")).Json();
        var alerts = json["alerts"]!.AsArray();
        Assert.Equal(alerts.Count, (int)json["count"]!);
        Assert.NotEmpty(alerts);
        foreach (var a in alerts)
        {
            if ((string?)a!["kind"] == "risk-crossed-threshold")
            {
                Assert.True((double)a["churnRisk"]! >= 0.3 && (double)a["previousChurnRisk"]! < 0.3);
            }
            else
            {
                Assert.Equal("stage-moved", (string?)a["kind"]);
                Assert.Contains((string?)a["stage"], new[] { "At-risk", "Dormant" });
                Assert.NotEqual((string?)a["stage"], (string?)a["previousStage"]);
            }
        }
        var future = await (await client.GetAsync("/v1/alerts?since=2026-07-15")).Json();
        Assert.Equal(0, (int)future["count"]!);
        await (await client.GetAsync("/v1/alerts?since=yesterday")).AssertProblem(400);
    }

    [Fact]
    public async Task The_journey_map_is_served_as_json_html_and_markdown_and_built_on_demand_for_a_window()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var json = await (await client.GetAsync("/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14")).Json();
        Assert.NotEmpty(json["stages"]!.AsArray());
        // The map's newer parts travel in the API's shape: the milestone graph, the kind of each move, the lifts' intervals.
        Assert.NotEmpty(json["milestones"]!["edges"]!.AsArray());
        Assert.NotNull(json["transitions"]![0]!["kind"]);
        Assert.All(json["touchpoints"]!.AsArray().Where(t => t!["lift"] is not null), t => Assert.NotNull(t!["liftLow"]));
        Assert.Equal("2026-07-01", ((string)json["to"]!)[..10]);
        var html = await client.GetAsync("/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14&format=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains("<svg", page);
        Assert.Contains("<svg id=\"milestones\"", page);
        Assert.Contains("associations, not causes", page);
        var md = await client.GetAsync("/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14&format=md");
        var markdown = await md.Content.ReadAsStringAsync();
        Assert.Contains("|", markdown);
        // The map's own Markdown, not any answer that happens to hold a '|'.
        Assert.StartsWith("# Journey map, 2026-04-01 to 2026-07-01", markdown, StringComparison.Ordinal);
        Assert.Contains("## Milestones: what directly follows what", markdown);
        await (await client.GetAsync("/v1/journey-map?format=pdf")).AssertProblem(400, "format");
        await (await client.GetAsync("/v1/journey-map?from=2026-07-01&to=2026-04-01")).AssertProblem(400, "to");
        await (await client.GetAsync("/v1/journey-map?segment=999&from=2026-04-01")).AssertProblem(404);
    }

    [Fact]
    public async Task The_journey_map_takes_its_funnel_windows_and_a_designed_journey_and_names_a_wrong_one()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        const string Window = "/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14";
        var json = await (await client.GetAsync(Window + "&window=45&window=120&designed=Interest>MQL,MQL>SQL")).Json();
        Assert.Equal([45, 120], json["funnel"]!["windowDays"]!.AsArray().Select(d => (int)d!));
        Assert.Equal("the 2 moves given in 'designed'", (string?)json["conformance"]!["design"]);
        Assert.Equal(["Interest>MQL", "MQL>SQL"], json["conformance"]!["allowed"]!.AsArray().Select(m => $"{m!["from"]}>{m["to"]}"));
        // Without from/to, a window alone builds the map on demand too, rather than returning the stored map with 30 and 90.
        var windowOnly = await (await client.GetAsync("/v1/journey-map?window=60")).Json();
        Assert.Equal([60], windowOnly["funnel"]!["windowDays"]!.AsArray().Select(d => (int)d!));

        await (await client.GetAsync(Window + "&window=0")).AssertProblem(400, "window");
        await (await client.GetAsync(Window + "&window=abc")).AssertProblem(400, "window");
        await (await client.GetAsync(Window + "&window=")).AssertProblem(400, "window");
        await (await client.GetAsync(Window + "&designed=Interest-MQL")).AssertProblem(400, "designed");
        var unknown = await (await client.GetAsync(Window + "&designed=Interest>Won")).AssertProblem(400, "designed");
        Assert.Contains("\"Won\" is not a stage", unknown["errors"]!["designed"]![0]!.ToString());
    }
}
