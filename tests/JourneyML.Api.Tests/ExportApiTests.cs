using System.Text;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Tests;

/// <summary>The API's lists and CSV answers in the CLI's one export shape: the customers' own columns, the layouts, Excel, one segment size.</summary>
[Collection(ServingCollection.Name)]
public sealed class ExportApiTests(ServingFixture fixture)
{
    [Fact]
    public async Task The_churn_risk_list_is_the_first_section_of_the_clis_ranked_list_with_the_customers_own_columns()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        var cliCsv = Path.Combine(TempFolder.Create("api"), "ranked.csv");
        ScoringRun.WriteRankedList(s, cliCsv, ExportFormat.Default);
        int paying = RankedList.Count(s, Enumerable.Range(0, s.Count)).Customers;
        var cliLines = File.ReadAllLines(cliCsv);

        var apiCsv = await client.GetStringAsync($"/v1/churn-risk?format=csv");
        var apiLines = apiCsv.TrimEnd('\n').Split('\n');
        Assert.Equal(cliLines[0], apiLines[0]); // the same columns...
        Assert.Equal(cliLines.Skip(1).Take(paying), apiLines.Skip(1)); // ...and the same rows in the same order: every paying customer, by risk
        Assert.Equal("rank,customer_id,account_id,Email,First Name,Last Name,Company Name,Contact owner,status,segment_id,segment_name,stage,churn_risk,lead_score," +
            "factors,change,change_reason,churn_30d,churn_60d,churn_90d,churn_180d,median_days_to_churn,time_to_churn_factors", apiLines[0]);

        var json = await (await client.GetAsync("/v1/churn-risk?top=3")).Json();
        var first = json["customers"]![0]!;
        Assert.Equal(ServingFixture.Email((string)first["customerId"]!), (string?)first["passThrough"]!["Email"]);
        var customer = await (await client.GetAsync($"/v1/customers/{first["customerId"]}")).Json();
        Assert.Equal((string?)first["passThrough"]!["Company Name"], (string?)customer["latest"]!["passThrough"]!["Company Name"]);
        Assert.StartsWith("Company A", (string?)first["passThrough"]!["Company Name"]);
    }

    [Fact]
    public async Task Csv_answers_take_the_hubspot_and_salesforce_layouts_and_excel_gets_a_byte_order_mark_and_crlf()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var response = await client.GetAsync("/v1/churn-risk?top=5&layout=hubspot&excel=true");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = new UTF8Encoding(false).GetString(bytes[3..]).Split("\r\n");
        Assert.Equal(7, lines.Length); // header, five rows, and the empty rest after the last CRLF
        Assert.StartsWith("Email,First Name,Last Name,Company Name,Contact owner,journeyml_customer_id,journeyml_account_id,journeyml_status,journeyml_churn_risk,", lines[0]);
        Assert.Matches(@"^c\d+@example\.com,Given\d+,Family\d+,""Company A\d+, Inc\."",owner\d@vendor\.example,C\d+,A\d+,customer,0\.\d+,1,", lines[1]);

        int segment = fixture.Latest.SegmentIds[0];
        var salesforce = await client.GetStringAsync($"/v1/segments/{segment}/members?layout=salesforce");
        Assert.StartsWith("Email,FirstName,LastName,Company,OwnerId,JourneyML_Customer_ID__c,", salesforce);
        Assert.DoesNotContain("\r\n", salesforce);

        await (await client.GetAsync("/v1/churn-risk?layout=marketo")).AssertProblem(400, "layout");
        await (await client.GetAsync($"/v1/segments/{segment}/members?layout=marketo")).AssertProblem(400, "layout");
    }

    [Fact]
    public async Task A_segments_size_is_its_members_in_the_latest_snapshot_in_the_segment_list_the_member_list_and_the_export()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var list = await (await client.GetAsync("/v1/segments")).Json();
        var segments = list["segments"]!.AsArray();
        Assert.Equal(fixture.Latest.Count, segments.Sum(x => (int)x!["size"]!));
        foreach (var segment in segments)
        {
            int id = (int)segment!["id"]!, size = (int)segment["size"]!;
            var members = segment["members"]!;
            Assert.Equal(size, (int)members["customers"]! + (int)members["leads"]! + (int)members["churned"]!);
            Assert.Equal(fixture.Latest.AsOf, (DateTime)members["asOf"]!);
            Assert.True((int)segment["trainingSize"]! > 0);
            if (size == 0)
            {
                continue;
            }
            var page = await (await client.GetAsync($"/v1/segments/{id}/members?limit=5")).Json();
            Assert.Equal(size, (int)page["total"]!);
            Assert.Equal((int)members["leads"]!, (int)page["members"]!["leads"]!);
            var csv = await client.GetStringAsync($"/v1/segments/{id}/members?format=csv");
            Assert.Equal(size + 1, csv.TrimEnd('\n').Split('\n').Length);
            Assert.Equal(size, SegmentMemberList.Rows(SnapshotView.Load(Path.Combine(fixture.RegistryPath, "snapshots"), depth: 1)!, id).Length);
        }
    }
}
