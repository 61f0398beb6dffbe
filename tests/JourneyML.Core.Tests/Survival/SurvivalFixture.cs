using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Survival;
using JourneyML.TestSupport;

namespace JourneyML.Core.Tests.Survival;

/// <summary>The survival model trained once on the committed sample, and the sample's planted survival truth.</summary>
public sealed class SurvivalFixture
{
    private readonly Lazy<Trained> _trained = new(Train);

    public Trained Sample => _trained.Value;

    public sealed record Trained(SurvivalResult Result, Dataset Dataset, IReadOnlyList<TruthRow> Truth, TimeSpan Elapsed);

    /// <summary>One row of survival_truth.csv: the true S(30/60/90/180) from the reference as-of date and what was observed.</summary>
    public sealed record TruthRow(string CustomerId, DateTime AsOf, double[] Survival, bool Churned, double DaysObserved);

    private static Trained Train()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var tables = SurvivalTraining.AsOfTables(dataset, null, new SurvivalOptions(), CancellationToken.None);
        var (result, reason) = SurvivalTraining.TrainOnAsOfDates(tables, new SurvivalOptions(), CancellationToken.None);
        Assert.True(result is not null, reason);
        return new Trained(result!, dataset, ReadTruth(Samples.Path("sample", "survival_truth.csv")), watch.Elapsed);
    }

    public static List<TruthRow> ReadTruth(string path)
    {
        var rows = new List<TruthRow>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            double D(int i) => double.Parse(f[i], System.Globalization.CultureInfo.InvariantCulture);
            rows.Add(new TruthRow(f[0], DateTime.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
                [D(3), D(4), D(5), D(6)], f[7] == "1", D(8)));
        }
        return rows;
    }

    /// <summary>The model's curves as of the truth's as-of date, for the customers the truth has a curve for.</summary>
    public (List<TruthRow> Truth, SurvivalCurve[] Curves) PredictAtTruth()
    {
        var s = Sample;
        var asOf = s.Truth[0].AsOf;
        var (table, _) = BehaviourFeatures.Build(s.Dataset, new FeatureOptions { AsOf = asOf, HorizonDays = SurvivalCurve.PeriodDays });
        var index = table.CustomerIds.Select((id, r) => (id, r)).ToDictionary(x => x.id, x => x.r);
        var truth = s.Truth.Where(t => index.ContainsKey(t.CustomerId)).ToList();
        return (truth, s.Result.Model.Curves(table, [.. truth.Select(t => index[t.CustomerId])]));
    }
}
