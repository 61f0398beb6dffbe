using System.Globalization;
using System.Text.Json;
using JourneyML.Api.Errors;
using JourneyML.Api.Predictions;
using JourneyML.Api.Serving;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Workspace;

/// <summary>One change asked for on the what-if form: a feature and the value typed, as typed.</summary>
public sealed record WhatIfAsk(string Feature, string Value);

/// <summary>A feature the what-if form offers: the model's feature, its description, and the customer's value in the latest snapshot.</summary>
public sealed record WhatIfFeature(string Name, string Description, bool Categorical, string? Now)
{
    /// <summary>Whether the snapshot keeps this feature at all (older snapshots keep numbers and role, not plan, region or the export's own attributes).</summary>
    public bool Kept { get; init; } = true;
}

/// <summary>
/// The customer page's what-if: the customer's row of the latest snapshot sent through the API's own what-if
/// (<see cref="PredictionApi.WhatIf"/>: the same live prediction, the same checks), with the values the user changed.
/// Both answers come from the same features, so the move is the change's alone, and "before" is the snapshot's risk: the
/// snapshot keeps every value it scored (numbers, role, categorical values). In a snapshot written before the categorical
/// values were kept, those are missing in both answers and named.
/// </summary>
public sealed record CustomerWhatIf(IReadOnlyList<WhatIfFeature> Features, IReadOnlyList<WhatIfAsk> Asked, WhatIfResponse? Answer, IReadOnlyList<(string Field, string Reason)> Problems)
{
    /// <summary>Changes at most in one try: the form's rows.</summary>
    public const int Rows = 3;

    public static CustomerWhatIf? For(SnapshotView view, int row, IQueryCollection query, ModelHost models, IOptions<ServingOptions> options, string language)
    {
        if (models.Current is not { } predictor)
        {
            return null;
        }
        var s = view.Latest;
        var features = predictor.Schema.Select(f => new WhatIfFeature(f.Name, f.Description, FeatureRows.IsCategorical(f), Now(s, row, f))
        {
            Kept = Kept(s, f.Name),
        }).ToList();
        var asked = Enumerable.Range(1, Rows)
            .Select(i => new WhatIfAsk(query["f" + i.ToString(CultureInfo.InvariantCulture)].ToString().Trim(), query["v" + i.ToString(CultureInfo.InvariantCulture)].ToString().Trim()))
            .Where(a => a.Feature.Length > 0).ToList();
        if (asked.Count == 0)
        {
            return new CustomerWhatIf(features, asked, null, []);
        }
        var problems = new List<(string, string)>();
        var changes = new List<FeatureChangeInput>();
        foreach (var ask in asked)
        {
            var feature = features.FirstOrDefault(f => f.Name == ask.Feature);
            if (feature is null)
            {
                problems.Add((ask.Feature, "unknown"));
            }
            else if (Value(feature, ask.Value) is { } value)
            {
                changes.Add(new FeatureChangeInput { Feature = ask.Feature, Value = value });
            }
            else
            {
                problems.Add((ask.Feature, ask.Value.Length == 0 ? "empty" : "number"));
            }
        }
        if (problems.Count > 0)
        {
            return new CustomerWhatIf(features, asked, null, problems);
        }
        var scored = RowOf(s, row, predictor.Schema);
        var customer = new CustomerInput { CustomerId = scored.CustomerId, AccountId = scored.AccountId, Status = scored.Status, Features = new(scored.Features) };
        try
        {
            var answer = PredictionApi.WhatIfIn(new WhatIfRequest { Customer = customer, Changes = changes }, models, options,
                language == "ja" ? ReasonLanguage.Japanese : ReasonLanguage.English).Value!;
            return new CustomerWhatIf(features, asked, answer, []);
        }
        catch (RequestValidationException e)
        {
            // The API's own checks (a count below zero, a value too large): said on the feature the user typed.
            return new CustomerWhatIf(features, asked, null, [.. e.Errors.SelectMany(kv => kv.Value.Select(reason => (kv.Key, reason)))]);
        }
    }

    /// <summary>
    /// The row the snapshot scored, as a ready feature row: every value it keeps, numbers exact (a float widened to a double
    /// reads back as the same float), so the live "before" is the snapshot's risk. A value it holds as missing is left out
    /// (missing, as it was when scored).
    /// </summary>
    public static FeatureRowInput RowOf(Snapshot s, int row, IReadOnlyList<FeatureSchemaEntry> schema)
    {
        var features = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var f in schema)
        {
            if (s.FeatureValues.TryGetValue(f.Name, out var numbers))
            {
                if (!float.IsNaN(numbers[row]))
                {
                    features[f.Name] = JsonSerializer.SerializeToElement((double)numbers[row]);
                }
            }
            else if (Category(s, row, f.Name) is { } category)
            {
                features[f.Name] = JsonSerializer.SerializeToElement(category);
            }
        }
        return new FeatureRowInput(s.CustomerIds[row], s.AccountIds[row], s.Status[row].Name(), features);
    }

    /// <summary>Whether the snapshot keeps a feature at all: its numbers, the role column, or (since they are written) the categorical values.</summary>
    private static bool Kept(Snapshot s, string feature) =>
        s.FeatureValues.ContainsKey(feature) || s.CategoryValues.ContainsKey(feature) || (feature == Core.Features.FeatureNames.Role && s.Roles is not null);

    private static string? Category(Snapshot s, int row, string feature) =>
        s.CategoryValues.TryGetValue(feature, out var values) ? values[row]
        : feature == Core.Features.FeatureNames.Role ? s.Roles?[row] : null;

    /// <summary>The customer's value of a feature in the snapshot as the form shows it (numbers invariant, rounded); null where it keeps none.</summary>
    private static string? Now(Snapshot s, int row, FeatureSchemaEntry f)
    {
        if (s.FeatureValues.TryGetValue(f.Name, out var values))
        {
            return float.IsNaN(values[row]) ? null : Math.Round(values[row], 4).ToString(CultureInfo.InvariantCulture);
        }
        return Category(s, row, f.Name);
    }

    /// <summary>The typed value as the API takes it: a number for a numeric feature (either decimal mark), text for a categorical one.</summary>
    private static JsonElement? Value(WhatIfFeature feature, string typed)
    {
        if (typed.Length == 0)
        {
            return null;
        }
        if (feature.Categorical)
        {
            return JsonSerializer.SerializeToElement(typed);
        }
        // Full-width digits and signs from a Japanese input method (１２．５) read as the ASCII ones. (Not string.Normalize:
        // the service runs with invariant globalization, where it leaves non-ASCII text as it is.)
        var normal = new string([.. typed.Select(c => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c)]);
        return double.TryParse(normal, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? JsonSerializer.SerializeToElement(v) : null;
    }

    /// <summary>
    /// Features the snapshot does not keep: missing in both answers, where the scoring run had them, so "before" can differ
    /// from the snapshot's risk. (A feature the snapshot holds as empty was missing when it was scored too.)
    /// </summary>
    public IReadOnlyList<string> NotInSnapshot => [.. Features.Where(f => !f.Kept).Select(f => f.Name)];
}
