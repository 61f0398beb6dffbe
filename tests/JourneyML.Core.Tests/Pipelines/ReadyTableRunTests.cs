using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Pipelines;

/// <summary>Mode B end to end on tables a user brings: training, scoring, stages that do not fit, no label at all.</summary>
public sealed class ReadyTableRunTests
{
    private static TrainingRunResult Train(FeatureTableSource source, string registry) => TrainingRun.Run(new TrainingOptions
    {
        Features = source,
        RegistryPath = registry,
        Candidates = [CandidateSpec.Default],
    }, NullLogger.Instance);

    private static ScoringResult Score(FeatureTableSource source, string registry) =>
        ScoringRun.Run(new ScoringOptions { Features = source, RegistryPath = registry, WriteCsv = true }, NullLogger.Instance);

    [Fact]
    public void A_table_without_a_label_gets_its_segments_found_saved_and_scored()
    {
        var dir = TempFolder.Create("ready");
        var table = ReadyTables.Telco(dir, withLabel: false);
        var registry = Path.Combine(dir, "models");
        var source = new FeatureTableSource(table) { IdColumn = "customerID" };

        var trained = Train(source, registry);
        Assert.Null(trained.Churn);
        Assert.Null(trained.Lead);
        Assert.True(trained.Metadata.Promotion!.Promoted);
        Assert.Contains("no label column", Assert.Single(trained.Metadata.NotTrained));
        Assert.True(File.Exists(Path.Combine(trained.VersionDirectory, "segments.json")));
        Assert.Contains("no label column", File.ReadAllText(Path.Combine(trained.VersionDirectory, "report.md")));
        Assert.Equal(19, trained.Metadata.Segmentation.Columns.Count);

        var loaded = new ModelRegistry(registry).LoadChampion()!;
        Assert.Null(loaded.Churn);
        var scored = Score(source, registry);
        Assert.Equal(900, scored.Snapshot.Count);
        Assert.All(scored.Snapshot.SegmentIds, id => Assert.Contains(id, loaded.Segmentation.SegmentIds));
        var segmentOf = scored.Snapshot.CustomerIds.Zip(scored.Snapshot.SegmentIds).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(trained.Segmentation.Assignments, trained.Table.CustomerIds.Select(id => segmentOf[id]));
        Assert.All(scored.Snapshot.ChurnRisk, r => Assert.True(float.IsNaN(r)));
        // No stage rule can be evaluated on this table: no one is given a stage, and the run says why.
        Assert.All(scored.Snapshot.Stage, s => Assert.Equal("", s));
        Assert.Contains(scored.Notes, n => n.StartsWith("stages unavailable", StringComparison.Ordinal));
        Assert.Contains("stages unavailable", File.ReadAllText(scored.ReportPath!));
    }

    [Fact]
    public void A_label_column_with_no_known_values_saves_the_segments_and_says_why_no_classifier()
    {
        var dir = TempFolder.Create("ready");
        var lines = File.ReadAllLines(ReadyTables.Telco(dir, rows: 300));
        // Churn emptied: unknown for everyone, as a table exported before the outcomes are in.
        var emptied = lines.Select((l, i) => i == 0 ? l : l[..(l.LastIndexOf(',') + 1)]).ToArray();
        var path = Path.Combine(dir, "unknown-outcomes.csv");
        File.WriteAllLines(path, emptied);
        var trained = Train(new FeatureTableSource(path) { IdColumn = "customerID", LabelColumn = "Churn" }, Path.Combine(dir, "models"));
        Assert.Null(trained.Churn);
        Assert.Equal("no churn model: label column 'Churn' has 0 positive and 0 negative examples among the customer rows (at least 10 of each needed); segments only",
            Assert.Single(trained.Metadata.NotTrained));
        Assert.NotEmpty(trained.Metadata.Segmentation.Profiles);
    }

