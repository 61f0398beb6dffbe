using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Scoring;
using static JourneyML.Core.Tests.Scoring.SnapshotFiles;
using Customer = JourneyML.Core.Tests.Scoring.SnapshotFiles.Customer;

namespace JourneyML.Core.Tests.Scoring;

public sealed class RankedListTests
{
    private static readonly Snapshot s_snapshot = WithPassThrough(Of(AsOf,
        new Customer("churned-b", null, "churned", 1, float.NaN, float.NaN),
        new Customer("lead-low", null, "lead", 1, float.NaN, 0.2f),
        new Customer("tie-b", "a1", "customer", 2, 0.5f, float.NaN),
        new Customer("churned-a", null, "churned", 2, float.NaN, float.NaN),
        new Customer("top", "a2", "customer", 1, 0.9f, float.NaN, Factors: "logins down 60%; 4 tickets in 14 days"),
        new Customer("tie-a", "a1", "customer", 1, 0.5f, float.NaN),
        new Customer("lead-high", null, "lead", 2, float.NaN, 0.7f)),
        ("メールアドレス", ["b@example.jp", null, "tie-b@example.jp", "a@example.jp", "top@example.jp", "tie-a@example.jp", "lead@example.jp"]),
        ("氏名", ["", "", "", "", "山田 太郎", "", ""]),
        ("担当者", ["", "", "", "", "佐藤", "", ""]));

    [Fact]
    public void Paying_customers_come_first_by_churn_risk_then_leads_by_lead_score_then_churned_customers_ties_by_id()
    {
        var order = RankedList.All(s_snapshot).Select(r => s_snapshot.CustomerIds[r]);
        Assert.Equal(["top", "tie-a", "tie-b", "lead-high", "lead-low", "churned-a", "churned-b"], order);
        Assert.Equal(["top", "tie-a", "tie-b"], RankedList.ByChurnRisk(s_snapshot).Select(r => s_snapshot.CustomerIds[r]));
        Assert.Equal("7 customers: 3 paying customers, 2 leads, 2 churned", RankedList.Count(s_snapshot, Enumerable.Range(0, 7)).Describe("customers"));
    }

