using System.Text;

namespace JourneyML.Cli.Tests;

/// <summary>Exports as real tools write them: a Japanese Shift_JIS export, other delimiters, stray quotes, through the CLI.</summary>
public sealed class ExportFormatTests
{
    private static string JaExport => Samples.Path("ja-export");

    [Fact]
    public void Validate_and_features_read_the_japanese_shift_jis_export_with_its_names_intact()
    {
        var validate = JourneyCli.Run("validate", "--data", JaExport);
        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("171 valid customers in 52 accounts", validate.Output);
        Assert.Contains("No invalid rows.", validate.Output);

        var dir = TempFolder.Create("cli-ja");
        var features = JourneyCli.Run("features", "--data", JaExport, "--out", Path.Combine(dir, "ja.csv"));
        Assert.Equal(0, features.ExitCode);
        var ja = ReadCsv(Path.Combine(dir, "ja.csv"));
        Assert.Equal(171, ja.Count);
        Assert.Equal(["エンタープライズ", "スターター", "プロ"], ja.Values.Select(r => r["plan"]).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(ja.Values, r => r["region"] == "欧州・中東・アフリカ");
        // Roles come through the mapping's Japanese role names.
        Assert.Contains(ja.Values, r => r["role"] == "decision-maker");
        Assert.Contains("| 行動履歴.csv | 23,273 |", File.ReadAllText(Path.Combine(dir, "ja.report.md")));

        // The export is crm-export's first accounts translated: every Japanese event name must count as its English original did.
        Assert.Equal(0, JourneyCli.Run("features", "--data", Samples.CrmExport, "--out", Path.Combine(dir, "crm.csv")).ExitCode);
        var crm = ReadCsv(Path.Combine(dir, "crm.csv"));
        foreach (var feature in new[] { "logins_90d", "tickets_90d", "escalations_90d", "content_90d", "downloads_90d", "webinars_90d", "pricing_views_90d", "sales_touches_90d" })
        {
            Assert.All(ja, row => Assert.Equal(crm[row.Key][feature], row.Value[feature]));
        }
        Assert.True(ja.Values.Sum(r => double.Parse(r["logins_90d"], System.Globalization.CultureInfo.InvariantCulture)) > 1000);
    }

    [Fact]
    public void A_ready_feature_table_takes_its_encoding_and_delimiter_from_the_command_line_or_detects_them()
    {
        var dir = TempFolder.Create("cli-modeb");
        var path = Path.Combine(dir, "顧客特徴.csv");
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        File.WriteAllBytes(path, Encoding.GetEncoding(932).GetBytes("顧客ID;プラン;利用時間;解約\r\nC1;プロ;12.5;1\r\nC2;スターター;3;0\r\nC3;プロ;7;0\r\n"));

        var detected = JourneyCli.Run("validate", "--feature-table", path, "--id", "顧客ID", "--label", "解約");
        Assert.Equal(0, detected.ExitCode);
        Assert.Contains("顧客特徴.csv: 3 rows, 2 features (1 numeric, 1 categorical)", detected.Output);

        var named = JourneyCli.Run("validate", "--feature-table", path, "--id", "顧客ID", "--label", "解約", "--encoding", "cp932", "--delimiter", ";");
        Assert.Equal(0, named.ExitCode);

        var wrong = JourneyCli.Run("validate", "--feature-table", path, "--id", "顧客ID", "--encoding", "utf-8");
        Assert.Equal(3, wrong.ExitCode);
        Assert.Contains("顧客特徴.csv, row 1: undecodable text in the header row", wrong.Error);
        Assert.Contains("--encoding shift_jis", wrong.Error);

        var comma = JourneyCli.Run("validate", "--feature-table", path, "--id", "顧客ID", "--delimiter", ",");
        Assert.Equal(3, comma.ExitCode);
        Assert.Contains("split at ';' it holds '顧客ID'", comma.Error);
        Assert.Contains("--delimiter \";\"", comma.Error);

        var unknown = JourneyCli.Run("validate", "--feature-table", path, "--encoding", "klingon");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--encoding: unknown encoding 'klingon'", unknown.Error);
    }

    [Theory]
    [InlineData("validate", "encoding", "events.csv, row 4, column 'type': undecodable text")]
    [InlineData("features", "encoding", "events.csv, row 4, column 'type': undecodable text")]
    [InlineData("validate", "stray-quote", "customers.csv, row 4, column 'company': unbalanced quote")]
    [InlineData("validate", "wrong-delimiter", "The header looks split with the wrong delimiter")]
    public void Bad_encoding_quote_and_delimiter_samples_exit_with_the_invalid_data_code_and_say_where(string command, string sample, string message)
    {
        string[] output = command == "features" ? ["--as-of", "2026-03-05", "--out", Path.Combine(TempFolder.Create("cli-bad"), "f.csv")] : [];
        var result = JourneyCli.Run([command, "--data", Samples.Bad(sample), .. output]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    /// <summary>A CSV written by the features command (UTF-8, comma, no quoted fields in these columns), by customer id.</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => f[x.i]));
    }
}
