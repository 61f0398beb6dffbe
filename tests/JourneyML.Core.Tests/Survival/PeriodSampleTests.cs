using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Survival;

namespace JourneyML.Core.Tests.Survival;

/// <summary>The case-control sample of person-periods a large survival training fits on: calibrated hazards, a fixed budget.</summary>
public sealed class PeriodSampleTests
{
    [Fact]
    public void Within_the_budget_every_row_is_kept_and_beyond_it_every_event_and_a_share_of_the_rest()
    {
        Assert.False(PeriodSample.For(100, 900, 1_000).Samples);
        var sample = PeriodSample.For(100, 10_000, 1_000);
        Assert.Equal(1, sample.EventShare);
        Assert.Equal(0.09, sample.NonEventShare, 6);
        // Events overflowing the budget: a fifth of it in events, at least four others for each.
        var crowded = PeriodSample.For(5_000, 20_000, 1_000);
        Assert.Equal(200.0 / 5_000, crowded.EventShare, 6);
        Assert.Equal(800.0 / 20_000, crowded.NonEventShare, 6);
        int kept = Enumerable.Range(0, 100_000).Count(r => sample.Keeps(r, churned: false, seed: 3));
        Assert.InRange(kept, 8_700, 9_300);
        Assert.True(Enumerable.Range(0, 1_000).All(r => sample.Keeps(r, churned: true, seed: 3)));
        // The same rows every run.
        Assert.Equal(Enumerable.Range(0, 1_000).Select(r => sample.Keeps(r, false, 3)), Enumerable.Range(0, 1_000).Select(r => sample.Keeps(r, false, 3)));
    }

    public static TheoryData<string> Trainers => new() { CandidateSpec.LogisticRegression, CandidateSpec.LightGbm };

    [Theory]
    [MemberData(nameof(Trainers))]
    public void A_model_fitted_on_a_sample_predicts_the_population_hazard(string trainer)
    {
        var (table, durations, events) = World(3_000, seed: 11);
        var spec = CandidateSpec.DefaultSweep.First(c => c.Trainer == trainer && (trainer != CandidateSpec.LightGbm || c.Hyperparameters.ContainsKey(CandidateSpec.EarlyStoppingKey)));
        var options = new SurvivalOptions { MaxPersonPeriods = 3_000, Candidates = [spec] };
        var (result, reason) = SurvivalTraining.TrainOnDurations(table, durations, events, options, CancellationToken.None);
        Assert.True(result is not null, reason);
        var sample = result!.Sample;
        Assert.True(sample.NonEventShare < 0.5 && sample.NonEventShare < sample.EventShare, $"{sample}");
        Assert.True(result.FittedPersonPeriods <= 3_300 && result.FittedPersonPeriods < result.PersonPeriods / 2, // the budget in expectation: rows are kept by a hash
            $"{result.FittedPersonPeriods} of {result.PersonPeriods}");

        // Every person-period of the population, sampled or not: the mean predicted hazard is the observed churn rate.
        var rows = Enumerable.Range(0, table.RowCount).ToArray();
        var data = PersonPeriods.FromDurations(table, rows, durations, events);
        var stacked = PersonPeriods.Stack(data.Tables, data.Rows);
        var hazards = result.Model.Model.Predict(stacked, [.. Enumerable.Range(0, data.Rows.Count)]);
        double observed = data.Rows.Average(r => r.Churned ? 1.0 : 0.0);
        double predicted = hazards.Average(h => (double)h);
        Assert.True(Math.Abs(predicted - observed) < 0.12 * observed, $"mean hazard {predicted:F4} against the observed rate {observed:F4} ({trainer}, {sample})");
        // Without the correction the sample's own rate would be predicted: far above the population's.
        double uncorrected = hazards.Average(h => 1 / (1 + Math.Exp(-(Math.Log(h / (1 - h)) - sample.Offset))));
        Assert.True(uncorrected > 1.5 * observed, $"uncorrected {uncorrected:F4} against {observed:F4}");
        // And the hazard still ranks: many tickets churn faster.
        var tickets = table.Numbers("tickets");
        var curves = result.Model.Curves(table, rows);
        double many = rows.Where(r => tickets[r] >= 6).Average(r => curves[r].At(90)), few = rows.Where(r => tickets[r] <= 1).Average(r => curves[r].At(90));
        Assert.True(many < few - 0.08, $"S(90) with 6+ tickets {many:F3}, with 0-1 {few:F3}");
    }

    /// <summary>Customers with a planted monthly hazard (tickets raise it, the basic plan too), followed 30 to 240 days.</summary>
    private static (FeatureTable Table, float[] Durations, float[] Events) World(int customers, int seed)
    {
        var random = new Random(seed);
        var tickets = new float[customers];
        var plans = new string?[customers];
        var durations = new float[customers];
        var events = new float[customers];
        for (int i = 0; i < customers; i++)
        {
            tickets[i] = random.Next(0, 8);
            plans[i] = random.NextDouble() < 0.5 ? "basic" : "pro";
            double rate = 0.0006 * Math.Exp(0.25 * tickets[i]) * (plans[i] == "basic" ? 1.5 : 1);
            double churnAt = -Math.Log(1 - random.NextDouble()) / rate;
            double followed = random.Next(30, 241);
            durations[i] = (float)Math.Round(Math.Min(churnAt, followed), 1);
            events[i] = churnAt <= followed ? 1 : 0;
        }
        var table = new FeatureTable([.. Enumerable.Range(0, customers).Select(i => $"C{i:D5}")],
            [FeatureColumn.Numeric("tickets", "support tickets", tickets), FeatureColumn.Categorical("plan", "plan", plans)]);
        return (table, durations, events);
    }

    [Fact]
    public void Many_customers_train_on_six_as_of_dates_still_following_them_180_days()
    {
        Assert.Equal(8, SurvivalOptions.AsOfDatesFor(10_000));
        Assert.Equal(6, SurvivalOptions.AsOfDatesFor(100_000));
        Assert.Equal(180, SurvivalOptions.AsOfDatesFor(100_000) * SurvivalCurve.PeriodDays);
    }
}
