using System.Text.RegularExpressions;
using JourneyML.Api.Predictions;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Tests;

/// <summary>The survival curves in the API: a customer's curve, the list ranked by the risk of churning within some days.</summary>
[Collection(ServingCollection.Name)]
public sealed class TimeToChurnApiTests(ServingFixture fixture)
{
    [Fact]
    public async Task A_paying_customer_has_a_survival_curve_and_a_median_time_to_churn_a_lead_has_none()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        Assert.NotNull(s.TimeToChurn);
        int row = Enumerable.Range(0, s.Count).First(r => s.Status[r] == Core.Features.CustomerStatus.Customer);
        var json = await (await client.GetAsync($"/v1/customers/{Uri.EscapeDataString(s.CustomerIds[row])}")).Json();
        var curve = json["timeToChurn"]!["curve"]!.AsArray();
        Assert.Equal([30, 60, 90, 120, 150, 180], curve.Select(p => (int)p!["days"]!));
        var survival = curve.Select(p => (double)p!["survival"]!).ToList();
        Assert.Equal(survival.OrderByDescending(v => v), survival);
        Assert.Equal(s.TimeToChurn!.Within(row, 30), (double)curve[0]!["churnRisk"]!, 3);
        Assert.Equal(1 - survival[0], (double)curve[0]!["churnRisk"]!, 3);
        string median = (string)json["timeToChurn"]!["median"]!;
        Assert.Equal(survival[^1] > 0.5 ? "beyond 180 days" : $"in about {(double)json["timeToChurn"]!["medianDays"]!:0} days", median);
        // Its top factors in words, in English and, asked for, in Japanese: what shortens (or lengthens) the time to churn.
        var factors = ((string)json["timeToChurn"]!["factors"]!).Split("; ");
        Assert.NotEmpty(factors);
        Assert.All(factors, f => Assert.Matches(@" \((shortens|lengthens) time to churn\)$", f));
        Assert.Equal(s.TimeToChurn.Factors![row], string.Join("; ", factors));
        var ja = await (await client.GetAsync($"/v1/customers/{Uri.EscapeDataString(s.CustomerIds[row])}?lang=ja")).Json();
        Assert.All(((string)ja["timeToChurn"]!["factors"]!).Split("; "), f => Assert.Matches("（解約を(早める|遅らせる)要因）$", f));

