using JourneyML.Core.Data;
using JourneyML.SampleData;

namespace JourneyML.Core.Tests.SampleData;

[Collection(GeneratedSamplesCollection.Name)]
public sealed class InterventionGeneratorTests(GeneratedSamples samples)
{
    [Fact]
    public void Without_the_option_the_committed_sample_is_written_byte_for_byte_and_no_intervention_file_appears()
    {
        var directory = samples.NewDirectory("sample-again");
        var summary = new SampleGenerator(new GeneratorOptions { Customers = 2000, Seed = 42, EventsFormat = TableFormat.Parquet }).Generate(directory);
        var committed = Path.Combine(Repo.Root, "data-samples", "sample");
        foreach (var file in Directory.EnumerateFiles(committed))
        {
            var name = Path.GetFileName(file);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(directory, name))), $"{name} differs from the committed sample");
        }
        Assert.DoesNotContain(summary.Files, f => Path.GetFileName(f).StartsWith("interventions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(GeneratorWorld.B2bSaas)]
    [InlineData(GeneratorWorld.Subscription)]
    [InlineData(GeneratorWorld.Small)]
    public void With_the_option_the_world_is_drawn_the_same_and_only_treated_would_be_churners_are_kept(GeneratorWorld world)
    {
        var options = new GeneratorOptions { Customers = 600, Seed = 5, World = world };
        var off = samples.NewDirectory("off");
        var on = samples.NewDirectory("on");
        new SampleGenerator(options).Generate(off);
        var summary = new SampleGenerator(options with { Interventions = true }).Generate(on);
        Assert.Equal(File.ReadAllBytes(Path.Combine(off, "customers.csv")), File.ReadAllBytes(Path.Combine(on, "customers.csv")));
        Assert.Contains(summary.Files, f => f.EndsWith("interventions.csv", StringComparison.Ordinal));

        var truth = Csv(Path.Combine(on, "interventions_truth.csv"));
        var before = Csv(Path.Combine(off, "ground_truth.csv")).ToDictionary(r => r["customer_id"], r => r["churned_in_horizon"]);
        var after = Csv(Path.Combine(on, "ground_truth.csv")).ToDictionary(r => r["customer_id"], r => r["churned_in_horizon"]);
        int prevented = 0;
        foreach (var row in truth)
        {
            var id = row["customer_id"];
            if (row["churn_prevented"] == "1")
            {
                prevented++;
                // Only a treated would-be churner is kept; a control arm is never touched.
                Assert.Equal("1", before[id]);
                Assert.Equal("0", after[id]);
                Assert.NotEqual("control", row["arm"]);
                Assert.NotEqual("", row["kind_at_as_of"]);
            }
            else
            {
                Assert.Equal(before[id], after[id]);
            }
        }
        Assert.True(prevented > 0, "no churn was prevented: the planted effects do not reach the outcomes");
    }

    [Fact]
    public void Calls_go_to_the_riskiest_so_a_naive_comparison_makes_them_look_harmful()
    {
        var directory = samples.NewDirectory("naive");
        new SampleGenerator(new GeneratorOptions { Customers = 3000, Seed = 8, Interventions = true }).Generate(directory);
        var paying = Csv(Path.Combine(directory, "interventions_truth.csv")).Where(r => r["churn_probability"] != "").ToList();
        var called = paying.Where(r => r["kind_at_as_of"] == "cs_call").ToList();
        var notCalled = paying.Where(r => r["kind_at_as_of"] == "").ToList();
        double Rate(List<Dictionary<string, string>> rows) => rows.Average(r => r["churned_in_horizon"] == "1" ? 1.0 : 0.0);
        Assert.True(Rate(called) > Rate(notCalled), $"called churned {Rate(called):P1}, not called {Rate(notCalled):P1}");
        // ...although every planted call effect is a reduction (or none).
        Assert.All(called, r => Assert.True(double.Parse(r["uplift_cs_call"], System.Globalization.CultureInfo.InvariantCulture) >= 0));
    }

    internal static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => l.Split(',')).Select(f => header.Select((h, i) => (h, f[i])).ToDictionary(x => x.h, x => x.Item2))];
    }
}
