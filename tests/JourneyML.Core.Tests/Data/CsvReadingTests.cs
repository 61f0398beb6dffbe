using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Data;

/// <summary>Real exports' CSV: encodings (Shift_JIS from Excel and Japanese CRM tools), delimiters and stray quotes.</summary>
public sealed class CsvReadingTests
{
    static CsvReadingTests() => TextEncodings.EnsureRegistered();

    private static Encoding ShiftJis => Encoding.GetEncoding(932);

    private static readonly string[] s_customers =
    [
        "顧客ID,登録日,プラン,業種",
        "C1,2025-05-01T00:00:00Z,エンタープライズ,製造",
        "C2,2025-05-03T00:00:00Z,スターター,小売",
    ];

    private static readonly string[] s_events =
    [
        "顧客ID,日時,行動",
        "C1,2026-02-20T09:00:00Z,ログイン",
        "C1,2026-02-21T09:00:00Z,ログイン",
        "C2,2026-02-22T09:00:00Z,問い合わせ",
        "C2,2026-02-23T09:00:00Z,資料ダウンロード",
        "C1,2026-02-24T09:00:00Z,セミナー申込",
    ];

    private const string JapaneseMapping = """
        {
          "dataAsOf": "2026-07-01T00:00:00Z",
          "dataStart": "2025-01-01T00:00:00Z",
          ENCODING
          "customers": { "columns": { "customerId": "顧客ID", "signedUpAt": "登録日", "plan": "プラン" } },
          "events": {
            "columns": { "customerId": "顧客ID", "occurredAt": "日時", "type": "行動" },
            "types": { "ログイン": "login", "問い合わせ": "ticket_opened", "資料ダウンロード": "download", "解約": "cancellation", "契約": "purchase" }
          }
        }
        """;

    /// <summary>A Japanese export (Japanese column names, event names and values) written in one encoding.</summary>
    private static string JapaneseExport(Encoding encoding, bool bom, string? encodingSetting = null, string[]? customers = null, string[]? events = null)
    {
        var dir = TempFolder.Create("csv-ja");
        Write(Path.Combine(dir, "customers.csv"), customers ?? s_customers, encoding, bom);
        Write(Path.Combine(dir, "events.csv"), events ?? s_events, encoding, bom);
        File.WriteAllText(Path.Combine(dir, "journeyml.json"),
            JapaneseMapping.Replace("ENCODING", encodingSetting is null ? "" : $"\"encoding\": \"{encodingSetting}\","), new UTF8Encoding(false));
        return dir;
    }

    private static void Write(string path, IEnumerable<string> lines, Encoding encoding, bool bom, string newline = "\r\n")
    {
        var body = encoding.GetBytes(string.Join(newline, lines) + newline);
        File.WriteAllBytes(path, bom ? [.. encoding.GetPreamble(), .. body] : body);
    }

