using JourneyML.Core.Errors;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Survival;
using JourneyML.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Survival;

public sealed class ModeBSurvivalTests : IDisposable
{
    private readonly string _root = TempFolder.Create("survival-mode-b");

    public void Dispose() => TempFolder.TryDelete(_root);

    private string Table(int rows = 1200, Func<int, string>? eventText = null) => SurvivalTables.Write(_root, rows, eventText);

    private TrainingOptions Options(string table, string duration = "tenure_days", string eventColumn = "churned") => new()
    {
        Features = new FeatureTableSource(table) { DurationColumn = duration, EventColumn = eventColumn },
        RegistryPath = Path.Combine(_root, "models-" + Guid.NewGuid().ToString("N")[..6]),
        Candidates = [Core.Prediction.CandidateSpec.Default],
    };

    [Fact]
    public void A_table_with_a_duration_and_an_event_trains_the_survival_model_alone_without_them_as_features()
    {
        var result = TrainingRun.Run(Options(Table()), NullLogger.Instance);
        var s = result.Metadata.Survival;
        Assert.NotNull(s);
        Assert.Null(result.Metadata.Churn);
        Assert.Empty(result.Metadata.NotTrained);
        Assert.Equal("tenure_days", s!.DurationColumn);
        Assert.True(s.Holdout.HarrellC.Value > 0.6, $"Harrell's C {s.Holdout.HarrellC.Value:F3}");
        Assert.True(s.Holdout.IntegratedBrier.Value < s.Holdout.KaplanMeierBrier.Value);
        var features = result.Survival!.Result.Model.Model.Vectorizer.Features;
        Assert.DoesNotContain("tenure_days", features);
        Assert.DoesNotContain("churned", features);
        Assert.Contains("tickets", features);
        Assert.DoesNotContain(result.Metadata.Features, f => f.Name is "tenure_days" or "churned");
        // The report tells it with its intervals and calibration by decile.
        var report = File.ReadAllText(Path.Combine(result.VersionDirectory, "report.md"));
        Assert.Contains("Time to churn", report);
        Assert.Contains("Harrell's C", report);
        Assert.Contains("Kaplan–Meier baseline", report);
        Assert.Contains("Calibration at 90 days", report);
        // The version serves the curves: loaded back, more tickets means a steeper curve.
        var served = new Core.Registry.ModelRegistry(Path.GetDirectoryName(result.VersionDirectory)!).Load(result.Metadata.Version).Survival!;
        var table = result.Table;
        var tickets = table.Numbers("tickets");
        var curves = served.Curves(table, [.. Enumerable.Range(0, table.RowCount)]);
        double Mean(Func<float, bool> which) => Enumerable.Range(0, table.RowCount).Where(r => which(tickets[r])).Average(r => curves[r].At(90));
        Assert.True(Mean(t => t >= 6) < Mean(t => t <= 1) - 0.1, $"S(90) with 6+ tickets {Mean(t => t >= 6):F3}, with 0-1 {Mean(t => t <= 1):F3}");
    }

    [Fact]
    public void Yes_and_no_events_are_read_and_a_bad_event_or_a_missing_column_is_named()
    {
        var words = TrainingRun.Run(Options(Table(600, i => i % 4 == 0 ? "Yes" : "No")), NullLogger.Instance);
        Assert.NotNull(words.Metadata.Survival);
        var bad = Assert.Throws<InvalidInputException>(() => TrainingRun.Run(Options(Table(100, i => i == 42 ? "2" : "0")), NullLogger.Instance));
        Assert.Contains("C00042", bad.Message);
        Assert.Contains("'churned'", bad.Message);
        var missing = Assert.Throws<InvalidInputException>(() => TrainingRun.Run(Options(Table(100), duration: "days"), NullLogger.Instance));
        Assert.Contains("--duration column 'days' is not in the table", missing.Message);
    }
}
