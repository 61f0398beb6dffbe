using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;

namespace JourneyML.Sql.Tests;

/// <summary>Builds one export's features with both engines and says every way the tables differ.</summary>
internal static class EngineEquality
{
    /// <summary>Both engines' tables and summaries for the export in <paramref name="directory"/> as of <paramref name="asOf"/> (default: labels complete).</summary>
    public static ((FeatureTable Table, FeatureBuildSummary Summary) CSharp, (FeatureTable Table, FeatureBuildSummary Summary) DuckDb) Build(string directory,
        DateTime? asOf = null, int horizonDays = 90)
    {
        return (BuildWith(directory, CSharpFeatureEngine.Instance, asOf, horizonDays), BuildWith(directory, new DuckDbFeatureEngine(), asOf, horizonDays));
    }

    public static (FeatureTable Table, FeatureBuildSummary Summary) BuildWith(string directory, IFeatureEngine engine, DateTime? asOf, int horizonDays)
    {
        var dataset = Dataset.Open(directory, new ValidationReport(InvalidRowPolicy.Strict));
        var at = asOf ?? FeatureRun.DefaultAsOf(dataset.DataAsOf, horizonDays);
        return engine.Build(dataset, new FeatureOptions { AsOf = at, HorizonDays = horizonDays, MaxDegreeOfParallelism = 2 }, null, CancellationToken.None);
    }

    /// <summary>Every difference, in words (empty when the tables are equal): counts exactly, other numbers within 1e-9 relative.</summary>
    public static List<string> Differences(FeatureTable expected, FeatureTable actual, FeatureBuildSummary expectedSummary, FeatureBuildSummary actualSummary)
    {
        var differences = new List<string>();
        void Check(bool same, string what)
        {
            if (!same)
            {
                differences.Add(what);
            }
        }
        Check(expected.CustomerIds.SequenceEqual(actual.CustomerIds), "customer rows");
        Check(expected.Columns.Select(c => c.Name).SequenceEqual(actual.Columns.Select(c => c.Name)),
            $"columns: {string.Join(",", expected.Columns.Select(c => c.Name))} vs {string.Join(",", actual.Columns.Select(c => c.Name))}");
        Check(expected.Status!.SequenceEqual(actual.Status!), "status");
        Check((expected.AccountIds ?? []).SequenceEqual(actual.AccountIds ?? []), "account ids");
        foreach (var (label, values) in expected.Labels)
        {
            Check(Same(values, actual.Labels[label]) is null, $"label {label}: {Same(values, actual.Labels[label])}");
        }
        foreach (var column in expected.Columns)
        {
            if (actual.Find(column.Name) is not { } other)
            {
                continue;
            }
            var why = (column, other) switch
            {
                (NumericColumn a, NumericColumn b) => Same(a.Values, b.Values),
                (CategoricalColumn a, CategoricalColumn b) => a.Values.SequenceEqual(b.Values) ? null : "categories differ",
                _ => "kinds differ",
            };
            Check(why is null, $"{column.Name}: {why}");
        }
        Check(expectedSummary.EventsBeforeAsOf == actualSummary.EventsBeforeAsOf, $"events before T {expectedSummary.EventsBeforeAsOf} vs {actualSummary.EventsBeforeAsOf}");
        Check(expectedSummary.EventsOnOrAfterAsOf == actualSummary.EventsOnOrAfterAsOf, $"events on or after T {expectedSummary.EventsOnOrAfterAsOf} vs {actualSummary.EventsOnOrAfterAsOf}");
        Check(expectedSummary.SignedUpOnOrAfterAsOf == actualSummary.SignedUpOnOrAfterAsOf, "signed up on or after T");
        Check(expectedSummary.Plan!.Notes.SequenceEqual(actualSummary.Plan!.Notes), "plan notes");
        return differences;
    }

    /// <summary>Null when equal (NaN equals NaN; within 1e-9 relative), else the first row that differs.</summary>
    private static string? Same(float[] a, float[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            bool same = float.IsNaN(a[i]) ? float.IsNaN(b[i]) : Math.Abs(a[i] - (double)b[i]) <= 1e-9 * Math.Max(1, Math.Abs((double)a[i]));
            if (!same)
            {
                return $"row {i}: {a[i]} vs {b[i]}";
            }
        }
        return null;
    }
}
