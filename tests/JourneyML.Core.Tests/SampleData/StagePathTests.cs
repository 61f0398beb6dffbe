using JourneyML.Core.Data;
using JourneyML.Core.Stages;
using JourneyML.SampleData;

namespace JourneyML.Core.Tests.SampleData;

/// <summary>A small B2B world and a subscription world with their planted stage paths, generated once.</summary>
public sealed class StagePathWorlds : IDisposable
{
    public StagePathWorlds()
    {
        B2b = Path.Combine(Root, "b2b");
        new SampleGenerator(new GeneratorOptions { Customers = 600, Seed = 1 }).Generate(B2b);
        Subscription = Path.Combine(Root, "subscription");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Subscription, Customers = 400, Seed = 3 }).Generate(Subscription);
        ProductLed = Path.Combine(Root, "product-led");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.ProductLed, Customers = 600, Seed = 3 }).Generate(ProductLed);
        Retail = Path.Combine(Root, "retail");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Retail, Customers = 600, Seed = 3 }).Generate(Retail);
    }

    public string Root { get; } = TempFolder.Create("stage-paths");
    public string B2b { get; }
    public string Subscription { get; }
    public string ProductLed { get; }
    public string Retail { get; }

    public string this[string world] => world switch
    {
        "b2b" => B2b,
        "subscription" => Subscription,
        "product-led" => ProductLed,
        _ => Retail,
    };

    public void Dispose() => TempFolder.TryDelete(Root);
}

