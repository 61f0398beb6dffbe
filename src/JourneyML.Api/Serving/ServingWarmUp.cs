using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using System.Text.Json;
using JourneyML.Api.ChurnRisk;
using JourneyML.Api.Customers;
using JourneyML.Api.Predictions;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace JourneyML.Api.Serving;

/// <summary>What a warm-up ran through the endpoints' own handlers before the service said it was ready.</summary>
public sealed record WarmUpReport(int Rounds, int Predictions, int ChurnRisks, int LeadScores, int Explanations, int SnapshotLookups, int JsonAnswers, TimeSpan Took,
    bool Settled)
{
    /// <summary>How it ended, for the log and readiness: the JIT went quiet, or the time limit came first (a loaded machine).</summary>
    public string Ending => Settled ? "until the JIT was quiet" : "stopped at the time limit (Serving:WarmUpSeconds) before the JIT was quiet";
}

/// <summary>
/// Runs every serving path (both models with explanations, batch and what-if, the snapshot's customer, account and ranked
/// list indexes, request and answer JSON) through the endpoints' own handlers before the service is ready: a fresh
/// process otherwise answers its first tens of seconds of traffic with code the JIT has not optimised yet. It goes
/// round after round until the JIT has been quiet for a second (the hot methods reached their optimised tier), within
/// <see cref="ServingOptions.WarmUpSeconds"/>. It runs before the server takes requests, and again for a champion or a
/// snapshot that first appears later; readiness waits for it.
/// </summary>
public sealed class ServingWarmUp(ModelHost models, SnapshotHost snapshots, IOptions<ServingOptions> options, IOptions<HttpJsonOptions> json,
    ILogger<ServingWarmUp> logger) : BackgroundService
{
    private static readonly TimeSpan s_quietJit = TimeSpan.FromSeconds(1);
    private const int RoundsPerBatch = 20;
    private volatile bool _predictionsWarm;
    private volatile bool _snapshotWarm;

    /// <summary>The last warm-up's counts; null before the first.</summary>
    public WarmUpReport? Last { get; private set; }

    /// <summary>
    /// Whether the champion being served has been warmed: readiness waits for it. A first snapshot that arrives while a
    /// champion serves is warmed in the background instead: taking a serving instance out of the pool for it would cost more.
    /// </summary>
    public bool IsWarm => models.Current is null || _predictionsWarm;

    private bool AllWarm => IsWarm && (snapshots.Current is null || _snapshotWarm);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Hosted services start before the server listens: the first request meets warm code.
        await Task.Run(() => WarmIfNeeded(cancellationToken), cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Reloading.EveryAsync(options.Value.ReloadSeconds, () => Task.Run(() => WarmIfNeeded(stoppingToken), stoppingToken), logger, "the warm-up", stoppingToken);

    private void WarmIfNeeded(CancellationToken cancellationToken)
    {
        if (AllWarm)
        {
            return;
        }
        var predictor = models.Current;
        var view = snapshots.Current;
        WarmUpReport report;
        try
        {
            report = Run(predictor, view, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A warm-up that trips over an unusual model or snapshot must never keep a working service from serving.
            logger.LogWarning(e, "The warm-up stopped early; serving anyway");
            return;
        }
        finally
        {
            _predictionsWarm |= predictor is not null;
            _snapshotWarm |= view is not null;
        }
        Last = report;
        logger.LogInformation("Warmed up before serving in {Took:0.0} s, {Ending}: {Rounds} rounds, {Predictions} predictions ({Churn} churn risks, {Lead} lead scores, " +
            "{Explanations} with explanations), {Lookups} snapshot lookups, {Json} JSON answers",
            report.Took.TotalSeconds, report.Ending, report.Rounds, report.Predictions, report.ChurnRisks, report.LeadScores, report.Explanations, report.SnapshotLookups, report.JsonAnswers);
    }

    private WarmUpReport Run(CustomerPredictor? predictor, SnapshotView? view, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(options.Value.WarmUpSeconds);
        var counts = new Counts();
        var requests = predictor is null ? [] : RequestBodies(predictor, view);
        long jitBefore = JitInfo.GetCompiledMethodCount();
        var quietSince = clock.Elapsed;
        int rounds = 0;
        // At least one batch, so every path runs once even with no budget.
        do
        {
            for (int i = 0; i < RoundsPerBatch; i++, rounds++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (predictor is not null)
                {
                    Predictions(requests[rounds % requests.Count], counts);
                }
                if (view is not null)
                {
                    Lookups(view, rounds, counts);
                }
            }
            long jitNow = JitInfo.GetCompiledMethodCount();
            if (jitNow != jitBefore)
            {
                jitBefore = jitNow;
                quietSince = clock.Elapsed;
            }
        }
        while (clock.Elapsed < budget && clock.Elapsed - quietSince < s_quietJit);
        return new WarmUpReport(rounds, counts.Predictions, counts.Churn, counts.Lead, counts.Explained, counts.Lookups, counts.Json, clock.Elapsed,
            Settled: clock.Elapsed - quietSince >= s_quietJit);
    }

    /// <summary>A request body as a client sends it, read back with the service's JSON settings (parsing warms too).</summary>
    internal List<string> RequestBodies(CustomerPredictor predictor, SnapshotView? view)
    {
        var bodies = new List<string>();
        for (int i = 0; i < 8; i++)
        {
            var features = new Dictionary<string, object>();
            foreach (var f in predictor.Schema)
            {
                float value = view?.Latest.FeatureValues.TryGetValue(f.Name, out var column) == true && column.Length > 0
                    ? column[i * 7919 % column.Length] : i;
                if (!float.IsNaN(value))
                {
                    features[f.Name] = FeatureRows.IsCategorical(f) ? value.ToString(CultureInfo.InvariantCulture) : value;
                }
            }
            // Customers and leads: the churn model scores the first, the lead model the second.
            bodies.Add(JsonSerializer.Serialize(new { customerId = $"warm-up-{i}", status = i % 2 == 0 ? "customer" : "lead", features }, Json));
        }
        return bodies;
    }

    private JsonSerializerOptions Json => json.Value.SerializerOptions;

    private void Predictions(string body, Counts counts)
    {
        var input = JsonSerializer.Deserialize<CustomerInput>(body, Json)!;
        var one = PredictionApi.Predict(input, models, snapshots, options).Value!;
        Answer(one, counts);
        counts.Add(one);
        if (PredictionApi.PredictBatch(new BatchPredictionRequest { Customers = [input, input with { Status = "lead" }] }, models, snapshots, options).Result is Ok<BatchPredictionResponse> batch)
        {
            Answer(batch.Value!, counts);
            foreach (var p in batch.Value!.Predictions)
            {
                counts.Add(p);
            }
        }
        if (input.Features?.FirstOrDefault(f => f.Value.ValueKind == JsonValueKind.Number).Key is { } feature)
        {
            var whatIf = new WhatIfRequest { Customer = input, Changes = [new FeatureChangeInput { Feature = feature, Value = JsonSerializer.SerializeToElement(1, Json) }] };
            var answer = PredictionApi.WhatIf(whatIf, models, options).Value!;
            Answer(answer, counts);
            counts.Add(answer.Before);
            counts.Add(answer.After);
        }
    }

    private void Lookups(SnapshotView view, int round, Counts counts)
    {
        var s = view.Latest;
        if (s.Count == 0)
        {
            return;
        }
        int row = round * 7919 % s.Count;
        Answer(CustomerApi.Customer(s.CustomerIds[row], snapshots).Result, counts);
        if (s.AccountIds[row] is { } account)
        {
            Answer(CustomerApi.Account(account, snapshots).Value, counts);
        }
        Answer(ChurnRiskApi.List(snapshots, new DefaultHttpContext(), top: 20).Result, counts);
        counts.Lookups += 3;
    }

    private void Answer(object? answer, Counts counts)
    {
        var value = answer is IValueHttpResult result ? result.Value : answer;
        if (value is not null)
        {
            Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(value, value.GetType(), Json));
            counts.Json++;
        }
    }

    private sealed class Counts
    {
        public int Predictions, Churn, Lead, Explained, Lookups, Json;

        public void Add(PredictionResponse p)
        {
            Predictions++;
            Churn += p.ChurnRisk is null ? 0 : 1;
            Lead += p.LeadScore is null ? 0 : 1;
            Explained += p.Factors.Count > 0 ? 1 : 0;
        }
    }
}