    [Fact]
    public void A_user_table_is_scored_with_the_stage_rules_it_can_hold_and_its_label_is_never_a_feature()
    {
        var dir = TempFolder.Create("ready");
        var table = ReadyTables.JapaneseLeads(dir);
        var registry = Path.Combine(dir, "models");
        var source = new FeatureTableSource(table) { IdColumn = "リードID", LabelColumn = "成約", LabelTask = LabelNames.Conversion };

        // The model ranks these 240 held-out leads about as well as minutes on site alone: within noise of that one column,
        // so it is served (no --force), and the floor's verdict says so in words.
        var trained = Train(source, registry);
        Assert.NotNull(trained.Lead);
        Assert.Null(trained.Churn);
        var floor = trained.Metadata.Lead!.Floor!;
        Assert.True(floor.Passed, floor.Reason);
        Assert.False(ModelWarnings.BelowFloor(trained.Metadata));
        Assert.True(floor.WithinNoiseOfBaseline, floor.Reason);
        Assert.StartsWith("no better than サイト滞在時間 alone within noise: ", floor.Caveat);
        Assert.Contains("but no better than サイト滞在時間 alone within noise: ", File.ReadAllText(Path.Combine(trained.VersionDirectory, "report.md")));
        Assert.Equal("成約", trained.Metadata.LabelColumn);
        Assert.Empty(trained.Metadata.NotTrained);
        Assert.Contains("Conversion model", File.ReadAllText(Path.Combine(trained.VersionDirectory, "report.md")));
        Assert.DoesNotContain(trained.Metadata.Segmentation.Columns, c => c.Column == "成約");

        var scored = Score(source with { LabelColumn = null }, registry);
        Assert.Equal(800, scored.Snapshot.LeadScore.Count(v => !float.IsNaN(v)));
        Assert.DoesNotContain("成約", scored.Snapshot.FeatureValues.Keys);
        Assert.Contains("訪問回数", scored.Snapshot.FeatureValues.Keys);
        Assert.DoesNotContain(scored.Snapshot.Factors, f => f.Contains("成約", StringComparison.Ordinal));
        Assert.DoesNotContain("f_成約", File.ReadAllText(scored.CsvPath!).Split('\n')[0]);
        // The lead score holds; status and the behaviour features of the default stages are not in this table.
        Assert.Contains(scored.Notes, n => n.Contains("Interest (content_90d)", StringComparison.Ordinal));
        Assert.Contains(scored.Notes, n => n.StartsWith("path stages unavailable", StringComparison.Ordinal) || n.StartsWith("stage MQL", StringComparison.Ordinal));
        Assert.Contains(scored.Notes, n => n.Contains("no churn model", StringComparison.Ordinal));
        var report = File.ReadAllText(scored.ReportPath!);
        Assert.Contains("conversion scores: 800", report);
        Assert.Contains("the label column '成約' is not one of them", report);
    }

    /// <summary>A ready table of 200 customers, three feature columns and a churn label (30% churned); <paramref name="row"/> gives each customer's plan, seats and logins.</summary>
    private static string ConstantTable(string dir, string name, Func<int, bool, string> row)
    {
        var random = new Random(1);
        var path = Path.Combine(dir, name);
        File.WriteAllLines(path, ["customer_id,plan,seats,logins_30d,churned", .. Enumerable.Range(0, 200).Select(i =>
        {
            bool labelled = i < 150;
            return $"C{i:D4},{row(i, labelled)},{(labelled ? (random.NextDouble() < 0.3 ? "1" : "0") : "")}";
        })]);
        return path;
    }

    [Fact]
    public void A_table_whose_every_feature_is_constant_is_a_clear_error_naming_the_table_and_its_columns()
    {
        var dir = TempFolder.Create("ready");
        var registry = Path.Combine(dir, "models");
        var path = ConstantTable(dir, "constant.csv", (_, _) => "pro,5,12");

        var ex = Assert.Throws<ConstantFeaturesException>(() => Train(new FeatureTableSource(path) { LabelColumn = "churned" }, registry));
        Assert.Equal("the feature table 'constant.csv': every feature column is constant on all 200 of its customers (3 columns: plan, seats, logins_30d): " +
            "nothing tells them apart, so no model can learn from it; give columns whose values differ between customers", ex.Message);
        Assert.IsAssignableFrom<Errors.InvalidInputException>(ex);
        Assert.False(Directory.Exists(registry) && Directory.EnumerateDirectories(registry).Any());
    }

    [Fact]
    public void Features_constant_on_the_labelled_customers_alone_are_a_clear_error_naming_the_table_and_the_model()
    {
        // The unlabelled customers differ (so segments can be found), the 150 labelled ones do not: no churn model can be
        // trained, and ML.NET would stop on a zero-width feature vector ("Schema mismatch ... VarVector").
        var dir = TempFolder.Create("ready");
        var registry = Path.Combine(dir, "models");
        var path = ConstantTable(dir, "labelled-constant.csv", (i, labelled) => labelled ? "pro,5," : $"{(i % 2 == 0 ? "basic" : "pro")},{i % 7},{i % 5}");

        var ex = Assert.Throws<ConstantFeaturesException>(() => Train(new FeatureTableSource(path) { LabelColumn = "churned" }, registry));
        Assert.StartsWith("the feature table 'labelled-constant.csv': every feature column is constant on the 120 training customers of the churn model (3 columns: plan, seats, logins_30d)", ex.Message);
        Assert.Equal(["plan", "seats", "logins_30d"], ex.Columns);
        Assert.False(Directory.Exists(registry) && Directory.EnumerateDirectories(registry).Any());
    }

    [Fact]
    public void A_missing_id_column_names_the_option_that_names_it()
    {
        var dir = TempFolder.Create("ready");
        var ex = Assert.Throws<DataFileException>(() => Train(new FeatureTableSource(ReadyTables.Telco(dir, rows: 50)) { LabelColumn = "Churn" }, Path.Combine(dir, "models")));
        Assert.Contains("missing required column 'customer_id'", ex.Message);
        Assert.Contains("--id", ex.Message);
        var label = Assert.Throws<DataFileException>(() => Train(new FeatureTableSource(ReadyTables.Telco(dir, rows: 50)) { IdColumn = "customerID", LabelColumn = "churned" }, Path.Combine(dir, "models")));
        Assert.Contains("--label", label.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "models")) && Directory.EnumerateDirectories(Path.Combine(dir, "models")).Any());
    }
}
