using System.Text.RegularExpressions;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>
/// Every reason of every customer, both ways, for both models, as of the training date and the data's date: on the
/// committed sample, the Japanese export, a generated product-led (subscription) export and the small world. Each is
/// trained once with one fixed trainer, so the whole check takes seconds.
/// </summary>
public sealed class ReasonWorlds : IDisposable
{
    public ReasonWorlds()
    {
        Root = TempFolder.Create("reasons");
        var subscription = Path.Combine(Root, "subscription");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Subscription, Customers = 800, Seed = 5 }).Generate(subscription);
        var small = Path.Combine(Root, "small");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Small, Customers = 300, Seed = 6 }).Generate(small);
        // The committed sample's sweep picks a forest (ForestAttribution); the others get LightGBM (ML.NET's contributions).
        var forest = CandidateSpec.DefaultSweep.First(c => c.Describe().StartsWith("FastForest", StringComparison.Ordinal));
        Worlds = new Dictionary<string, (string, CandidateSpec)>
        {
            ["committed sample"] = (Samples.Sample, forest),
            ["ja-export"] = (Samples.Path("ja-export"), CandidateSpec.Default),
            ["subscription"] = (subscription, CandidateSpec.Default),
            ["small"] = (small, CandidateSpec.Default),
        }.ToDictionary(w => w.Key, w => Train(w.Key, w.Value.Item1, w.Value.Item2));
    }

    public string Root { get; }

    /// <summary>Per world: every reason text, with the customer and the model it was written for.</summary>
    public IReadOnlyDictionary<string, List<(string Customer, string Reason)>> Worlds { get; }

    private List<(string, string)> Train(string name, string data, CandidateSpec spec)
    {
        var registry = Path.Combine(Root, "models-" + name.Replace(' ', '-'));
        var run = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = data },
            RegistryPath = registry,
            Candidates = [spec],
            // The words of the reasons are under test, not the models' skill: a small world's model whose AUC interval
            // reaches 0.5 is withheld by the promotion floor (tested elsewhere), so this serves it as an operator's --force does.
            Force = true,
        }, NullLogger.Instance);
        var models = new ModelRegistry(registry).Load(run.Metadata.Version);
        var now = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, AsOfRule = AsOfRule.DataAsOf }, NullLogger.Instance).Table;
        var reasons = new List<(string, string)>();
        foreach (var table in new[] { run.Table, now })
        {
            foreach (var model in new[] { models.Churn, models.Lead }.OfType<BinaryModel>())
            {
                var rows = Enumerable.Range(0, table.RowCount).ToArray();
                var (_, contributions) = model.PredictWithContributions(table, rows);
                foreach (int r in rows)
                {
                    var features = model.Vectorizer.Features;
                    foreach (var factor in FactorText.Top(table, r, features, contributions[r], features.Count, model.Info.Task)
                        .Concat(FactorText.Top(table, r, features, contributions[r], features.Count, model.Info.Task, raising: false)))
                    {
                        reasons.Add((table.CustomerIds[r], factor.Text));
                    }
                }
            }
        }
        return reasons;
    }

    public void Dispose() => TempFolder.TryDelete(Root);
}

public sealed class ReasonTextTests(ReasonWorlds worlds) : IClassFixture<ReasonWorlds>
{
    [Fact]
    public void Every_code_name_would_be_caught()
    {
        Assert.All(FeatureNames.Definitions.Where(d => d.Name.Contains('_', StringComparison.Ordinal)), d => Assert.Matches(s_nonsense[^1].Pattern, d.Name));
    }

    private static readonly (string Why, Regex Pattern)[] s_nonsense =
    [
        ("unknown", new Regex(@"\bunknown\b", RegexOptions.IgnoreCase)),
        ("NaN", new Regex(@"\bNaN\b")),
        ("Infinity", new Regex(@"Infinity|∞")),
        ("for 0 days", new Regex(@"\bfor 0 days\b")),
        ("a bare 'name: value'", new Regex(@"^[^\s:]+: ")),
        ("a snake_case name (a feature's code name)", new Regex(@"\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b", RegexOptions.Compiled)),
    ];

    private static readonly Regex s_direction = new(@" \((raises|lowers) (churn risk|lead score)\)$");

    [Theory]
    [InlineData("committed sample")]
    [InlineData("ja-export")]
    [InlineData("subscription")]
    [InlineData("small")]
    public void No_reason_of_any_customer_is_nonsense_and_each_says_which_way_it_pushes(string world)
    {
        var reasons = worlds.Worlds[world];
        Assert.NotEmpty(reasons);
        var bad = reasons.Select(r => (r.Customer, r.Reason, Why: Why(r.Reason))).Where(r => r.Why is not null).ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} of {reasons.Count} reasons in {world} are nonsense, for example:\n" +
            string.Join("\n", bad.DistinctBy(b => b.Why + StripDigits(b.Reason)).Take(15).Select(b => $"{b.Customer}: {b.Reason}  <- {b.Why}")));
    }

    [Fact]
    public void The_japanese_export_shows_its_own_column_names_as_written()
    {
        var reasons = worlds.Worlds["ja-export"].Select(r => r.Reason).ToList();
        Assert.Contains(reasons, r => Regex.IsMatch(r, @"[\p{IsCJKUnifiedIdeographs}\p{IsKatakana}]"));
    }

    private static string? Why(string reason)
    {
        if (!s_direction.IsMatch(reason))
        {
            return "no direction";
        }
        var text = s_direction.Replace(reason, "");
        // Every JourneyML code name is snake_case (logins_30d): the snake_case pattern finds them, and any other.
        return s_nonsense.FirstOrDefault(n => n.Pattern.IsMatch(text)).Why;
    }

    private static string StripDigits(string text) => Regex.Replace(text, @"\d+(\.\d+)?", "#");
}