    [Fact]
    public void The_order_does_not_depend_on_the_order_of_the_snapshot_rows()
    {
        var rows = Enumerable.Range(0, s_snapshot.Count).ToArray();
        var expected = RankedList.All(s_snapshot);
        var random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            random.Shuffle(rows);
            Assert.Equal(expected, RankedList.Sorted(s_snapshot, rows));
        }
    }

    [Fact]
    public void The_snapshot_csv_is_the_ranked_list_with_the_customers_own_columns_after_their_ids()
    {
        var path = Path.Combine(TempFolder.Create("export"), "ranked.csv");
        ScoringRun.WriteRankedList(s_snapshot, path, ExportFormat.Default);
        var lines = File.ReadAllText(path, Encoding.UTF8).TrimEnd('\n').Split('\n');
        Assert.Equal("rank,customer_id,account_id,メールアドレス,氏名,担当者,status,segment_id,segment_name,stage,churn_risk,lead_score,factors,change,change_reason,churn_30d,churn_60d,churn_90d,churn_180d,median_days_to_churn,time_to_churn_factors", lines[0]);
        Assert.Equal("1,top,a2,top@example.jp,山田 太郎,佐藤,customer,1,segment 1,Adoption,0.9,,logins down 60%; 4 tickets in 14 days,,,,,,,,", lines[1]);
        Assert.StartsWith("2,tie-a,", lines[2]);
        Assert.StartsWith(",lead-high,,lead@example.jp,", lines[4]); // leads have no churn-risk rank
        Assert.StartsWith(",churned-b,", lines[7]);
        Assert.DoesNotContain('\r', File.ReadAllText(path));
    }

    [Fact]
    public void An_excel_csv_is_utf8_with_a_byte_order_mark_and_crlf_so_japanese_text_opens_as_written()
    {
        var path = Path.Combine(TempFolder.Create("export"), "ranked.csv");
        ScoringRun.WriteRankedList(s_snapshot, path, new ExportFormat(Excel: true));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = new UTF8Encoding(false).GetString(bytes[3..]);
        Assert.Equal(8, text.Split("\r\n").Length - 1); // header and seven rows, each ended by CRLF
        Assert.DoesNotContain("\n", text.Replace("\r\n", ""));
        Assert.Contains("山田 太郎", text);
        Assert.Equal(CustomerExport.ToCsv(CustomerExport.PassThroughNames(s_snapshot), [], new ExportFormat()).Split('\n')[0],
            text.Split("\r\n")[0]); // the same columns as the plain CSV
    }

    [Fact]
    public void The_hubspot_layout_puts_identity_columns_under_hubspot_property_labels_and_scores_under_journeyml_properties()
    {
        var csv = Export(ExportLayout.HubSpot).Split('\n');
        Assert.Equal("Email,Last Name,Contact owner,journeyml_customer_id,journeyml_account_id,journeyml_status,journeyml_churn_risk,journeyml_churn_rank," +
            "journeyml_lead_score,journeyml_segment,journeyml_segment_id,journeyml_stage,journeyml_top_reason,journeyml_change_reason," +
            "journeyml_churn_30d,journeyml_churn_60d,journeyml_churn_90d,journeyml_churn_180d,journeyml_median_days_to_churn", csv[0]);
        // A whole name is never split: it goes where the last name would.
        Assert.Equal("top@example.jp,山田 太郎,佐藤,top,a2,customer,0.9,1,,segment 1,1,Adoption,logins down 60%,,,,,,", csv[1]);
    }

    [Fact]
    public void The_salesforce_layout_uses_field_api_names_and_custom_fields_ending_in_c()
    {
        var header = Export(ExportLayout.Salesforce).Split('\n')[0].Split(',');
        Assert.Equal(["Email", "LastName", "OwnerId", "JourneyML_Customer_ID__c", "JourneyML_Account_ID__c", "JourneyML_Status__c", "JourneyML_Churn_Risk__c",
            "JourneyML_Churn_Rank__c", "JourneyML_Lead_Score__c", "JourneyML_Segment__c", "JourneyML_Segment_ID__c", "JourneyML_Stage__c", "JourneyML_Top_Reason__c",
            "JourneyML_Change_Reason__c", "JourneyML_Churn_30d__c", "JourneyML_Churn_60d__c", "JourneyML_Churn_90d__c", "JourneyML_Churn_180d__c",
            "JourneyML_Median_Days_To_Churn__c"], header);
    }

    [Fact]
    public void Every_layout_appends_the_chance_of_churning_within_30_to_180_days_and_the_median_time_to_churn_empty_without_a_curve()
    {
        // top: a curve crossing one half at 75 days; tie-a: a curve that stays above it (no median); the rest: no curve (leads, churned).
        float[] Curve(float top, float tieA) => [.. s_snapshot.CustomerIds.Select(id => id == "top" ? top : id == "tie-a" ? tieA : float.NaN)];
        var s = WithPassThrough(s_snapshot, [.. s_snapshot.PassThrough.Select(p => (p.Name, p.Values))]);
        s = new Snapshot
        {
            AsOf = s.AsOf, ModelVersion = s.ModelVersion, CustomerIds = s.CustomerIds, AccountIds = s.AccountIds, Status = s.Status, SegmentIds = s.SegmentIds,
            SegmentNames = s.SegmentNames, Stage = s.Stage, ChurnRisk = s.ChurnRisk, LeadScore = s.LeadScore, Factors = s.Factors, Change = s.Change,
            ChangeReason = s.ChangeReason, Roles = s.Roles, FeatureValues = s.FeatureValues, PassThrough = s.PassThrough,
            TimeToChurn = new TimeToChurn([Curve(0.1f, 0.01f), Curve(0.3f, 0.02f), Curve(0.6f, 0.03f), Curve(0.7f, 0.04f), Curve(0.75f, 0.05f), Curve(0.8f, 0.06f)],
                Curve(75f, float.NaN))
            {
                Factors = [.. s.CustomerIds.Select(id => id == "top" ? "no login for 40 days (shortens time to churn)" : "")],
                FactorsJapanese = [.. s.CustomerIds.Select(_ => "")],
            },
        };
        string Csv(ExportLayout layout) => CustomerExport.ToCsv(CustomerExport.PassThroughNames(s), RankedList.All(s).Select(r => CustomerRow.From(s, r)), new ExportFormat(layout));
        var own = Csv(ExportLayout.JourneyML).Split('\n');
        Assert.EndsWith(",change_reason,churn_30d,churn_60d,churn_90d,churn_180d,median_days_to_churn,time_to_churn_factors", own[0]);
        Assert.EndsWith(",0.1,0.3,0.6,0.8,75,no login for 40 days (shortens time to churn)", own[1]);
        Assert.StartsWith(",tie-a,", own[2]);
        Assert.EndsWith(",0.01,0.02,0.03,0.06,,", own[2]);
        Assert.EndsWith(",,,,,,", own[4]); // a lead: no curve
        var hubSpot = Csv(ExportLayout.HubSpot).Split('\n');
        Assert.EndsWith(",journeyml_churn_30d,journeyml_churn_60d,journeyml_churn_90d,journeyml_churn_180d,journeyml_median_days_to_churn", hubSpot[0]);
        Assert.EndsWith(",0.1,0.3,0.6,0.8,75", hubSpot[1]);
        Assert.EndsWith(",0.1,0.3,0.6,0.8,75", Csv(ExportLayout.Salesforce).Split('\n')[1]);
    }

    [Fact]
    public void Import_layouts_fill_first_and_last_name_company_and_phone_and_keep_unknown_columns_under_their_own_names()
    {
        var columns = CustomerExport.Columns(ExportLayout.Salesforce, ["First Name", "Last Name", "Company", "Tel", "Favourite colour", "Work Email", "E-mail"]);
        // The first email column fills Email; the second comes under its own name, as do columns whose name says nothing known.
        Assert.Equal(["Email", "FirstName", "LastName", "Company", "Phone", "Favourite colour", "E-mail"], columns.Take(7).Select(c => c.Header));
        var hubSpot = CustomerExport.Columns(ExportLayout.HubSpot, ["Name", "Full name"]).Select(c => c.Header).ToList();
        Assert.Equal(["Last Name", "Full name"], hubSpot.Take(2));
    }

    [Fact]
    public void Layouts_are_named_as_the_options_take_them_and_an_unknown_one_is_refused_naming_the_choices()
    {
        Assert.Equal(ExportLayout.HubSpot, ExportFormat.ParseLayout("HubSpot", "--layout"));
        Assert.Equal(ExportLayout.JourneyML, ExportFormat.ParseLayout(null, "--layout"));
        var e = Assert.Throws<InvalidInputException>(() => ExportFormat.ParseLayout("marketo", "--layout"));
        Assert.Contains("--layout: unknown layout 'marketo' (one of: journeyml, hubspot, salesforce)", e.Message);
    }

    [Fact]
    public void Passed_through_columns_are_stored_in_the_snapshot_and_read_back_as_written()
    {
        var view = View(s_snapshot);
        Assert.Equal(["メールアドレス", "氏名", "担当者"], view.Latest.PassThrough.Select(p => p.Name));
        Assert.True(view.TryFind("top", out int row));
        var customer = CustomerRow.From(view, row);
        Assert.Equal("top@example.jp", customer.PassThrough!["メールアドレス"]);
        Assert.Equal("山田 太郎", customer.PassThrough["氏名"]);
        Assert.Equal(1, customer.Rank);
    }

    [Fact]
    public void Segment_sizes_count_every_member_by_section_as_the_member_list_holds_them()
    {
        var view = View(s_snapshot);
        var sizes = SegmentMemberList.Sizes(view, view.Latest.ModelVersion)!;
        foreach (var (segment, counts) in sizes)
        {
            var members = SegmentMemberList.Rows(view, segment);
            Assert.Equal(members.Length, counts.Total);
            Assert.Equal(members.Length + 1, SegmentMemberList.ToCsv(view, segment).TrimEnd('\n').Split('\n').Length);
        }
        Assert.Equal(new ListCounts(2, 1, 1), sizes[1]);
        Assert.Equal(s_snapshot.Count, sizes.Values.Sum(c => c.Total));
    }

    private static string Export(ExportLayout layout) =>
        CustomerExport.ToCsv(CustomerExport.PassThroughNames(s_snapshot), RankedList.All(s_snapshot).Select(r => CustomerRow.From(s_snapshot, r,
            Array.IndexOf(RankedList.ByChurnRisk(s_snapshot), r) is var i and >= 0 ? i + 1 : null)), new ExportFormat(layout));

    private static Snapshot WithPassThrough(Snapshot s, params (string Name, string?[] Values)[] columns) => new()
    {
        AsOf = s.AsOf, ModelVersion = s.ModelVersion, CustomerIds = s.CustomerIds, AccountIds = s.AccountIds, Status = s.Status, SegmentIds = s.SegmentIds,
        SegmentNames = s.SegmentNames, Stage = s.Stage, ChurnRisk = s.ChurnRisk, LeadScore = s.LeadScore, Factors = s.Factors, Change = s.Change,
        ChangeReason = s.ChangeReason, Roles = s.Roles, FeatureValues = s.FeatureValues,
        PassThrough = [.. columns.Select(c => new PassThroughValues(c.Name, [.. c.Values.Select(v => string.IsNullOrEmpty(v) ? null : v)]))],
    };
}

