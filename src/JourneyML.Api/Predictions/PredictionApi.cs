using System.Text.Json;
using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Registry;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Predictions;

/// <summary>Live predictions from the champion: one customer, a batch, and what-if.</summary>
public static class PredictionApi
{
    public static RouteGroupBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Predictions").TagModelVersion(ModelVersionTag.Serving);
        group.MapPost("/predictions", Predict).WithName("Predict")
            .WithSummary("Predict one customer: segment, stage, churn risk, lead score, top factors")
            .WithDescription("Give either a ready feature row (customerId, features, optional status) or a profile with recent events (features are built as of asOf, default now). Every answer names the model version. A customer in the latest snapshot starts from its stage and days in it, so the stage's exit conditions hold them as the journey map's timeline does; anyone else gets the entry rules' stage.");
        group.MapPost("/predictions/batch", PredictBatch).WithName("PredictBatch")
            .WithSummary("Predict up to 10,000 customers in one call (more gets 413)");
        group.MapPost("/what-if", WhatIf).WithName("WhatIf")
            .WithSummary("Risk before and after changing some of a customer's feature values")
            .WithDescription("Both answers use the entry rules' stage on the features alone, so the stage moves only for the change. For example { \"feature\": \"logins_30d\", \"sameAs\": \"logins_prev_30d\" }: if logins returned to last month's level. Trends that depend on a changed count are recomputed.");
        return group;
    }

    internal static Ok<PredictionResponse> Predict(CustomerInput request, ModelHost models, SnapshotHost snapshots, IOptions<ServingOptions> options, HttpContext? context = null)
    {
        var language = ReasonLanguages.Of(context);
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var (predictions, missing) = Run(predictor, snapshots.Current, [request], options.Value.TopFactors, single: true);
        return TypedResults.Ok(PredictionResponse.From(predictions[0], missing[0], language));
    }

    internal static Results<Ok<BatchPredictionResponse>, ProblemHttpResult> PredictBatch(BatchPredictionRequest request, ModelHost models,
        SnapshotHost snapshots, IOptions<ServingOptions> options, HttpContext? context = null)
    {
        var language = ReasonLanguages.Of(context);
        var customers = request.Customers ?? throw RequestValidationException.For("customers", "required: a list of customers");
        if (customers.Count > options.Value.MaxBatch)
        {
            return TypedResults.Problem(statusCode: 413, title: "Too many customers in one call",
                detail: $"{customers.Count:N0} customers given; at most {options.Value.MaxBatch:N0} per call");
        }
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var (predictions, missing) = Run(predictor, snapshots.Current, customers, options.Value.TopFactors, single: false);
        return TypedResults.Ok(new BatchPredictionResponse(predictor.ModelVersion, predictions.Length,
            [.. predictions.Select((p, i) => PredictionResponse.From(p, missing[i], language))]));
    }

    internal static Ok<WhatIfResponse> WhatIf(WhatIfRequest request, ModelHost models, IOptions<ServingOptions> options, HttpContext? context = null) =>
        WhatIfIn(request, models, options, ReasonLanguages.Of(context));

    /// <summary>The what-if with its reasons in the given language (the workspace passes its page's).</summary>
    internal static Ok<WhatIfResponse> WhatIfIn(WhatIfRequest request, ModelHost models, IOptions<ServingOptions> options, ReasonLanguage language)
    {
        var customer = request.Customer ?? throw RequestValidationException.For("customer", "required: the customer, as a feature row or a profile with events");
        if (request.Changes is not { Count: > 0 } changes)
        {
            throw RequestValidationException.For("changes", "required: at least one change");
        }
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var (table, missing) = Table(predictor, [customer], single: true, prefix: "customer.");
        var report = new ValidationReport();
        var changed = Core.Scoring.WhatIf.Apply(table, 0,
            [.. changes.Select(c => new FeatureChange(c.Feature ?? "", c.Value is { ValueKind: not JsonValueKind.Undefined } v ? v : null, c.SameAs))], report);
        if (report.HasProblems)
        {
            throw RequestValidationException.From(report.Listed, row => $"changes[{row - 1}].");
        }
        int top = options.Value.TopFactors;
        var before = predictor.Predict(table, top)[0];
        var after = predictor.Predict(changed, top)[0];
        var applied = changes.Select(c => c.Feature!).Distinct()
            .Select(f => new AppliedChange(f, ValueOf(table, f), ValueOf(changed, f))).ToList();
        return TypedResults.Ok(new WhatIfResponse(predictor.ModelVersion, PredictionResponse.From(before, missing[0], language), PredictionResponse.From(after, language: language),
            applied, Difference(after.ChurnRisk, before.ChurnRisk), Difference(after.LeadScore, before.LeadScore)));
    }

    private static double? Difference(float? after, float? before) => after is { } a && before is { } b ? Math.Round(a - b, 4) : null;

    private static JsonElement? ValueOf(FeatureTable table, string feature)
    {
        if (table.NumbersOrNull(feature) is { } n)
        {
            return float.IsNaN(n[0]) ? null : JsonSerializer.SerializeToElement(Math.Round(n[0], 4));
        }
        return table.CategoriesOrNull(feature) is { } c && c[0] is { } text ? JsonSerializer.SerializeToElement(text) : null;
    }

    /// <summary>
    /// Predicts the inputs in order; feature rows and profiles may be mixed in one batch. A customer in the latest snapshot
    /// is in the stage it gives them, and that stage's exit conditions hold them (as the stage timelines do); anyone else
    /// gets the entry rules' stage.
    /// </summary>
    private static (CustomerPrediction[] Predictions, IReadOnlyList<string>?[] Missing) Run(CustomerPredictor predictor, SnapshotView? snapshot,
        IReadOnlyList<CustomerInput> inputs, int topFactors, bool single)
    {
        var predictions = new CustomerPrediction[inputs.Count];
        var missing = new IReadOnlyList<string>?[inputs.Count];
        var rows = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].Profile is null).ToArray();
        var profiles = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].Profile is not null).ToArray();
        foreach (var part in new[] { rows, profiles })
        {
            if (part.Length == 0)
            {
                continue;
            }
            var (table, partMissing) = Table(predictor, [.. part.Select(i => inputs[i])], single, prefix: null, positions: part);
            var asOf = table.AsOf ?? DateTime.UtcNow;
            var current = snapshot is null ? null : table.CustomerIds.Select(id => snapshot.PositionOf(id, asOf)).ToArray();
            var result = predictor.Predict(table, topFactors, current);
            for (int k = 0; k < part.Length; k++)
            {
                predictions[part[k]] = result[k];
                missing[part[k]] = partMissing[k];
            }
        }
        return (predictions, missing);
    }

    /// <summary>The feature table of some inputs, all of one form. Problems name the field as the request has it.</summary>
    private static (FeatureTable Table, IReadOnlyList<string>?[] Missing) Table(CustomerPredictor predictor, IReadOnlyList<CustomerInput> inputs, bool single,
        string? prefix, int[]? positions = null)
    {
        string Prefix(long row) => prefix ?? (single ? "" : $"customers[{(positions is null ? row - 1 : positions[row - 1])}].");
        if (inputs[0].Profile is null)
        {
            var errors = new FieldErrors();
            for (int i = 0; i < inputs.Count; i++)
            {
                errors.Check(Prefix(i + 1) + "features", inputs[i].Features is not null, "required: a feature row (features), or a profile with events")
                    .Check(Prefix(i + 1) + "events", inputs[i].Events is not { Count: > 0 }, "events go with a profile; with a ready feature row, leave them out");
            }
            errors.ThrowIfAny();
            var report = new ValidationReport(maxListed: 100);
            var (table, missing) = FeatureRows.Build([.. inputs.Select(x => new FeatureRowInput(x.CustomerId ?? "", x.AccountId, x.Status, x.Features!))],
                predictor.Schema, report, DateTime.UtcNow.Date);
            if (report.HasProblems)
            {
                throw RequestValidationException.From(report.Listed, Prefix);
            }
            return (table, missing);
        }
        if (predictor.Models.Metadata.Mode != TrainingMode.BehaviourLogs)
        {
            throw RequestValidationException.For(Prefix(1) + "profile",
                "the serving model was trained on a ready feature table, not on behaviour logs: send the customer's features instead of a profile");
        }
        var asOf = inputs[0].AsOf ?? DateTime.UtcNow;
        if (inputs.Any(x => (x.AsOf ?? asOf) != asOf))
        {
            throw RequestValidationException.For("customers", "every profile in one call needs the same asOf");
        }
        CheckProfiles(inputs, Prefix);
        var profileInputs = inputs.Select(x =>
        {
            var p = x.Profile!;
            var customer = new Customer(p.CustomerId ?? x.CustomerId ?? "", p.AccountId ?? x.AccountId, UtcTime.Normalize(p.SignedUpAt) ?? default, p.Plan ?? "", p.Role, p.Region,
                new Dictionary<string, string>());
            var events = (x.Events ?? []).Select(e => new CustomerEvent(customer.CustomerId, UtcTime.Normalize(e.OccurredAt!.Value), e.Type ?? "", e.Channel, e.Value)).ToList();
            Outcome? outcome = p.CustomerSince is not null || p.ChurnedAt is not null ? new Outcome(UtcTime.Normalize(p.CustomerSince), UtcTime.Normalize(p.ChurnedAt)) : null;
            return new ProfileInput(customer, events, outcome);
        }).ToList();
        try
        {
            var table = LiveFeatures.Build(profileInputs, UtcTime.Normalize(asOf), UtcTime.Normalize(inputs[0].HistoryFrom),
                LiveFeatures.AttributesOf(predictor.Schema));
            return (table, new IReadOnlyList<string>?[inputs.Count]);
        }
        catch (DataValidationException e)
        {
            throw RequestValidationException.From(e.Report.Listed, Prefix);
        }
    }

    /// <summary>The earliest date a profile may hold: before it a date is a typing slip (year 0001 is "no date" in JSON readers).</summary>
    private static readonly DateTime s_earliest = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const string DateRange = "a date between 1970-01-01 and a year from today";

    /// <summary>
    /// The dates and numbers of profiles and their events, checked before any feature is built: every date within
    /// 1970 to a year ahead (later ones overflow the windows), history beginning before the as-of date, every event with
    /// a date and a value the model's floats can hold.
    /// </summary>
    private static void CheckProfiles(IReadOnlyList<CustomerInput> inputs, Func<long, string> prefix)
    {
        var latest = DateTime.UtcNow.Date.AddDays(366);
        bool InRange(DateTime? d) => d is null || UtcTime.Normalize(d.Value) is var t && t >= s_earliest && t <= latest;
        var errors = new FieldErrors();
        for (int i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i];
            var p = prefix(i + 1);
            var asOf = UtcTime.Normalize(x.AsOf);
            errors.Check(p + "asOf", InRange(x.AsOf), DateRange)
                .Check(p + "historyFrom", InRange(x.HistoryFrom), DateRange)
                .Check(p + "historyFrom", !(x.HistoryFrom is { } from && UtcTime.Normalize(from) >= (asOf ?? DateTime.UtcNow)), "must be before asOf")
                .Check(p + "profile.signedUpAt", InRange(x.Profile!.SignedUpAt), DateRange)
                .Check(p + "profile.customerSince", InRange(x.Profile.CustomerSince), DateRange)
                .Check(p + "profile.churnedAt", InRange(x.Profile.ChurnedAt), DateRange);
            var events = x.Events ?? [];
            for (int j = 0; j < events.Count; j++)
            {
                var e = events[j];
                errors.Check($"{p}events[{j}].occurredAt", e.OccurredAt is not null, "required: when the event happened")
                    .Check($"{p}events[{j}].occurredAt", InRange(e.OccurredAt), DateRange)
                    .Between($"{p}events[{j}].value", e.Value, -FeatureRows.MaxMagnitude, FeatureRows.MaxMagnitude);
            }
        }
        errors.ThrowIfAny();
    }
}
