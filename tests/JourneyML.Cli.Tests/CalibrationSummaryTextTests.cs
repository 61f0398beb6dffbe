using JourneyML.Cli;
using JourneyML.Core.Prediction;

namespace JourneyML.Cli.Tests;

/// <summary>The train summary's ECE: an ECE above the aim says whether it is more than chance alone gives on that holdout.</summary>
public sealed class CalibrationSummaryTextTests
{
    private static CalibrationSummary Summary(double ece, EceUncertainty? noise) =>
        new(CalibrationMethod.Platt, "why", [], ece, []) { Uncertainty = noise };

    [Fact]
    public void An_ece_above_the_aim_says_whether_chance_alone_gives_it_on_a_holdout_that_size()
    {
        var within = TrainingSummaryText.EceQualifier(Summary(0.062, new EceUncertainty(0.03, 0.09, 0.047, 0.071, 223, 400, true, "")));
        Assert.Contains("within what chance alone gives on 223", within);
        Assert.Contains("0.047, up to 0.071", within);
        var beyond = TrainingSummaryText.EceQualifier(Summary(0.12, new EceUncertainty(0.08, 0.15, 0.047, 0.071, 223, 400, false, "")));
        Assert.Contains("beyond what chance alone gives on 223", beyond);
        // Below the aim nothing is added; metadata written before the chance level existed keeps the aim alone.
        Assert.Equal("", TrainingSummaryText.EceQualifier(Summary(0.02, new EceUncertainty(0.01, 0.03, 0.02, 0.03, 1_167, 400, true, ""))));
        Assert.Equal(" (above the aim of 0.03)", TrainingSummaryText.EceQualifier(Summary(0.06, null)));
    }
}