        int lead = Enumerable.Range(0, s.Count).First(r => s.Status[r] == Core.Features.CustomerStatus.Lead);
        var leadJson = await (await client.GetAsync($"/v1/customers/{Uri.EscapeDataString(s.CustomerIds[lead])}")).Json();
        Assert.Null(leadJson["timeToChurn"]);
    }

    [Fact]
    public async Task The_churn_risk_list_ranks_by_the_risk_of_churning_within_30_days()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        var json = await (await client.GetAsync("/v1/churn-risk?within=30&top=50")).Json();
        Assert.Equal(30, (int)json["within"]!);
        var rows = json["customers"]!.AsArray();
        Assert.Equal(50, rows.Count);
        var within = rows.Select(r => (double)r!["churnWithin"]!).ToList();
        Assert.Equal(within.OrderByDescending(v => v), within);
        var paying = Enumerable.Range(0, s.Count).Where(r => !float.IsNaN(s.TimeToChurn!.Within(r, 30))).ToList();
        Assert.Equal(paying.Max(r => s.TimeToChurn!.Within(r, 30)), within[0], 3);
        // Ranked by the 30-day risk, not the churn risk: the orders differ on the sample.
        var byChurnRisk = (await (await client.GetAsync("/v1/churn-risk?top=50")).Json())["customers"]!.AsArray().Select(r => (string?)r!["customerId"]).ToList();
        Assert.NotEqual(byChurnRisk, rows.Select(r => (string?)r!["customerId"]).ToList());
        var above = await (await client.GetAsync("/v1/churn-risk?within=90&minRisk=0.3&top=10000")).Json();
        Assert.All(above["customers"]!.AsArray(), r => Assert.True((double)r!["churnWithin"]! >= 0.3));
        Assert.Equal(paying.Count(r => s.TimeToChurn!.Within(r, 90) >= 0.3f), above["customers"]!.AsArray().Count);

        await (await client.GetAsync("/v1/churn-risk?within=45")).AssertProblem(400, "within");
        await (await client.GetAsync("/v1/churn-risk?within=0")).AssertProblem(400, "within");
        await (await client.GetAsync("/v1/churn-risk?within=soon")).AssertProblem(400);
    }

    [Fact]
    public async Task The_journey_map_gives_each_paying_stage_its_expected_time_to_churn()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var json = await (await client.GetAsync("/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14")).Json();
        var stages = json["stages"]!.AsArray();
        var timed = stages.Where(s => s!["expectedTimeToChurn"] is not null).ToList();
        Assert.NotEmpty(timed);
        // Curves are paying customers': a stage of leads only (Awareness) has none.
        Assert.Null(stages.First(s => (string?)s!["stage"] == "Awareness")!["expectedTimeToChurn"]);
        Assert.All(timed, s => Assert.Matches("^(in about [0-9]+ days|beyond 180 days)$", (string)s!["expectedTimeToChurn"]!));
        // The At-risk stage holds the riskiest paying customers: their expected time to churn is the shortest of the timed stages.
        var atRisk = timed.FirstOrDefault(s => (string?)s!["stage"] == "At-risk");
        if (atRisk?["medianDaysToChurn"] is { } days)
        {
            Assert.All(timed.Where(s => s!["medianDaysToChurn"] is not null), s => Assert.True((double)s!["medianDaysToChurn"]! >= (double)days - 1e-9));
        }
        var markdown = await (await client.GetAsync("/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14&format=md")).Content.ReadAsStringAsync();
        Assert.Contains("Expected time to churn of each stage's paying customers", markdown);
        // Each with the shares behind it and the paying customers it stands on, in the HTML as in the Markdown.
        var first = timed[0]!;
        Assert.Matches($"- {Regex.Escape((string)first["stage"]!)}: {Regex.Escape((string)first["expectedTimeToChurn"]!)} \\([0-9]+% within 30 days, [0-9]+% within 180; [0-9,]+ paying customers?", markdown);
        Assert.All(timed, s => Assert.True((int)s!["customersWithTimeToChurn"]! > 0));
        var html = await (await client.GetAsync("/v1/journey-map?from=2026-04-01&to=2026-07-01&stepDays=14&format=html")).Content.ReadAsStringAsync();
        var table = Regex.Match(html, "<table id=\"time-to-churn\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(timed.Count, Regex.Matches(table, "<tr><td>").Count);
        Assert.Contains($"<td>{(string)first["expectedTimeToChurn"]!}</td>", table);
        Assert.Contains(((int)first["customersWithTimeToChurn"]!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), table);
    }

    /// <summary>A customer of the latest snapshot as a ready feature row (its numeric features as the snapshot has them).</summary>
    private System.Text.Json.Nodes.JsonObject FeatureRow(int row, string status)
    {
        var s = fixture.Latest;
        var features = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, values) in s.FeatureValues)
        {
            features[name] = float.IsNaN(values[row]) ? null : values[row];
        }
        return new() { ["customerId"] = s.CustomerIds[row], ["status"] = status, ["features"] = features };
    }

    [Fact]
    public async Task A_prediction_of_a_paying_customer_carries_its_survival_curve_and_a_lead_s_none()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        int row = Enumerable.Range(0, s.Count).First(r => s.Status[r] == Core.Features.CustomerStatus.Customer);
        var json = await (await client.PostJson("/v1/predictions", FeatureRow(row, "customer"))).Json();
        var curve = json["timeToChurn"]!["curve"]!.AsArray();
        Assert.Equal([30, 60, 90, 120, 150, 180], curve.Select(p => (int)p!["days"]!));
        var risk = curve.Select(p => (double)p!["churnRisk"]!).ToList();
        Assert.Equal(risk.Order(), risk);
        Assert.All(risk, r => Assert.InRange(r, 0, 1));
        // The same model on the same features as the snapshot's scoring: the same curve (categorical features left out count as missing there, so loosely).
        Assert.Equal(s.TimeToChurn!.Within(row, 30), risk[0], 1);
        string median = (string)json["timeToChurn"]!["median"]!;
        Assert.Equal(risk[^1] < 0.5 ? "beyond 180 days" : $"in about {(double)json["timeToChurn"]!["medianDays"]!:0} days", median);

        var batch = await (await client.PostJson("/v1/predictions/batch", new System.Text.Json.Nodes.JsonObject
        {
            ["customers"] = new System.Text.Json.Nodes.JsonArray(FeatureRow(row, "customer"), FeatureRow(row, "lead"), FeatureRow(row, "churned")),
        })).Json();
        var predictions = batch["predictions"]!.AsArray();
        Assert.Equal(risk, predictions[0]!["timeToChurn"]!["curve"]!.AsArray().Select(p => (double)p!["churnRisk"]!));
        Assert.Null(predictions[1]!["timeToChurn"]); // a lead: not paying, no curve
        Assert.Null(predictions[2]!["timeToChurn"]);
    }

    [Fact]
    public void A_version_without_a_survival_model_predicts_without_a_curve()
    {
        var models = new Core.Registry.ModelRegistry(fixture.RegistryPath).LoadChampion()!;
        var s = fixture.Latest;
        int row = Enumerable.Range(0, s.Count).First(r => s.Status[r] == Core.Features.CustomerStatus.Customer);
        var table = new Core.Features.FeatureTable([s.CustomerIds[row]],
            [.. models.Metadata.Features.Select(Core.Features.FeatureColumn (f) => FeatureRows.IsCategorical(f)
                ? Core.Features.FeatureColumn.Categorical(f.Name, f.Description, new string?[1])
                : Core.Features.FeatureColumn.Numeric(f.Name, f.Description, [s.FeatureValues.TryGetValue(f.Name, out var v) ? v[row] : float.NaN]))])
        {
            Status = [Core.Features.CustomerStatus.Customer],
        };
        var with = new CustomerPredictor(models).Predict(table)[0];
        Assert.NotNull(PredictionResponse.From(with).TimeToChurn);
        var without = new CustomerPredictor(models with { Survival = null }).Predict(table)[0];
        Assert.NotNull(without.ChurnRisk);
        Assert.Null(PredictionResponse.From(without).TimeToChurn);
    }

    [Fact]
    public void The_snapshot_keeps_the_curves_of_paying_customers_only()
    {
        var s = fixture.Latest;
        var t = s.TimeToChurn!;
        for (int r = 0; r < s.Count; r++)
        {
            bool paying = s.Status[r] == Core.Features.CustomerStatus.Customer;
            Assert.Equal(paying, !float.IsNaN(t.Within(r, 30)));
            if (paying)
            {
                Assert.True(t.Within(r, 30) <= t.Within(r, 90) && t.Within(r, 90) <= t.Within(r, 180));
                Assert.Equal(t.Within(r, 180) < 0.5f, float.IsNaN(t.MedianDays[r]));
            }
        }
        Assert.Contains(TimeToChurn.Column(30), TimeToChurn.Columns);
    }
}
