using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Stages;

/// <summary>The kinds of business a stage suggestion tells apart.</summary>
public enum BusinessShape
{
    /// <summary>Leads worked by sales (forms, meetings, opportunities), accounts of several contacts, contracts.</summary>
    B2bFunnel,
    /// <summary>Sign-ups that try the product (trials) and convert to paid without a sales funnel.</summary>
    ProductLed,
    /// <summary>One person per customer paying a recurring subscription: renewals, cancellations, comebacks.</summary>
    B2cSubscription,
    /// <summary>Orders again and again, no contract: "churn" is a long silence.</summary>
    RepeatPurchase,
}

/// <summary>
/// A stage config that fits the export in front of it (<c>journeyml stages suggest</c>, and every run that finds no
/// stages.json): the business's shape read off what the export holds, stages for that shape with thresholds from the
/// data, every stage with why it is there, and no path stage nobody is in at the as-of date.
/// </summary>
public sealed record StageSuggestion(SuggestedFor For, IReadOnlyList<StageDefinition> Stages, IReadOnlyDictionary<string, int> CustomersNow)
{
    /// <summary>The shape's name in the file: b2b-funnel, product-led, b2c-subscription, repeat-purchase.</summary>
    public static string NameOf(BusinessShape shape) => shape switch
    {
        BusinessShape.ProductLed => "product-led",
        BusinessShape.B2cSubscription => "b2c-subscription",
        BusinessShape.RepeatPurchase => "repeat-purchase",
        _ => "b2b-funnel",
    };

    /// <summary>The shape in words: "a B2C subscription".</summary>
    public static string Describe(BusinessShape shape) => shape switch
    {
        BusinessShape.ProductLed => "a product-led (trial) business",
        BusinessShape.B2cSubscription => "a B2C subscription",
        BusinessShape.RepeatPurchase => "a repeat-purchase retailer",
        _ => "a B2B funnel",
    };

    private static readonly JsonSerializerOptions s_write = new(StageJson.Default.Options)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Japanese stage names and event names stay readable in the file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = StageJson.Default,
    };

    /// <summary>The suggestion as a stages.json (with its "suggested" head), which <see cref="StageModel.Parse(string, string, StageSignals)"/> reads back.</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(new StageConfig { Suggested = For, Stages = [.. Stages] }, s_write.GetTypeInfo(typeof(StageConfig))) + "\n";

    /// <summary>The suggestion in words, for the CLI: the shape and why, each stage with its rule, why and customers now, what was left out.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string> { $"Stages suggested for {For.For} (as of {For.AsOf}): {For.Why}" };
        foreach (var stage in Stages)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {stage.Name}{(stage.Kind == "path" ? "" : " (off path)")}: {CustomersNow.GetValueOrDefault(stage.Name):N0} now; when {StageModel.Describe(stage)}"));
            lines.Add($"      why: {stage.Why}");
        }
        lines.AddRange(For.LeftOut.Select(l => $"  left out: {l}"));
        return lines;
    }

    /// <summary>Suggests stages for the export's events as of <paramref name="asOf"/> (default: the data's as-of date). The same data gives the same file.</summary>
    public static StageSuggestion Suggest(EventTimeline events, DateTime? asOf = null, CancellationToken cancellationToken = default)
    {
        var at = asOf ?? events.Dataset.DataAsOf;
        var table = events.FeaturesAt(at, cancellationToken);
        var profile = ExportProfile.Of(events, at);
        var facts = new StageFacts(profile, table);
        var (shape, why) = facts.Shape();
        var candidates = shape switch
        {
            BusinessShape.ProductLed => facts.ProductLed(),
            BusinessShape.B2cSubscription => facts.Subscription(),
            BusinessShape.RepeatPurchase => facts.RepeatPurchase(),
            _ => facts.B2bFunnel(),
        };
        // Where a stage is empty now, whether customers passed through it in the 90 days before (counted lazily: most suggestions need none).
        var earlier = new Lazy<List<Dictionary<string, int>>>(() => [.. new[] { 30, 60, 90 }.Select(d => CountNow(candidates, events.FeaturesAt(at.AddDays(-d), cancellationToken)))]);
        var (kept, leftOut, counts) = WithoutEmptyStages(candidates, table, stage => earlier.Value.Max(c => c.GetValueOrDefault(stage)));
        leftOut.AddRange(facts.LeftOut);
        var head = new SuggestedFor
        {
            Shape = NameOf(shape),
            For = Describe(shape),
            AsOf = at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Why = why,
            LeftOut = leftOut,
        };
        return new StageSuggestion(head, kept, counts);
    }

    /// <summary>
    /// The candidate stages with every path stage nobody is in at the as-of date, nor 30, 60 or 90 days before, left out
    /// (and listed), so the map has no empty column (one customers passed through lately stays, and says so); the entry stage stays (it is where new sign-ups start) with why, off-path stages stay (they are for
    /// what may come), except Churned where the export records no churn at all.
    /// </summary>
    private static (List<StageDefinition> Kept, List<string> LeftOut, Dictionary<string, int> Counts) WithoutEmptyStages(List<StageDefinition> candidates, FeatureTable table,
        Func<string, int> mostInLast90Days)
    {
        var counts = CountNow(candidates, table);
        var kept = new List<StageDefinition>();
        var leftOut = new List<string>();
        bool entry = true;
        foreach (var stage in candidates)
        {
            int now = counts.GetValueOrDefault(stage.Name);
            bool isEntry = entry && stage.Kind == "path";
            entry &= !isEntry;
            if (now == 0 && stage.Kind == "path" && !isEntry && mostInLast90Days(stage.Name) is > 0 and var before)
            {
                stage.Why += $" Nobody is in it at the as-of date, but {before:N0} were 30, 60 or 90 days before: customers pass through it quickly, so it stays.";
            }
            else if (now == 0 && stage.Kind == "path" && !isEntry)
            {
                leftOut.Add($"{stage.Name}: nobody is in it at the as-of date, nor 30, 60 or 90 days before ({StageModel.Describe(stage)})");
                continue;
            }
            if (now == 0 && stage.Name == StageFacts.Churned)
            {
                leftOut.Add($"{stage.Name}: the export records no churned customer (no cancellation, no churned_at)");
                continue;
            }
            if (now == 0 && isEntry)
            {
                stage.Why += " Nobody is in it at the as-of date; it stays as the stage every new sign-up starts in.";
            }
            kept.Add(stage);
        }
        return (kept, leftOut, CountNow(kept, table));
    }

    /// <summary>Customers per stage at the table's date, with no scores (a suggestion is made before any model).</summary>
    private static Dictionary<string, int> CountNow(List<StageDefinition> stages, FeatureTable table)
    {
        var json = JsonSerializer.Serialize(new StageConfig { Stages = stages }, StageJson.Default.StageConfig);
        var signals = new StageSignals([.. table.Columns.Select(c => c.Name)]) { HasChurnRisk = false, HasLeadScore = false };
        var model = StageModel.Parse(json, "the suggestion", signals);
        var none = new float[table.RowCount];
        Array.Fill(none, float.NaN);
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, table.RowCount)];
        return StageModel.AssignAll(model, table, status, none, none).Where(s => s.Length > 0)
            .GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
