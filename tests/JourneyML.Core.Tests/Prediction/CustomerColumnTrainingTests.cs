using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>The customer's own columns through training: used under their own names, leaks left out with a warning, reasons in words.</summary>
public sealed class CustomerColumnTrainingTests
{
    private static readonly DateTime T = TestExport.AsOf;

    /// <summary>
    /// 240 paying single-contact customers: retail (小売) churns more, churners use the product fewer minutes; "account_status"
    /// was written after the outcome (closed for every churner), "解約理由" says so in its name.
    /// </summary>
    private static TestExport Export()
    {
        var export = new TestExport("業種", "seats", "account_status", "解約理由");
        var random = new Random(5);
        for (int c = 0; c < 240; c++)
        {
            var id = $"C{c:D3}";
            bool retail = c % 2 == 0;
            bool churns = random.NextDouble() < (retail ? 0.6 : 0.2);
            export.Customer(id, T.AddDays(-400), null, "pro", null, "emea",
                retail ? "小売" : "製造", random.Next(1, 40).ToString(System.Globalization.CultureInfo.InvariantCulture),
                churns ? "closed" : "active", churns ? "価格" : null);
            export.Event(id, T.AddDays(-380), "purchase");
            for (int d = 1; d < 90; d += random.Next(2, 6))
            {
                export.Event(id, T.AddDays(-d), "login", value: churns ? random.Next(1, 20) : random.Next(10, 60));
            }
            if (churns)
            {
                export.Event(id, T.AddDays(random.Next(5, 80)), "cancellation");
            }
        }
        export.Write();
        return export;
    }

    [Fact]
    public void A_column_that_alone_separates_churn_is_left_out_with_a_warning_and_the_others_are_used_under_their_own_names()
    {
        using var export = Export();
        var registry = TempFolder.Create("registry");
        var result = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = export.Directory, AsOf = T },
            RegistryPath = registry,
            Candidates = [CandidateSpec.Default],
        }, NullLogger.Instance);

        var choices = result.Metadata.FeatureChoices!;
        Assert.Equal(["業種", "seats", "account_status"], choices.Attributes.Select(a => a.Column));
        var warnings = choices.Warnings.ToList();
        Assert.Contains(warnings, w => w.Column == "account_status" && w.Task == "churn" && w.Reason.Contains("alone it separates churn", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Column == "解約理由" && w.Task is null && w.Reason.Contains("'解約'", StringComparison.Ordinal));
        Assert.Contains(choices.Notes, n => n.StartsWith("account roll-ups not computed", StringComparison.Ordinal));

        var features = result.Churn!.Model.Vectorizer.Features;
        Assert.Contains("業種", features);
        Assert.Contains(FeatureNames.UsageMinutes30d, features);
        Assert.DoesNotContain("account_status", features);
        Assert.DoesNotContain(features, f => f.StartsWith("account_", StringComparison.Ordinal) && f != "account_status");

        // Reasons read naturally; a single contact's account roll-ups are never among them.
        var table = result.Table;
        int retail = Array.IndexOf(table.CustomerIds, "C000");
        Assert.Equal("業種 is 小売", FactorText.Describe(table, retail, "業種"));
        Assert.Matches(@"^seats \d+( \((low|high)\))?$", FactorText.Describe(table, retail, "seats"));
        Assert.Matches(@"minutes of use", FactorText.Describe(table, retail, FeatureNames.UsageTrend));

        var report = File.ReadAllText(Path.Combine(result.VersionDirectory, "report.md"));
        Assert.Contains("account_status", report);
        Assert.Contains("alone it separates churn", report);
        Assert.Contains("minutes-of-use features written", report);
        TempFolder.TryDelete(registry);
    }

    [Fact]
    public void A_real_signal_in_a_column_is_not_taken_for_a_leak()
    {
        var ids = Enumerable.Range(0, 200).Select(i => $"C{i}").ToArray();
        var random = new Random(3);
        var labels = ids.Select((_, i) => random.NextDouble() < (i % 2 == 0 ? 0.5 : 0.15) ? 1f : 0f).ToArray();
        var industry = ids.Select((_, i) => i % 2 == 0 ? "retail" : "finance").ToArray();
        var seats = ids.Select((_, i) => (float)(labels[i] == 1 ? random.Next(1, 20) : random.Next(5, 40))).ToArray();
        var perfect = labels.Select(l => l == 1 ? "closed" : "open").ToArray();
        var table = new FeatureTable(ids,
        [
            FeatureColumn.Categorical("industry", "", industry),
            FeatureColumn.Numeric("seats", "", seats),
            FeatureColumn.Categorical("status_now", "", perfect),
            FeatureColumn.Numeric("days_to_end", "", [.. labels.Select((l, i) => l == 1 ? i % 30 : float.NaN)]),
        ]);
        var rows = Enumerable.Range(0, ids.Length).ToArray();
        var leftOut = LeakageGuard.Check(table, rows, labels, ["industry", "seats", "status_now", "days_to_end"], "churn");
        // A value present only for churners separates through its missingness alone.
        Assert.Equal(["status_now", "days_to_end"], leftOut.Select(l => l.Column));
    }
}
