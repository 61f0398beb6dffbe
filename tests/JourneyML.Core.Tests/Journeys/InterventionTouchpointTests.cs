using System.Globalization;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Uplift;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>A generated B2B world with planted interventions, trained, and its journey map built once.</summary>
public sealed class InterventionMapWorld : IDisposable
{
    public static readonly GeneratorOptions Options = new() { Customers = 4000, Seed = 8, Interventions = true };

    public InterventionMapWorld()
    {
        Root = TempFolder.Create("intervention-map");
        new SampleGenerator(Options).Generate(Data);
        TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = Data, AsOf = Options.ReferenceAsOf, HorizonDays = Options.HorizonDays },
            RegistryPath = Registry,
            Candidates = [CandidateSpec.Default],
            // The map's effects do not depend on how many segments there are or on the backtest: neither is chosen or run here.
            Segments = 4,
            Backtest = false,
            Force = true,
        }, NullLogger.Instance);
        Result = JourneyRun.Run(new JourneyOptions { DataDirectory = Data, RegistryPath = Registry }, NullLogger.Instance);
        Truth = SampleData.InterventionGeneratorTests.Csv(Path.Combine(Data, "interventions_truth.csv")).ToDictionary(r => r["customer_id"]);
    }

    public string Root { get; }
    public string Data => Path.Combine(Root, "data");
    public string Registry => Path.Combine(Root, "models");
    public JourneyRunResult Result { get; }
    public IReadOnlyDictionary<string, Dictionary<string, string>> Truth { get; }

    public void Dispose() => TempFolder.TryDelete(Root);
}

/// <summary>The journey map's intervention touchpoints against the planted truth: each kind's effect per stage the contacted customers were in.</summary>
public sealed class InterventionTouchpointTests(InterventionMapWorld world) : IClassFixture<InterventionMapWorld>
{
    private JourneyMap Map => world.Result.Map;

    [Fact]
    public void Each_planted_kind_is_a_touchpoint_measured_as_its_overall_effect_is_with_effects_per_stage()
    {
        var kinds = Map.Interventions.ToDictionary(k => k.Kind);
        Assert.Equal(EffectDesign.DoublyRobust, kinds["cs_call"].Design);
        Assert.Equal(EffectDesign.RandomisedHoldout, kinds["discount"].Design);
        Assert.Equal(EffectDesign.RandomisedHoldout, kinds["email_campaign"].Design);
        Assert.Equal(InterventionMapWorld.Options.ReferenceAsOf, kinds["cs_call"].AsOf);
        var stages = Map.Stages.Select(s => s.Stage).ToHashSet();
        foreach (var kind in Map.Interventions)
        {
            Assert.Null(kind.TooSmall);
            Assert.NotEmpty(kind.Stages);
            Assert.All(kind.Stages, s => Assert.Contains(s.Stage, stages));
            Assert.Contains(kind.Stages, s => s.Effect is not null);
            // Below the minimum a stage says so in words, with its counts, never a number.
            Assert.All(kind.Stages.Where(s => s.Effect is null), s => Assert.StartsWith("too few to say", s.TooFew));
            Assert.All(kind.Stages.Where(s => s.Contacted < GroupEffects.MinPerArm(new UpliftOptions()) || s.Compared < GroupEffects.MinPerArm(new UpliftOptions())),
                s => Assert.Null(s.Effect));
        }
    }

    [Fact]
    public void Where_enough_were_contacted_and_compared_the_planted_effect_sits_within_the_stages_interval()
    {
        var asOf = InterventionMapWorld.Options.ReferenceAsOf;
        int checkedStages = 0;
        foreach (var kind in Map.Interventions.Where(k => k.Kind != "email_campaign"))
        {
            foreach (var stage in kind.Stages.Where(s => s.Effect is not null && s.Contacted >= 40 && s.Compared >= 40))
            {
                // The planted effect over the customers this stage's estimate compares: the kind's arms (randomised), or for
                // calls everyone called or untouched by a campaign, paying at the as-of date and in this stage then.
                var compared = world.Truth.Values.Where(r => r["churn_probability"] != ""
                    && (r["kind_at_as_of"] == kind.Kind || (kind.Kind == "cs_call" && r["kind_at_as_of"] == ""))
                    && world.Result.Members!.StageAt(r["customer_id"], asOf) == stage.Stage).ToList();
                double planted = compared.Average(r => double.Parse(r["uplift_" + kind.Kind], CultureInfo.InvariantCulture));
                Assert.True(planted >= stage.Low && planted <= stage.High,
                    $"{kind.Kind} in {stage.Stage}: planted {planted:F3}, measured {stage.Effect:F3} (95% {stage.Low:F3} to {stage.High:F3}), {stage.Contacted} contacted, {stage.Compared} compared");
                checkedStages++;
            }
        }
        Assert.True(checkedStages >= 2, $"only {checkedStages} stages had enough contacted and compared customers to check");
    }

    [Fact]
    public void The_maps_html_and_markdown_show_each_kind_with_its_effect_per_stage_and_too_few_in_words()
    {
        var html = File.ReadAllText(Path.Combine(world.Result.Directory, "journey-map.html"));
        var markdown = File.ReadAllText(Path.Combine(world.Result.Directory, "journey-map.md"));
        foreach (var text in new[] { html, markdown })
        {
            Assert.Contains("Interventions: their effect on churn by stage", text);
            Assert.Contains("cs_call", text);
            Assert.Contains("doubly robust (no control arm)", text);
            Assert.Contains("randomised holdout", text);
            Assert.Contains("(95% ", text);
        }
        var call = Map.Interventions.Single(k => k.Kind == "cs_call").Stages.First(s => s.Effect is not null);
        Assert.Contains($"| {call.Stage} | {call.Contacted:N0} | {call.Compared:N0} | {InterventionTouchpoints.EffectText(call)} |", markdown);
    }
}
