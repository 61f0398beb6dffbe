namespace JourneyML.Cli.Tests;

public sealed class StagesCommandTests
{
    [Fact]
    public void Stages_suggest_writes_a_stage_config_that_fits_and_never_replaces_one_unasked()
    {
        using var folder = new TempFolder("cli-stages");
        var data = Path.Combine(folder, "data");
        ShapeWorlds.WriteProductLed(data, customers: 200);
        var output = Path.Combine(folder, "stages.json");

        var run = JourneyCli.Run("stages", "suggest", "--data", data, "--out", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Stages suggested for a product-led (trial) business", run.Output);
        Assert.Contains("      why: ", run.Output);
        Assert.Contains("\"shape\": \"product-led\"", File.ReadAllText(output));
        var written = File.ReadAllText(output);

        var again = JourneyCli.Run("stages", "suggest", "--data", data, "--out", output);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Error);
        Assert.Equal(written, File.ReadAllText(output));
        Assert.Equal(0, JourneyCli.Run("stages", "suggest", "--data", data, "--out", output, "--force").ExitCode);
        Assert.Equal(written, File.ReadAllText(output)); // the same data, the same file
    }
}
