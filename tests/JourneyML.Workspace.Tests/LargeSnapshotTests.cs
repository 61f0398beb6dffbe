using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;
using Xunit.Abstractions;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// The churn-risk page over a large snapshot: pages come from the ranked index, so the first page, a deep page and a
/// filtered page show the right rows whatever the size. The timings are printed, never asserted: run at full size with
/// JOURNEYML_WORKSPACE_CUSTOMERS=1000000 (the default here is 20,000, to keep the suite fast).
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class LargeSnapshotTests(WorkspaceFixture fixture, ITestOutputHelper output)
{
    private const string Version = "20260701-010000-5e7a1c0d-0b0e"; // a model version the registry does not hold: the snapshot alone serves the pages

    private static int Customers => int.TryParse(Environment.GetEnvironmentVariable("JOURNEYML_WORKSPACE_CUSTOMERS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 20_000;

    [Fact]
    public async Task Pages_of_a_large_snapshot_come_from_the_index()
    {
        int n = Customers;
        var root = TempFolder.Create("workspace-large");
        try
        {
            await Measure(n, Path.Combine(root, "models"));
        }
        finally
        {
            TempFolder.TryDelete(root);
        }
    }

    private async Task Measure(int n, string registry)
    {
        var written = Stopwatch.StartNew();
        var snapshot = Synthetic(n);
        Directory.CreateDirectory(Path.Combine(registry, "snapshots"));
        snapshot.Write(Path.Combine(registry, "snapshots", Snapshot.FileName(snapshot.AsOf, new DateTime(2026, 7, 1, 1, 0, 0), Version)));
        output.WriteLine($"snapshot of {n:N0} customers written in {written.Elapsed.TotalSeconds:0.0} s");
        var started = Stopwatch.StartNew();
        var server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = registry, ["Serilog:MinimumLevel:Default"] = "Warning" });
        output.WriteLine($"server ready (snapshot loaded and indexed) in {started.Elapsed.TotalSeconds:0.0} s");
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Add("Accept-Language", "en-US");
        int paying = snapshot.ChurnRisk.Count(r => !float.IsNaN(r));

        var (first, firstTime) = await Timed(client, "/");
        Assert.Equal(50, Rows(first));
        Assert.Contains($"{paying.ToString("N0", CultureInfo.InvariantCulture)} customers match", first, StringComparison.Ordinal);
        // Warm: the median of five more (the first pays for compiling the page's code).
        var warm = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            warm.Add((await Timed(client, "/")).Milliseconds);
        }
        double secondTime = warm.Order().ElementAt(2);
        int lastPage = (paying + 199) / 200;
        var (last, deepTime) = await Timed(client, $"/?size=200&page={lastPage}");
        Assert.Equal(paying - (lastPage - 1) * 200, Rows(last));
        int owned = Enumerable.Range(0, n).Count(r => !float.IsNaN(snapshot.ChurnRisk[r]) && snapshot.PassThrough[0].Values[r] == "Owner 3" && snapshot.Change[r] >= RiskFilter.RoseBy);
        var (filtered, filteredTime) = await Timed(client, "/?col.owner=Owner%203&rose=1");
        Assert.Contains($"{owned.ToString("N0", CultureInfo.InvariantCulture)} customers match", filtered, StringComparison.Ordinal);
        var (_, changeTime) = await Timed(client, "/?sort=change");
        var (_, changeAgainTime) = await Timed(client, "/?sort=change&page=2");
        output.WriteLine($"first page {firstTime:0} ms cold, {secondTime:0} ms warm (median of 5); last page of 200 rows {deepTime:0} ms; owner + risk rose filter ({owned:N0} match) {filteredTime:0} ms; " +
            $"by biggest rise {changeTime:0} ms (index built), its page 2 {changeAgainTime:0} ms");
    }

    private static async Task<(string Html, double Milliseconds)> Timed(HttpClient client, string url)
    {
        var clock = Stopwatch.StartNew();
        var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        return (html, clock.Elapsed.TotalMilliseconds);
    }

    private static int Rows(string html) => CustomerLink().Matches(html).Count;

    [GeneratedRegex("<a href=\"/customers/")]
    private static partial Regex CustomerLink();

    /// <summary>A snapshot of n customers (a tenth leads, a twentieth churned), owners in turn, changes for most.</summary>
    private static Snapshot Synthetic(int n)
    {
        var random = new Random(11);
        var status = new CustomerStatus[n];
        var risk = new float[n];
        var lead = new float[n];
        var change = new float[n];
        for (int i = 0; i < n; i++)
        {
            status[i] = i % 10 == 0 ? CustomerStatus.Lead : i % 20 == 1 ? CustomerStatus.Churned : CustomerStatus.Customer;
            risk[i] = status[i] == CustomerStatus.Customer ? (float)random.NextDouble() : float.NaN;
            lead[i] = status[i] == CustomerStatus.Lead ? (float)random.NextDouble() : float.NaN;
            change[i] = i % 4 == 0 ? float.NaN : (float)(random.NextDouble() - 0.5) * 0.3f;
        }
        return new Snapshot
        {
            AsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc),
            ModelVersion = Version,
            CustomerIds = [.. Enumerable.Range(0, n).Select(i => $"C{i:D7}")],
            AccountIds = [.. Enumerable.Range(0, n).Select(i => $"A{i / 5:D6}")],
            Status = status,
            SegmentIds = [.. Enumerable.Range(0, n).Select(i => i % 6)],
            SegmentNames = [.. Enumerable.Range(0, n).Select(i => $"segment {i % 6}")],
            Stage = [.. Enumerable.Range(0, n).Select(i => i % 7 == 0 ? "At-risk" : "Adoption")],
            ChurnRisk = risk,
            LeadScore = lead,
            Factors = [.. Enumerable.Range(0, n).Select(_ => "logins down 60% against the previous 30 days (10 → 4) (raises churn risk)")],
            Change = change,
            ChangeReason = [.. Enumerable.Range(0, n).Select(_ => "")],
            FeatureValues = new Dictionary<string, float[]> { [FeatureNames.Logins30d] = [.. Enumerable.Range(0, n).Select(i => (float)(i % 30))] },
            PassThrough = [new PassThroughValues("owner", [.. Enumerable.Range(0, n).Select(i => $"Owner {i % 12}")])],
        };
    }
}
