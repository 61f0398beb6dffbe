using System.Text;
using JourneyML.Core.Registry;
using Parquet;
using Parquet.Schema;

namespace JourneyML.Cli.Tests;

/// <summary>The small world (300 contacts) trained once; each test works on its own copy of the data and the registry.</summary>
public sealed class SmallTrainedWorld
{
    public SmallTrainedWorld()
    {
        var root = TempFolder.Create("cli-batch");
        Data = Path.Combine(root, "data");
        Registry = Path.Combine(root, "models");
        Assert.Equal(0, JourneyCli.Tools("generate", "--world", "small", "--out", Data).ExitCode);
        // 300 customers of the small world: a model may fall below the promotion floor; these tests need one in service.
        var train = JourneyCli.Run("train", "--data", Data, "--registry", Registry, "--fixed-trainer", "--force");
        Assert.True(train.ExitCode is ExitCodes.Success or ExitCodes.BelowFloor, train.Error);
    }

    public string Data { get; }
    public string Registry { get; }

    public (string Data, string Registry) Copy()
    {
        var root = TempFolder.Create("cli-batch");
        return (TempFolder.Copy(Data, Path.Combine(root, "data")), TempFolder.Copy(Registry, Path.Combine(root, "models")));
    }
}

/// <summary>Issue 19's batch points: bad input answered with exit 3 and a message, the registry's damage said and repaired, failed runs that touch nothing.</summary>
public sealed class BatchHardeningTests(SmallTrainedWorld world) : IClassFixture<SmallTrainedWorld>
{
    private static void AssertNoStackTrace(ProcessResult result) =>
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);

    private string DataWith(Action<string> change)
    {
        var data = world.Copy().Data;
        change(data);
        return data;
    }

    private static void Mapping(string data, Func<string, string> edit)
    {
        var path = Path.Combine(data, "journeyml.json");
        File.WriteAllText(path, edit(File.ReadAllText(path)));
    }

    [Fact]
    public void An_events_file_with_a_header_only_is_invalid_input()
    {
        var data = DataWith(d => File.WriteAllText(Path.Combine(d, "events.csv"), "customer_id,occurred_at,type,channel,value\n"));
        var result = JourneyCli.Run("features", "--data", data, "--out", Path.Combine(data, "out", "f.csv"));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("events.csv: empty file: a header but no rows", result.Error);
        AssertNoStackTrace(result);
    }

    [Fact]
    public void A_parquet_file_damaged_in_the_middle_is_invalid_input_naming_the_file_and_rows()
    {
        var data = DataWith(d => WriteEvents(Path.Combine(d, "events.parquet"), File.ReadAllLines(Path.Combine(d, "events.csv")), CompressionMethod.Snappy));
        Mapping(data, m => m.Replace("events.csv", "events.parquet"));
        var path = Path.Combine(data, "events.parquet");
        var bytes = File.ReadAllBytes(path);
        new Random(7).NextBytes(bytes.AsSpan(bytes.Length / 3, 4096)); // header and footer intact: only a read finds it
        File.WriteAllBytes(path, bytes);
        foreach (var command in new[] { "validate", "features" })
        {
            string[] output = command == "features" ? ["--out", Path.Combine(data, "out", "f.csv")] : [];
            var result = JourneyCli.Run([command, "--data", data, .. output]);
            Assert.Equal(3, result.ExitCode);
            Assert.Contains("events.parquet", result.Output + result.Error);
            Assert.Contains("damaged Parquet file: row group 1", result.Output + result.Error);
            AssertNoStackTrace(result);
        }
    }

    [Fact]
    public void Parquet_text_that_is_not_utf8_is_an_error_naming_the_row_not_a_quiet_replacement()
    {
        var data = DataWith(d =>
        {
            var lines = File.ReadAllLines(Path.Combine(d, "events.csv"));
            lines[5] = "ZZBAD" + lines[5][lines[5].IndexOf(',')..]; // a marker id on row 5, its bytes then damaged
            WriteEvents(Path.Combine(d, "events.parquet"), lines, CompressionMethod.None);
        });
        Mapping(data, m => m.Replace("events.csv", "events.parquet"));
        var path = Path.Combine(data, "events.parquet");
        var bytes = File.ReadAllBytes(path);
        // Every copy of the id (the values, and the column's min/max statistics) gets bytes that are not UTF-8.
        int found = 0;
        for (int at = bytes.AsSpan().IndexOf("ZZBAD"u8); at >= 0; at = bytes.AsSpan().IndexOf("ZZBAD"u8), found++)
        {
            bytes[at] = 0xFF;
            bytes[at + 1] = 0xFE;
        }
        Assert.True(found > 0);
        File.WriteAllBytes(path, bytes);
        var result = JourneyCli.Run("validate", "--data", data);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("events.parquet, row 5, column 'customer_id': undecodable text", result.Output + result.Error);
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Silently_accepted_before_dataStart_after_dataAsOf_huge_values_and_year_0001_are_invalid_input()
    {
        var late = DataWith(d => Mapping(d, m => m.Replace("\"dataStart\": \"2025-04-01T00:00:00Z\"", "\"dataStart\": \"2026-08-01T00:00:00Z\"")));
        var start = JourneyCli.Run("validate", "--data", late);
        Assert.Equal(3, start.ExitCode);
        Assert.Contains("dataStart 2026-08-01T00:00:00Z is not before dataAsOf 2026-07-01T00:00:00Z", start.Error);

        var data = DataWith(d =>
        {
            var path = Path.Combine(d, "events.csv");
            var lines = File.ReadAllLines(path);
            var header = lines[0].Split(',');
            string Set(string line, string column, string value)
            {
                var fields = line.Split(',');
                fields[Array.IndexOf(header, column)] = value;
                return string.Join(',', fields);
            }
            lines[3] = Set(lines[3], "value", "1e39");
            lines[4] = Set(lines[4], "occurred_at", "0001-01-01T00:00:00Z");
            File.WriteAllLines(path, lines);
        });
        var result = JourneyCli.Run("validate", "--data", data);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("events.csv, row 4, column 'value': value too large: 1E+39 is beyond the largest a value can hold", result.Output);
        Assert.Contains("events.csv, row 5, column 'occurred_at': time 0001-01-01 is before 1900: a placeholder for a missing date", result.Output);
    }

    [Fact]
    public void Skip_invalid_stops_when_more_than_the_ceiling_is_invalid_and_writes_nothing()
    {
        // Every timestamp unparseable: skipping them all would score everyone as "no activity".
        var data = DataWith(d =>
        {
            var path = Path.Combine(d, "events.csv");
            var lines = File.ReadAllLines(path);
            File.WriteAllLines(path, [lines[0], .. lines.Skip(1).Select(l => l.Replace("T", " at ", StringComparison.Ordinal))]);
        });
        var registry = world.Copy().Registry;
        var score = JourneyCli.Run("score", "--data", data, "--registry", registry, "--skip-invalid");
        Assert.Equal(3, score.ExitCode);
        Assert.Contains("are invalid, more than the 1% --skip-invalid may skip", score.Error);
        Assert.False(Directory.Exists(Path.Combine(registry, "snapshots")) && Directory.EnumerateFiles(Path.Combine(registry, "snapshots"), "*.parquet").Any());

        // A few bad rows stay a few skipped rows; the mapping's maxInvalidShare moves the ceiling.
        var some = DataWith(d =>
        {
            var path = Path.Combine(d, "events.csv");
            var lines = File.ReadAllLines(path);
            for (int i = 1; i < lines.Length; i += 20)
            {
                lines[i] = lines[i].Replace("T", " at ", StringComparison.Ordinal); // 5% of the events
            }
            File.WriteAllLines(path, lines);
        });
        var out1 = Path.Combine(some, "out", "f.csv");
        var refused = JourneyCli.Run("features", "--data", some, "--out", out1, "--skip-invalid");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("(5%) are invalid", refused.Error);
        Assert.False(File.Exists(out1));
        Mapping(some, m => m.Replace("\"dataAsOf\"", "\"maxInvalidShare\": 0.1, \"dataAsOf\""));
        Assert.Equal(0, JourneyCli.Run("features", "--data", some, "--out", out1, "--skip-invalid").ExitCode);
        Assert.True(File.Exists(out1));
    }

    [Fact]
    public void No_dataAsOf_is_said_loudly_and_a_mapping_path_outside_the_data_folder_is_refused()
    {
        var noDate = DataWith(d => Mapping(d, m => m.Replace("\"dataAsOf\": \"2026-07-01T00:00:00Z\",", "")));
        var validate = JourneyCli.Run("validate", "--data", noDate);
        Assert.Contains("WARNING: no dataAsOf in journeyml.json: the data's as-of date is taken as now", validate.Output);

        var outside = DataWith(d => Mapping(d, m => m.Replace("\"events.csv\"", "\"../../../etc/passwd\"")));
        var refused = JourneyCli.Run("validate", "--data", outside);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("events.path '../../../etc/passwd' points outside the data folder", refused.Error);
    }

    [Fact]
    public void Retrain_that_fails_after_training_leaves_the_champion_in_service()
    {
        var (data, registry) = world.Copy();
        var champion = new ModelRegistry(registry).Champion()!.Version;
        File.WriteAllText(Path.Combine(registry, "stages.json"), "{ \"stages\": [");
        var result = JourneyCli.Run("retrain", "--data", data, "--registry", registry, "--fixed-trainer", "--force");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("stages.json", result.Error);
        Assert.DoesNotContain("Promoted", result.Output + result.Error);
        var after = new ModelRegistry(registry);
        Assert.Equal(champion, after.Champion()!.Version);
        Assert.Equal(2, after.List().Count); // the new version is kept, not promoted: the next run gates it again
    }

    [Fact]
    public void A_truncated_champion_pointer_is_said_without_a_trace_and_models_promote_repairs_it()
    {
        var (data, registry) = world.Copy();
        var version = new ModelRegistry(registry).Champion()!.Version;
        var pointer = Path.Combine(registry, ModelRegistry.ChampionFile);
        File.WriteAllText(pointer, File.ReadAllText(pointer)[..20]);

        var score = JourneyCli.Run("score", "--data", data, "--registry", registry);
        Assert.Equal(1, score.ExitCode);
        Assert.Contains("champion.json is damaged", score.Error);
        Assert.Contains("journeyml models promote <version>", score.Error);
        AssertNoStackTrace(score);
        var list = JourneyCli.Run("models", "list", "--registry", registry);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(version, list.Output);
        var promote = JourneyCli.Run("models", "promote", version, "--registry", registry);
        Assert.Equal(0, promote.ExitCode);
        Assert.Contains("The damaged champion.json was replaced", promote.Output);
        Assert.Equal(version, new ModelRegistry(registry).Champion()!.Version);
        Assert.Equal(0, JourneyCli.Run("score", "--data", data, "--registry", registry).ExitCode);
    }

    [Fact]
    public void Promote_refuses_a_folder_with_a_copied_metadata_file_and_storage_failures_exit_4()
    {
        var (data, registry) = world.Copy();
        var version = new ModelRegistry(registry).Champion()!.Version;
        const string copy = "20991231-235959-deadbeef-0001";
        Directory.CreateDirectory(Path.Combine(registry, copy));
        File.Copy(Path.Combine(registry, version, ModelRegistry.MetadataFile), Path.Combine(registry, copy, ModelRegistry.MetadataFile));
        var promote = JourneyCli.Run("models", "promote", copy, "--registry", registry);
        Assert.Equal(1, promote.ExitCode);
        Assert.Contains("manifest.json is missing", promote.Error);
        Assert.Equal(version, new ModelRegistry(registry).Champion()!.Version);

        // A file where the snapshot folder should be: the file system's refusal, said, not a stack trace.
        File.WriteAllText(Path.Combine(registry, "snapshots"), "not a folder");
        var score = JourneyCli.Run("score", "--data", data, "--registry", registry);
        Assert.Equal(4, score.ExitCode);
        Assert.Contains("Cannot read or write a file", score.Error);
        AssertNoStackTrace(score);
    }

    /// <summary>The events CSV (canonical columns) as a Parquet file with text columns.</summary>
    private static void WriteEvents(string path, string[] lines, CompressionMethod compression)
    {
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var fields = header.Select(h => new DataField<string>(h)).ToArray();
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions { CompressionMethod = compression });
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                await group.WriteAsync(fields[c], rows.Select(r => r[c]).ToArray());
            }
        }).GetAwaiter().GetResult();
    }
}
