using JourneyML.Tools.Benchmarks;
using Xunit.Abstractions;

namespace JourneyML.Tools.Tests.Benchmarks;

/// <summary>The survival peer on the committed sample: both sides measured on the same pairs, side by side as ratios.</summary>
public sealed class SurvivalPeerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = TempFolder.Create("survival-peer");

    public void Dispose() => TempFolder.TryDelete(_work);

    [Fact]
    public void JourneyMLs_survival_model_and_coxph_are_measured_on_the_same_holdout()
    {
        // test.sh installs r-cran-survival, so Rscript is there wherever the suite runs.
        var comparison = SurvivalPeer.Compare(Samples.Sample, _work);
        var markdown = comparison.ToMarkdown();
        output.WriteLine(markdown);
        Assert.Equal(comparison.JourneyMl.Metrics.Customers, comparison.Coxph.Metrics.Customers);
        Assert.Equal(comparison.JourneyMl.Metrics.KaplanMeierBrier.Value, comparison.Coxph.Metrics.KaplanMeierBrier.Value, 9);
        // coxph on the same vectors ranks well above chance and beats one Kaplan–Meier curve: the table it read is the one JourneyML learnt from.
        Assert.True(comparison.Coxph.Metrics.HarrellC.Value > 0.65, $"coxph Harrell's C {comparison.Coxph.Metrics.HarrellC.Value:F3}");
        Assert.True(comparison.Coxph.Metrics.IntegratedBrier.Value < comparison.Coxph.Metrics.KaplanMeierBrier.Value);
        Assert.Contains("| Harrell's C |", markdown);
        Assert.Contains("| training seconds |", markdown);
    }
}
