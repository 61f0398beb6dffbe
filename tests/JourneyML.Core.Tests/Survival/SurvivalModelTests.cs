using JourneyML.Core.Survival;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Survival;

public sealed class SurvivalModelTests(SurvivalFixture fixture, ITestOutputHelper output) : IClassFixture<SurvivalFixture>
{
    [Fact]
    public void Recovers_the_planted_survival_at_90_days()
    {
        var (truth, curves) = fixture.PredictAtTruth();
        Assert.True(truth.Count > 900, $"{truth.Count} paying customers with a true curve");
        var predicted = curves.Select(c => c.At(90)).ToArray();
        var planted = truth.Select(t => t.Survival[2]).ToArray();
        double r = Pearson(predicted, planted);
        double mae = predicted.Zip(planted).Average(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"S(90): correlation {r:F3}, mean absolute error {mae:F3}; mean predicted {predicted.Average():F3}, planted {planted.Average():F3}");
        Assert.True(r > 0.6, $"correlation of predicted and planted S(90) is {r:F3}");
        Assert.True(mae < 0.08, $"mean absolute error of S(90) is {mae:F3}");
    }

    [Fact]
    public void Ranks_the_observed_churn_nearly_as_well_as_the_planted_truth()
    {
        var (truth, curves) = fixture.PredictAtTruth();
        var observed = truth.Select(t => new ObservedTime(t.DaysObserved, t.Churned)).ToArray();
        double model = SurvivalScores.Concordance([.. curves.Select(c => 1 - c.At(90))], observed, 90, null);
        double oracle = SurvivalScores.Concordance([.. truth.Select(t => 1 - t.Survival[2])], observed, 90, null);
        output.WriteLine($"Harrell's C to 90 days from the reference as-of date: model {model:F3}, planted truth {oracle:F3}");
        Assert.True(model > 0.6, $"model concordance {model:F3}");
        Assert.True(model > oracle - 0.08, $"model concordance {model:F3} against the truth's {oracle:F3}");
    }

    [Fact]
    public void Holdout_metrics_beat_the_Kaplan_Meier_baseline_and_carry_intervals()
    {
        var m = fixture.Sample.Result.Holdout;
        output.WriteLine($"holdout {m.Customers} ({m.Churned} churned), tau {m.HorizonDays}: Harrell {m.HarrellC.Value:F3} [{m.HarrellC.Interval.Low:F3}, {m.HarrellC.Interval.High:F3}], " +
            $"Uno {m.UnoC.Value:F3}, IBS {m.IntegratedBrier.Value:F4} vs KM {m.KaplanMeierBrier.Value:F4} (skill {m.BrierSkill:F3}); {fixture.Sample.Result.SelectionReason}; {fixture.Sample.Elapsed.TotalSeconds:F1} s");
        foreach (var c in m.Calibration)
        {
            output.WriteLine($"calibration {c.Days}d: {c.Error.Value:F3} [{c.Error.Interval.Low:F3}, {c.Error.Interval.High:F3}] " + string.Join(" ", c.Deciles.Select(d => $"{d.Predicted:F2}/{d.Observed:F2}")));
        }
        Assert.Equal(180, m.HorizonDays);
        Assert.True(m.HarrellC.Value > 0.65 && m.UnoC.Value > 0.65, $"Harrell {m.HarrellC.Value:F3}, Uno {m.UnoC.Value:F3}");
        Assert.True(m.HarrellC.Interval.Low < m.HarrellC.Value && m.HarrellC.Value < m.HarrellC.Interval.High);
        Assert.True(m.IntegratedBrier.Interval.High < m.KaplanMeierBrier.Value, $"IBS {m.IntegratedBrier.Value:F4} (up to {m.IntegratedBrier.Interval.High:F4}) against Kaplan–Meier's {m.KaplanMeierBrier.Value:F4}");
        Assert.All(m.Calibration, c => Assert.True(c.Error.Value < 0.1, $"calibration error at {c.Days} days: {c.Error.Value:F3}"));
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return sxy / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }
}