public sealed class PassThroughColumnTests
{
    [Theory]
    [InlineData("Email", IdentityRole.Email)]
    [InlineData("E-mail Address", IdentityRole.Email)]
    [InlineData("メールアドレス", IdentityRole.Email)]
    [InlineData("Ｅメール", IdentityRole.Email)]
    [InlineData("first_name", IdentityRole.FirstName)]
    [InlineData("姓", IdentityRole.LastName)]
    [InlineData("氏名", IdentityRole.FullName)]
    [InlineData("名前", IdentityRole.FullName)]
    [InlineData("Company Name", IdentityRole.Company)]
    [InlineData("会社名", IdentityRole.Company)]
    [InlineData("Contact owner", IdentityRole.Owner)]
    [InlineData("担当者", IdentityRole.Owner)]
    [InlineData("Phone Number", IdentityRole.Phone)]
    [InlineData("ＴＥＬ", IdentityRole.Phone)]
    public void Identifying_column_names_are_detected_in_english_and_japanese(string name, IdentityRole role) =>
        Assert.Equal(role, PassThroughColumns.Detect(name));

    [Theory]
    [InlineData("industry")]
    [InlineData("company_size")]
    [InlineData("seats")]
    [InlineData("業種")]
    public void Attribute_columns_are_not_identifying(string name) => Assert.Null(PassThroughColumns.Detect(name));

