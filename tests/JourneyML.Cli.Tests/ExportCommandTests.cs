using System.Text;
using System.Text.RegularExpressions;

namespace JourneyML.Cli.Tests;

/// <summary>What a CS lead and a campaign tool get from the command line: the ranked list and segment exports, in each layout, for Excel.</summary>
public sealed partial class ExportCommandTests
{
    [Fact]
    public void The_ranked_list_and_segment_exports_carry_the_customers_own_columns_and_their_counts_agree_with_segments_list()
    {
        var data = SampleWithIdentityColumns();
        var registry = Path.Combine(data, "models");
        Assert.Equal(0, JourneyCli.Run("train", "--data", data, "--registry", registry, "--fixed-trainer").ExitCode);

        var score = JourneyCli.Run("score", "--data", data, "--registry", registry, "--excel");
        Assert.Equal(0, score.ExitCode);
        Assert.DoesNotContain("@example.jp", score.Error); // personal values never reach the logs
        Assert.DoesNotContain("@example.jp", score.Output);
        Assert.Contains("your columns in every export: メールアドレス (email), 氏名 (full name), 担当者 (owner)", score.Output);
        var csvPath = Directory.GetFiles(Path.Combine(registry, "snapshots"), "*.csv").Single();
        Assert.Matches(@"ranked list .*\.csv: 2,000 customers: [\d,]+ paying customers, [\d,]+ leads, [\d,]+ churned \(in that order\)", score.Output);
        var bytes = File.ReadAllBytes(csvPath);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("rank,customer_id,account_id,メールアドレス,氏名,担当者,status,segment_id,segment_name,stage,churn_risk,lead_score,factors,change,change_reason,churn_30d,churn_60d,churn_90d,churn_180d,median_days_to_churn,time_to_churn_factors", lines[0]);
        Assert.StartsWith("1,", lines[1]);
        Assert.Matches(@"^1,C\d+,A\d+,c\d+@example\.jp,山田 \d+,佐藤,customer,", lines[1]);

        var list = JourneyCli.Run("segments", "list", "--registry", registry);
        Assert.Equal(0, list.ExitCode);
        var sizes = SegmentLine().Matches(list.Output).ToDictionary(m => m.Groups["id"].Value, m => int.Parse(m.Groups["members"].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(sizes);
        Assert.Equal(2000, sizes.Values.Sum()); // every customer of the snapshot is a member of one segment
        foreach (var (id, members) in sizes)
        {
            var file = Path.Combine(data, $"segment-{id}.csv");
            var export = JourneyCli.Run("segments", "export", id, "--out", file, "--registry", registry, "--layout", "salesforce");
            Assert.Equal(0, export.ExitCode);
            Assert.Contains($": {members:N0} members: ", export.Output);
            var rows = File.ReadAllLines(file);
            Assert.Equal(members + 1, rows.Length);
            Assert.StartsWith("Email,LastName,OwnerId,JourneyML_Customer_ID__c,", rows[0]);
        }
    }

    [Fact]
    public void An_unknown_layout_is_refused_with_the_choices()
    {
        var result = JourneyCli.Run("segments", "export", "0", "--out", Path.Combine(TempFolder.Create("cli"), "x.csv"), "--layout", "marketo",
            "--registry", TempFolder.Create("cli"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--layout: unknown layout 'marketo' (one of: journeyml, hubspot, salesforce)", result.Error);
    }

    /// <summary>The committed sample with a Japanese CRM's identifying columns added to its customers: email, full name, owner.</summary>
    private static string SampleWithIdentityColumns()
    {
        var dir = TempFolder.Create("cli");
        foreach (var file in new[] { "events.parquet", "outcomes.csv", "journeyml.json" })
        {
            File.Copy(Samples.Path("sample", file), Path.Combine(dir, file));
        }
        var lines = File.ReadAllLines(Samples.Path("sample", "customers.csv"));
        var withIdentity = lines.Select((line, i) => i == 0
            ? line + ",メールアドレス,氏名,担当者"
            : $"{line},{line.Split(',')[0].ToLowerInvariant()}@example.jp,山田 {i},佐藤");
        File.WriteAllLines(Path.Combine(dir, "customers.csv"), withIdentity, new UTF8Encoding(false));
        return dir;
    }

    [GeneratedRegex(@"^\s*(?<id>\d+) .*\((?<members>[\d,]+) members: ", RegexOptions.Multiline)]
    private static partial Regex SegmentLine();
}