    private static FeatureTable Features(string dir, out ValidationReport report)
    {
        report = new ValidationReport(InvalidRowPolicy.Strict);
        var dataset = Dataset.Open(dir, report);
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = TestExport.AsOf }).Table;
    }

    public static TheoryData<string, bool> Encodings => new()
    {
        { "utf-8", false },
        { "utf-8", true },
        { "utf-16", true },
        { "utf-16be", true },
        { "shift_jis", false },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void A_japanese_export_reads_intact_in_every_common_encoding_without_naming_it(string encodingName, bool bom)
    {
        var encoding = encodingName switch
        {
            "utf-16" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            "shift_jis" => ShiftJis,
            _ => new UTF8Encoding(bom),
        };
        var table = Features(JapaneseExport(encoding, bom), out var report);

        Assert.Equal(["C1", "C2"], table.CustomerIds);
        Assert.Equal(new string?[] { "エンタープライズ", "スターター" }, table.Categories("plan"));
        Assert.Equal(2, table.Numbers("logins_30d")[0]);
        Assert.Equal(1, table.Numbers("tickets_30d")[1]);
        Assert.Equal(1, table.Numbers("downloads_90d")[1]);
        // An event name the mapping does not list is kept as 'other' and counted under its own (Japanese) name.
        Assert.Contains(report.Notes, n => n.Key.Contains("セミナー申込") && n.Value == 1);
        Assert.False(report.HasProblems);
    }

    [Fact]
    public void A_shift_jis_export_reads_with_the_encoding_named_in_the_mapping_at_top_level_or_per_table()
    {
        var named = Features(JapaneseExport(ShiftJis, bom: false, encodingSetting: "cp932"), out _);
        Assert.Equal(new string?[] { "エンタープライズ", "スターター" }, named.Categories("plan"));

        var dir = JapaneseExport(ShiftJis, bom: false, encodingSetting: "utf-8");
        // Customers named Shift_JIS in their own table setting; events fall back to the top-level utf-8 and fail on their first Japanese byte.
        var mapping = File.ReadAllText(Path.Combine(dir, "journeyml.json"))
            .Replace("\"customers\": {", "\"customers\": { \"encoding\": \"shift_jis\",");
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), mapping);
        var ex = Assert.Throws<DataFileException>(() => Features(dir, out _));
        Assert.Equal("events.csv", ex.File);
        Assert.Equal(1, ex.Row);
    }

    [Fact]
    public void A_shift_jis_file_read_as_utf8_is_an_error_naming_row_column_encoding_and_how_to_name_another()
    {
        // English header and early rows (the detection sample is valid UTF-8), Japanese values further down.
        var events = new List<string> { "customer_id,occurred_at,type" };
        var filler = new string('x', 60);
        for (int i = 0; i < 20_000; i++)
        {
            events.Add($"C1,2026-02-20T09:00:00Z,login_{filler}");
        }
        events.Add("C2,2026-02-22T09:00:00Z,問い合わせ");
        var customers = new[] { "customer_id,signed_up_at,plan", "C1,2025-05-01T00:00:00Z,pro", "C2,2025-05-01T00:00:00Z,pro" };
        var dir = TempFolder.Create("csv-ja");
        Write(Path.Combine(dir, "customers.csv"), customers, ShiftJis, bom: false);
        Write(Path.Combine(dir, "events.csv"), events, ShiftJis, bom: false);
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "dataAsOf": "2026-07-01T00:00:00Z" }""");
        Assert.True(new FileInfo(Path.Combine(dir, "events.csv")).Length > CsvTableReader.DetectionBytes);

        var dataset = Dataset.Open(dir, new ValidationReport());
        var ex = Assert.Throws<DataFileException>(() => dataset.Events.ReadPartition(0).Sum(b => b.Count));
        Assert.Equal(("events.csv", 20_002L, "type"), (ex.File, ex.Row, ex.Column));
        Assert.StartsWith("events.csv, row 20002, column 'type': undecodable text", ex.Message);
        Assert.Contains("not valid utf-8", ex.Message);
        Assert.Contains("The row reads as Japanese text in Shift_JIS", ex.Message);
        Assert.Contains("\"encoding\": \"shift_jis\"", ex.Message);
        Assert.Contains("\"events\": { \"encoding\": \"shift_jis\" }", ex.Message);
        Assert.DoesNotContain(DecodingMarks.Mark.ToString(), ex.Message);

        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "dataAsOf": "2026-07-01T00:00:00Z", "events": { "encoding": "shift_jis" } }""");
        var report = new ValidationReport(InvalidRowPolicy.Skip);
        var named = Dataset.Open(dir, report);
        Assert.Equal(20_001, named.Events.ReadPartition(0).Sum(b => b.Count));
        Assert.Contains(report.Notes, n => n.Key.Contains("問い合わせ"));
    }

    [Fact]
    public void A_western_european_file_is_not_taken_for_shift_jis_and_reads_once_named()
    {
        var dir = TempFolder.Create("csv-1252");
        var path = Path.Combine(dir, "t.csv");
        var windows1252 = Encoding.GetEncoding(1252);
        Write(path, ["id;name;city", "C1;Müller;Zürich", "C2;Françoise;Orléans"], windows1252, bom: false);
        using (var detected = TableReader.Open(path))
        {
            var ex = Assert.Throws<DataFileException>(() => detected.ReadAll(["name"]).Count());
            Assert.Equal((2L, "name"), (ex.Row, ex.Column));
            Assert.Contains("neither valid UTF-8 nor Shift_JIS", ex.Message);
            Assert.Contains("windows-1252", ex.Message);
        }
        using var named = TableReader.Open(path, CsvFormat.FromOptions("windows-1252", null));
        var chunk = named.ReadAll(["name", "city"]).Single();
        Assert.Equal(("Müller", "Orléans"), (chunk.GetString(0, 0), chunk.GetString(1, 1)));
    }

    [Fact]
    public void Utf16_without_a_byte_order_mark_is_named_as_such_and_reads_once_named()
    {
        var dir = JapaneseExport(new UnicodeEncoding(false, false), bom: false);
        var ex = Assert.Throws<DataFileException>(() => Features(dir, out _));
        Assert.Contains("UTF-16 text without a byte order mark", ex.Message);
        Assert.Contains("\"encoding\": \"utf-16\"", ex.Message);

        var named = Features(JapaneseExport(new UnicodeEncoding(false, false), bom: false, encodingSetting: "utf-16"), out _);
        Assert.Equal(new string?[] { "エンタープライズ", "スターター" }, named.Categories("plan"));
    }

    [Fact]
    public void Unknown_encoding_and_delimiter_names_in_the_mapping_name_the_setting()
    {
        var dir = JapaneseExport(ShiftJis, bom: false, encodingSetting: "klingon");
        var ex = Assert.Throws<DataFileException>(() => Features(dir, out _));
        Assert.Equal("encoding", ex.Column);
        Assert.Contains("unknown encoding 'klingon'", ex.Message);

        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "events": { "delimiter": "ab" } }""");
        var bad = Assert.Throws<DataFileException>(() => Features(dir, out _));
        Assert.Equal("events.delimiter", bad.Column);
        Assert.Contains("'ab' is not a delimiter", bad.Message);
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void Each_common_delimiter_is_detected_from_the_header(string delimiter)
    {
        var dir = TempFolder.Create("csv-delim");
        string Row(params string[] fields) => string.Join(delimiter, fields.Select(f => f.Contains(delimiter[0]) || f.Contains(',') || f.Contains(';') ? $"\"{f}\"" : f));
        File.WriteAllLines(Path.Combine(dir, "customers.csv"),
        [
            Row("ID", "Signed up", "Plan", "Note"),
            Row("C1", "2025-05-01T00:00:00Z", "pro", "big; important, yes"),
            Row("C2", "2025-05-03T00:00:00Z", "starter", ""),
        ]);
        File.WriteAllLines(Path.Combine(dir, "events.csv"),
        [
            Row("ID", "When", "What", "value"),
            Row("C1", "2026-02-20T09:00:00Z", "login", "3.5"),
            Row("C2", "2026-02-22T09:00:00Z", "ticket_opened", ""),
        ]);
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """
            { "dataAsOf": "2026-07-01T00:00:00Z",
              "customers": { "columns": { "customerId": "ID", "signedUpAt": "Signed up", "plan": "Plan" } },
              "events": { "columns": { "customerId": "ID", "occurredAt": "When", "type": "What" } } }
            """);
        var table = Features(dir, out _);
        Assert.Equal(["C1", "C2"], table.CustomerIds);
        Assert.Equal(new string?[] { "pro", "starter" }, table.Categories("plan"));
        Assert.Equal(1, table.Numbers("logins_30d")[0]);
        using var reader = (CsvTableReader)TableReader.Open(Path.Combine(dir, "customers.csv"));
        Assert.Equal(delimiter[0], reader.Delimiter);
        var chunk = reader.ReadAll(["Note"]).Single();
        Assert.Equal("big; important, yes", chunk.GetString(0, 0));
    }

    [Fact]
    public void When_several_delimiters_appear_in_the_header_the_one_giving_consistent_rows_wins()
    {
        var dir = TempFolder.Create("csv-delim");
        var path = Path.Combine(dir, "t.csv");
        // Commas inside the header's names, semicolons between them; the rows agree with the semicolons.
        File.WriteAllText(path, "id;amount (EUR, net);city, country\nC1;3,5;Paris, FR\nC2;4;Lyon\nC3;12,75;Nice\n");
        using var reader = (CsvTableReader)TableReader.Open(path);
        Assert.Equal(';', reader.Delimiter);
        Assert.Equal(["id", "amount (EUR, net)", "city, country"], reader.Columns);
    }

    [Fact]
    public void The_mapping_names_a_delimiter_and_a_wrong_one_says_the_header_looks_split_with_another()
    {
        var dir = TempFolder.Create("csv-delim");
        File.WriteAllText(Path.Combine(dir, "customers.csv"), "ID;Signed up;Plan\nC1;2025-05-01T00:00:00Z;pro\n");
        File.WriteAllText(Path.Combine(dir, "events.csv"), "ID\tWhen\tWhat\nC1\t2026-02-20T09:00:00Z\tlogin\n");
        const string Mapping = """
            { "dataAsOf": "2026-07-01T00:00:00Z", "delimiter": "DELIMITER",
              "customers": { "columns": { "customerId": "ID", "signedUpAt": "Signed up", "plan": "Plan" } },
              "events": { "delimiter": "tab", "columns": { "customerId": "ID", "occurredAt": "When", "type": "What" } } }
            """;
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), Mapping.Replace("DELIMITER", ";"));
        Assert.Equal(1, Features(dir, out _).Numbers("logins_30d")[0]);

        File.WriteAllText(Path.Combine(dir, "journeyml.json"), Mapping.Replace("DELIMITER", ","));
        var ex = Assert.Throws<DataFileException>(() => Features(dir, out _));
        Assert.Contains("customers.csv, column 'ID': missing required column 'ID'", ex.Message);
        Assert.Contains("The header looks split with the wrong delimiter: split at ';' it holds 'ID'", ex.Message);
        Assert.Contains("read with ','", ex.Message);
        Assert.Contains("\"delimiter\": \";\"", ex.Message);
    }

    [Fact]
    public void Excels_sep_line_names_the_delimiter_and_rows_of_only_delimiters_are_blank()
    {
        var dir = TempFolder.Create("csv-sep");
        var path = Path.Combine(dir, "t.csv");
        File.WriteAllText(path, "sep=;\r\na;b,c\r\n1;2,5\r\n;\r\n3;4\r\n");
        using var reader = TableReader.Open(path);
        Assert.Equal(["a", "b,c"], reader.Columns);
        var chunk = reader.ReadAll(["a", "b,c"]).Single();
        Assert.Equal(2, chunk.RowCount);
        Assert.Equal(("2,5", 3L), (chunk.GetString(1, 0), chunk.RowNumber(0)));
        Assert.Equal(("3", 5L), (chunk.GetString(0, 1), chunk.RowNumber(1)));
    }

    [Fact]
    public void One_stray_quote_in_a_2000_customer_export_fails_with_the_row_and_column_where_it_began()
    {
        var dir = TempFolder.Create("csv-quote");
        var lines = new List<string> { "customer_id,signed_up_at,plan,company" };
        for (int i = 1; i <= 2_000; i++)
        {
            // Row 1,001 (line 1,002) opens a quoted company name and never closes it.
            lines.Add(i == 1_001 ? $"C{i},2025-05-01T00:00:00Z,pro,\"Acme, Inc" : $"C{i},2025-05-01T00:00:00Z,pro,Company {i}");
        }
        File.WriteAllLines(Path.Combine(dir, "customers.csv"), lines);
        File.WriteAllText(Path.Combine(dir, "events.csv"), "customer_id,occurred_at,type\nC1,2026-02-20T09:00:00Z,login\n");
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "dataAsOf": "2026-07-01T00:00:00Z" }""");

        var ex = Assert.Throws<DataFileException>(() => Dataset.Open(dir, new ValidationReport(InvalidRowPolicy.Skip)));
        Assert.Equal(("customers.csv", 1_002L, "company"), (ex.File, ex.Row, ex.Column));
        Assert.Contains("unbalanced quote: the quoted field that begins on line 1,002 never closes", ex.Message);
        Assert.Contains("still open at the end of the file", ex.Message);
    }

    [Fact]
    public void A_quoted_field_may_span_lines_but_not_without_bound()
    {
        var dir = TempFolder.Create("csv-quote");
        var path = Path.Combine(dir, "t.csv");
        var note = string.Join("\n", Enumerable.Range(1, 200).Select(i => $"line {i}"));
        var rows = new List<string> { "id,note", $"C1,\"{note}\"", "C2,\"never closed" };
        rows.AddRange(Enumerable.Range(3, 5_000).Select(i => $"C{i},plain"));
        File.WriteAllText(path, string.Join("\n", rows) + "\n");
        using var reader = TableReader.Open(path);
        using var chunks = reader.ReadAll(["id", "note"]).GetEnumerator();
        var ex = Assert.Throws<DataFileException>(() => chunks.MoveNext());
        Assert.Equal(202, ex.Row); // C2's quote begins on line 202: C1's 200-line note was read whole
        Assert.Equal("note", ex.Column);
        Assert.Contains($"still open after {CsvTableReader.MaxQuotedLines:N0} lines", ex.Message);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_a_literal_character_as_in_excel()
    {
        var dir = TempFolder.Create("csv-quote");
        var path = Path.Combine(dir, "t.csv");
        File.WriteAllText(path, "id,name,size\nC1,ab\"c,12\" screen\nC2,\"quoted \"\"x\"\"\",3\n");
        using var reader = TableReader.Open(path);
        var chunk = reader.ReadAll(["id", "name", "size"]).Single();
        Assert.Equal(2, chunk.RowCount);
        Assert.Equal(("ab\"c", "12\" screen"), (chunk.GetString(1, 0), chunk.GetString(2, 0)));
        Assert.Equal("quoted \"x\"", chunk.GetString(1, 1));
        Assert.Equal(3, chunk.RowNumber(1));
    }

    [Fact]
    public void A_ready_feature_table_in_shift_jis_with_semicolons_is_detected_or_read_as_named()
    {
        var dir = TempFolder.Create("csv-modeb");
        var path = Path.Combine(dir, "features.csv");
        Write(path, ["顧客ID;プラン;利用時間;解約", "C1;プロ;12.5;1", "C2;スターター;3;0", "C3;プロ;7;0"], ShiftJis, bom: false);

        var detected = FeatureTableFiles.Read(path, new ValidationReport(), "顧客ID", "解約");
        Assert.Equal(["C1", "C2", "C3"], detected.CustomerIds);
        Assert.Equal(new string?[] { "プロ", "スターター", "プロ" }, detected.Categories("プラン"));
        Assert.Equal([1f, 0f, 0f], detected.Labels[LabelNames.Churn]);
        Assert.Equal([12.5f, 3f, 7f], detected.Numbers("利用時間"));

        var named = FeatureTableFiles.Read(path, new ValidationReport(), "顧客ID", "解約", csv: CsvFormat.FromOptions("shift_jis", ";"));
        Assert.Equal(detected.Categories("プラン"), named.Categories("プラン"));

        var wrong = Assert.Throws<DataFileException>(() => FeatureTableFiles.Read(path, new ValidationReport(), "顧客ID", "解約",
            csv: CsvFormat.FromOptions("utf-8", null)));
        Assert.Equal(1, wrong.Row);
        Assert.Contains("--encoding shift_jis", wrong.Message);
    }
}

public sealed class BadExportSampleTests
{
    [Theory]
    [InlineData("encoding", "events.csv", 4L, "type", "not valid utf-8 (read as utf-8, named by \"encoding\" in the mapping)")]
    [InlineData("stray-quote", "customers.csv", 4L, "company", "unbalanced quote: the quoted field that begins on line 4 never closes")]
    [InlineData("wrong-delimiter", "customers.csv", null, "ID", "split at ';' it holds 'ID'")]
    public void Encoding_quote_and_delimiter_samples_stop_with_file_row_column_and_reason(string sample, string file, long? row, string column, string reason)
    {
        var ex = Assert.Throws<DataFileException>(() =>
        {
            var dataset = Dataset.Open(Samples.Bad(sample), new ValidationReport(InvalidRowPolicy.Skip));
            for (int p = 0; p < dataset.Events.PartitionCount; p++)
            {
                _ = dataset.Events.ReadPartition(p).Sum(b => b.Count);
            }
        });
        Assert.Equal((file, row, column), (ex.File, ex.Row, ex.Column));
        Assert.Contains(reason, ex.Message);
    }
}