    [Fact]
    public void The_customers_own_columns_are_detected_and_kept_without_a_mapping_setting()
    {
        using var export = Export("customer_id,signed_up_at,plan,industry,メールアドレス,氏名,担当者", "C1,2026-01-05T00:00:00Z,pro,retail,c1@example.jp,山田 太郎,佐藤");
        var customers = Dataset.Open(export.Write(), new ValidationReport()).Customers;
        Assert.Equal(["メールアドレス", "氏名", "担当者"], customers.PassThrough.Select(c => c.Name));
        Assert.Equal([IdentityRole.Email, IdentityRole.FullName, IdentityRole.Owner], customers.PassThrough.Select(c => c.Role));
        Assert.Equal("山田 太郎", customers[0].Attributes["氏名"]);
    }

    [Fact]
    public void The_mapping_names_the_passed_through_columns_and_an_empty_list_passes_none()
    {
        using var named = Export("customer_id,signed_up_at,plan,Email,Owner,Favourite colour", "C1,2026-01-05T00:00:00Z,pro,c1@example.com,Kim,green");
        var customers = Dataset.Open(named.Write(mapping: Mapping("""["favourite colour", "Email"]""")), new ValidationReport()).Customers;
        Assert.Equal(["Favourite colour", "Email"], customers.PassThrough.Select(c => c.Name)); // as the file spells it, in the mapping's order
        Assert.Equal([IdentityRole.Other, IdentityRole.Email], customers.PassThrough.Select(c => c.Role));

        using var none = Export("customer_id,signed_up_at,plan,Email", "C1,2026-01-05T00:00:00Z,pro,c1@example.com");
        Assert.Empty(Dataset.Open(none.Write(mapping: Mapping("[]")), new ValidationReport()).Customers.PassThrough);
    }

    [Theory]
    [InlineData("""["Mail"]""", "customers.passThrough names column 'Mail', which is not in the file")]
    [InlineData("""["plan"]""", "customers.passThrough names column 'plan', which the mapping already uses")]
    [InlineData("""["Status"]""", "customers.passThrough names column 'Status', which has the name of a column JourneyML writes")]
    [InlineData("""["Email", "email"]""", "customers.passThrough names column 'Email' twice")]
    public void A_wrong_pass_through_setting_is_an_error_naming_the_file_and_the_column(string setting, string message)
    {
        using var export = Export("customer_id,signed_up_at,plan,Email,Status", "C1,2026-01-05T00:00:00Z,pro,c1@example.com,gold");
        var e = Assert.Throws<DataFileException>(() => Dataset.Open(export.Write(mapping: Mapping(setting)), new ValidationReport()));
        Assert.Contains(message, e.Message);
        Assert.Contains("customers.csv", e.Message);
    }

    private static string Mapping(string passThrough) =>
        $$"""{ "dataAsOf": "2026-07-01T00:00:00Z", "dataStart": "2025-01-01T00:00:00Z", "customers": { "passThrough": {{passThrough}} } }""";

    private static TestExport Export(string header, string row)
    {
        var export = new TestExport();
        export.Event("C1", new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), "login");
        export.CustomersFile = [header, row];
        return export;
    }
}
