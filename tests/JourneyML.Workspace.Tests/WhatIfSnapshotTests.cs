using System.Net;
using JourneyML.Api.Workspace;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;

namespace JourneyML.Workspace.Tests;

/// <summary>The what-if's "before" is the snapshot's risk: the snapshot keeps every value the customer was scored with.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class WhatIfSnapshotTests(WorkspaceFixture fixture)
{
    [Fact]
    public void The_snapshot_keeps_the_categorical_values_it_scored_with()
    {
        var latest = SnapshotView.Load(new ModelRegistry(fixture.Registry).SnapshotsDirectory)!.Latest;
        // The Japanese export's own attribute, as written, with its values.
        Assert.True(latest.CategoryValues.TryGetValue("業種", out var industry), string.Join(", ", latest.CategoryValues.Keys));
        Assert.Contains(industry!, v => v is { Length: > 0 });
        Assert.Equal(latest.Count, industry!.Length);
    }

    [Fact]
    public void Every_customer_rebuilt_from_the_snapshot_scores_the_snapshot_risk_again()
    {
        var registry = new ModelRegistry(fixture.Registry);
        var latest = SnapshotView.Load(registry.SnapshotsDirectory)!.Latest;
        var predictor = new CustomerPredictor(registry.LoadChampion()!);
        var rows = Enumerable.Range(0, latest.Count).Where(r => latest.Status[r] != CustomerStatus.Churned).ToArray();
        var inputs = rows.Select(r => CustomerWhatIf.RowOf(latest, r, predictor.Schema)).ToList();
        var report = new ValidationReport();
        var (table, _) = FeatureRows.Build(inputs, predictor.Schema, report, latest.AsOf);
        Assert.False(report.HasProblems);
        var predictions = predictor.Predict(table);
        Assert.True(rows.Length > 100, $"{rows.Length} customers");
        foreach (var (r, p) in rows.Zip(predictions))
        {
            var (snapshot, live) = float.IsNaN(latest.ChurnRisk[r]) ? (latest.LeadScore[r], p.LeadScore) : (latest.ChurnRisk[r], p.ChurnRisk);
            Assert.True(live is { } v && Math.Abs(v - snapshot) <= 1e-6, $"{latest.CustomerIds[r]}: snapshot {snapshot}, what-if before {live}");
        }
    }

    [Fact]
    public async Task The_page_shows_no_missing_feature_and_an_older_snapshot_still_names_what_it_lacks()
    {
        var registry = fixture.RegistryCopy("what-if-old-snapshot");
        var server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = fixture.Registry });
        var customer = SnapshotView.Load(new ModelRegistry(fixture.Registry).SnapshotsDirectory)!.Latest is var s
            ? s.CustomerIds[Enumerable.Range(0, s.Count).First(r => !float.IsNaN(s.ChurnRisk[r]))] : "";
        var url = $"/customers/{Uri.EscapeDataString(customer)}?f1=tickets_30d&v1=0";
        using (var client = new HttpClient { BaseAddress = server.Address })
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            var html = await client.GetStringAsync(url);
            Assert.Contains("what-if-result", html, StringComparison.Ordinal);
            Assert.DoesNotContain("The snapshot does not keep these features", html, StringComparison.Ordinal);
        }
        // A snapshot written before the categorical values were kept: the page says which features both answers lack.
        var latestPath = Snapshot.List(new ModelRegistry(registry).SnapshotsDirectory)[^1];
        WithoutCategories(Snapshot.Read(latestPath)).Write(latestPath);
        var old = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = registry });
        using var oldClient = new HttpClient { BaseAddress = old.Address };
        oldClient.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var response = await oldClient.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var oldHtml = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("The snapshot does not keep these features", oldHtml, StringComparison.Ordinal);
        Assert.Contains("業種", oldHtml[oldHtml.IndexOf("The snapshot does not keep", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    private static Snapshot WithoutCategories(Snapshot s) => new()
    {
        AsOf = s.AsOf, ModelVersion = s.ModelVersion, CustomerIds = s.CustomerIds, AccountIds = s.AccountIds, Status = s.Status, SegmentIds = s.SegmentIds,
        SegmentNames = s.SegmentNames, Stage = s.Stage, StageDays = s.StageDays, ChurnRisk = s.ChurnRisk, LeadScore = s.LeadScore, Factors = s.Factors,
        FactorsJapanese = s.FactorsJapanese, Change = s.Change, ChangeReason = s.ChangeReason, Roles = s.Roles, FeatureValues = s.FeatureValues,
        PassThrough = s.PassThrough, TimeToChurn = s.TimeToChurn,
    };
}
