namespace JourneyML.Cli.Tests;

/// <summary>The out-of-time backtest as an operator reads it in the training summary, and turned off with --no-backtest.</summary>
public sealed class BacktestCommandTests
{
    [Fact]
    public void Train_prints_the_backtest_beside_the_holdout_and_no_backtest_says_it_was_turned_off()
    {
        var dir = TempFolder.Create("cli-backtest");
        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 700);

        // The backtest is the subject, not the promotion floor: a model it withholds is still backtested (--force serves it).
        var train = JourneyCli.Run("train", "--data", data, "--registry", Path.Combine(dir, "models"), "--fixed-trainer", "--force");
        Assert.True(train.ExitCode is ExitCodes.Success or ExitCodes.BelowFloor, train.Output + train.Error);
        Assert.Contains("  backtest: the chosen candidate refitted as of 2026-01-02, scored as of 2026-04-02 (labels in the 90 days after)", train.Output);
        foreach (var task in new[] { "churn", "lead" })
        {
            Assert.Matches($@"\n    {task}: ROC AUC 0\.\d{{3}} \[0\.\d{{3}}, 0\.\d{{3}}\] vs holdout 0\.\d{{3}}, PR-AUC 0\.\d{{3}} \[0\.\d{{3}}, 0\.\d{{3}}\]; " +
                @"top 10%: precision \d+% \[\d+%, \d+%\]; base rate \d+\.\d%; [0-9,]+ scored, trained on [0-9,]+", train.Output);
        }

        var off = JourneyCli.Run("train", "--data", data, "--registry", Path.Combine(dir, "models-off"), "--fixed-trainer", "--no-backtest", "--force");
        Assert.True(off.ExitCode is ExitCodes.Success or ExitCodes.BelowFloor, off.Output + off.Error);
        Assert.Contains("  backtest: none: turned off for this run (--no-backtest)", off.Output);
    }
}
