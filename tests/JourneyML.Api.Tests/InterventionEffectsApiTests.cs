namespace JourneyML.Api.Tests;

/// <summary>The uplift answers on a champion trained with an interventions table (<see cref="InterventionServingFixture"/>).</summary>
public sealed class InterventionEffectsApiTests(InterventionServingFixture fixture) : IClassFixture<InterventionServingFixture>
{
    [Fact]
    public async Task The_effects_list_every_planted_kind_with_how_it_was_measured_its_interval_and_its_shrunken_segments()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var json = await (await client.GetAsync("/v1/interventions/effects")).Json();
        var kinds = json["kinds"]!.AsArray();
        Assert.Equal(["cs_call", "discount", "email_campaign"], kinds.Select(k => (string)k!["kind"]!).Order(StringComparer.Ordinal));
        var designs = kinds.ToDictionary(k => (string)k!["kind"]!, k => (string)k!["effect"]!["design"]!);
        Assert.Equal("doubly-robust", designs["cs_call"]);
        Assert.Equal("randomised-holdout", designs["discount"]);
        foreach (var kind in kinds)
        {
            var effect = kind!["effect"]!;
            double value = (double)effect["effect"]!;
            Assert.InRange(value, (double)effect["interval"]!["low"]!, (double)effect["interval"]!["high"]!);
            Assert.NotNull(effect["naive"]);
            foreach (var segment in kind["segments"]!.AsArray().Where(s => s!["effect"] is not null))
            {
                var interval = segment!["interval"]!;
                Assert.Equal((double)interval["low"]! > 0 || (double)interval["high"]! < 0, (bool)segment["clear"]!);
                Assert.NotNull(segment["unshrunken"]);
                Assert.InRange((double)segment["ownWeight"]!, 0, 1);
            }
        }
        Assert.NotEmpty(json["assumptions"]!.AsArray());
    }

    [Fact]
    public async Task Ranking_by_uplift_orders_paying_customers_by_their_best_actions_uplift_as_the_snapshot_holds_it()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        Assert.NotNull(s.Uplift);
        var json = await (await client.GetAsync("/v1/churn-risk?rankBy=uplift&top=200")).Json();
        var rows = json["customers"]!.AsArray();
        Assert.Equal(200, rows.Count);
        var uplift = rows.Select(r => (double?)r!["uplift"] ?? double.NegativeInfinity).ToList();
        Assert.Equal(uplift.OrderByDescending(u => u), uplift);
        var paying = Enumerable.Range(0, s.Count).Where(r => !float.IsNaN(s.Uplift!.Uplift[r])).ToList();
        Assert.Equal(paying.Max(r => s.Uplift!.Uplift[r]), uplift[0], 4);
        foreach (var row in rows.Where(r => r!["uplift"] is not null))
        {
            int r = Array.IndexOf(s.CustomerIds, (string)row!["customerId"]!);
            Assert.Equal(s.Uplift!.BestAction[r], (string?)row["bestAction"]);
            Assert.Equal(s.Uplift.IsClear(r), (bool)row["upliftClear"]!);
            Assert.True((double)row["uplift"]! > 0);
        }
        // Not the risk list in another order only: the first customers to contact are not the riskiest.
        var byRisk = (await (await client.GetAsync("/v1/churn-risk?top=200")).Json())["customers"]!.AsArray().Select(r => (string?)r!["customerId"]).ToList();
        Assert.NotEqual(byRisk.Take(20), rows.Take(20).Select(r => (string?)r!["customerId"]));
    }
}
