namespace JourneyML.Cli.Tests;

/// <summary>Time to churn from a ready table (Mode B) as an operator runs and reads it.</summary>
public sealed class SurvivalCommandTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("cli-survival");

    public void Dispose() => TempFolder.TryDelete(_dir);

    [Fact]
    public void Train_with_a_duration_and_an_event_prints_the_survival_model_and_half_the_pair_is_refused()
    {
        var table = SurvivalTables.Write(_dir, rows: 800);
        var train = JourneyCli.Run("train", "--feature-table", table, "--duration", "tenure_days", "--event", "churned",
            "--registry", Path.Combine(_dir, "models"), "--fixed-trainer");
        Assert.True(train.ExitCode == ExitCodes.Success, train.Output + train.Error);
        Assert.Matches(@"\n  time to churn \(survival curves to 180 days\): LightGbm on [0-9,]+ person-periods from the table's tenure_days and churned columns", train.Output);
        Assert.Matches(@"\n    Harrell's C 0\.\d{3} \(95% CI 0\.\d{2}–0\.\d{2}\), Uno's C 0\.\d{3} .*integrated Brier score 0\.\d{3} \(95% CI .*\) against Kaplan–Meier's 0\.\d{3}", train.Output);
        Assert.DoesNotContain("no classifier", train.Output);

        var half = JourneyCli.Run("train", "--feature-table", table, "--duration", "tenure_days", "--registry", Path.Combine(_dir, "models-2"));
        Assert.Equal(ExitCodes.InvalidArguments, half.ExitCode);
        Assert.Contains("--event is missing", half.Output + half.Error);
    }
}