/// <summary>The planted stage paths the generator writes, and the default stages' timelines held against them.</summary>
public sealed class StagePathTests(StagePathWorlds worlds) : IClassFixture<StagePathWorlds>
{
    private static readonly DateTime s_asOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("b2b")]
    [InlineData("subscription")]
    [InlineData("product-led")]
    [InlineData("retail")]
    public void Every_customer_has_a_contiguous_planted_path_that_agrees_with_the_planted_status(string world)
    {
        var directory = worlds[world];
        var planted = StageAgreement.TryLoadPlanted(directory)!;
        var truth = TableFiles.ReadCsv(Path.Combine(directory, "ground_truth.csv"));
        Assert.Equal(truth.Count, planted.Count);
        string[] leadStages = [PlantedStagePaths.Lead, PlantedStagePaths.Engaged, PlantedStagePaths.SalesQualified, PlantedStagePaths.Opportunity];
        string[] customerStages = [PlantedStagePaths.Onboarding, PlantedStagePaths.Adopted, PlantedStagePaths.Renewed, PlantedStagePaths.Dormant, PlantedStagePaths.Team];
        var seen = new HashSet<string>();
        foreach (var row in truth)
        {
            var stays = planted[row["customer_id"]];
            for (int i = 0; i < stays.Count; i++)
            {
                seen.Add(stays[i].Stage);
                Assert.Equal(i == stays.Count - 1, stays[i].LeftAt is null);
                if (i > 0)
                {
                    Assert.Equal(stays[i - 1].LeftAt, stays[i].EnteredAt);
                    Assert.NotEqual(stays[i - 1].Stage, stays[i].Stage);
                }
            }
            if (stays[0].EnteredAt >= s_asOf)
            {
                continue; // signed up after the as-of date (sign-ups go on to the export's end): no stage at it
            }
            var atAsOf = stays.Single(s => s.EnteredAt < s_asOf && (s.LeftAt is not { } left || left >= s_asOf)).Stage;
            var expected = row["status_at_as_of"] switch
            {
                "lead" => leadStages,
                "customer" => customerStages,
                _ => [PlantedStagePaths.Churned],
            };
            Assert.Contains(atAsOf, expected);
        }
        // The whole lifecycle is planted, not only its ends.
        Assert.Superset(world switch
        {
            "b2b" => [.. leadStages, .. customerStages.SkipLast(1), PlantedStagePaths.Churned],
            // Product-led: the activated trial, the team, the light seat paid for and hardly used; no renewals in the export.
            "product-led" => [PlantedStagePaths.Lead, PlantedStagePaths.Engaged, PlantedStagePaths.Onboarding, PlantedStagePaths.Adopted, PlantedStagePaths.Team, PlantedStagePaths.Dormant, PlantedStagePaths.Churned],
            _ => new HashSet<string> { PlantedStagePaths.Lead, PlantedStagePaths.Onboarding, PlantedStagePaths.Adopted, PlantedStagePaths.Renewed, PlantedStagePaths.Churned },
        }, seen);
    }

    [Fact]
    public void The_default_stages_agree_with_the_planted_paths_and_no_longer_flap()
    {
        var (with, without) = StageAgreementRun.Run(worlds.B2b);
        // Measured at 600 customers: 91.6% agreement; backward moves 0.82x planted with exit conditions (47 of 57), 12.7x without.
        AgreesAndMovesBackAsPlanted(with);
        // The exit conditions are what stops the flapping: judged date by date, the same entry rules move back far more.
        Assert.True(with.BackwardRebuilt * 2 <= without.BackwardRebuilt, $"with {with.BackwardRebuilt}, without {without.BackwardRebuilt}");
        Assert.True(with.MovesRebuilt < without.MovesRebuilt);
    }

    [Fact]
    public void On_the_committed_sample_the_default_stages_agree_with_its_planted_paths()
    {
        // Measured: 92.1% agreement; backward moves 0.69x planted (143 of 207; 1.79x before Adoption, MQL and SQL were tightened).
        AgreesAndMovesBackAsPlanted(StageAgreementRun.Run(Samples.Sample).WithExits);
    }

    [Theory]
    [InlineData("b2b")]
    [InlineData("subscription")]
    [InlineData("product-led")]
    [InlineData("retail")]
    public void The_suggested_stages_agree_with_the_planted_paths_and_move_back_no_more_than_them(string world)
    {
        var directory = worlds[world];
        var stages = Path.Combine(worlds.Root, $"{world}-suggested.json");
        var timeline = Core.Features.EventTimeline.Build(Dataset.Open(directory, new ValidationReport()), withChannels: false);
        File.WriteAllText(stages, StageSuggestion.Suggest(timeline).ToJson());
        var with = StageAgreementRun.Run(directory, stagesFile: stages).WithExits;
        // Measured: b2b 600 customers 91.6% (85.5% when the renewal line fell back to 300 days on 16 renewals, a year planted),
        // 47 backward moves of 57 planted (111 before); subscription 400 customers: none planted, none rebuilt. At 1,500
        // customers: product-led 95.6%, 100 backward moves of 125 planted (9.9x while trials were read on active days, which
        // count email opens); retail 98.9%, none planted, none rebuilt (84.1% and 2,557 without the stays).
        string described = string.Join("\n", StageAgreement.Describe(with));
        Assert.True(with.Agreement >= 0.90, described);
        Assert.True(with.BackwardRebuilt * 10 <= 11 * Math.Max(with.BackwardPlanted, 1), described);
    }

    /// <summary>
    /// At least 90% of customer-days agree, and the backward moves are the planted ones: no more than 1.1x (no flapping), and
    /// at least half of them (rules so sticky that they hide real moves back would pass the upper bound alone). Not all:
    /// a deal lost and reopened within a week, planted as a move back, is seen by no rule (no feature reads a lost opportunity).
    /// </summary>
    private static void AgreesAndMovesBackAsPlanted(StageAgreementResult with)
    {
        string described = string.Join("\n", StageAgreement.Describe(with));
        Assert.True(with.Agreement >= 0.90, described);
        Assert.True(with.BackwardPlanted > 0);
        Assert.True(with.BackwardRebuilt * 10 <= 11 * with.BackwardPlanted, described);
        Assert.True(with.BackwardRebuilt * 2 >= with.BackwardPlanted, described);
    }

    [Fact]
    public void Without_a_planted_path_the_measurement_says_so()
    {
        using var folder = new TempFolder("no-paths");
        Assert.Contains("stage_paths", Assert.Throws<DataFileException>(() => StageAgreementRun.Run(folder.Path)).Message);
    }
}
