using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Data;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Stages;

/// <summary>One condition of a stage rule: a signal (a feature, or a score: churn_risk, lead_score) compared with a value.</summary>
public sealed record StageCondition
{
    /// <summary>A feature name (for example pricing_views_14d) or a score (churn_risk, lead_score), or "status" (lead, customer, churned).</summary>
    public string Signal { get; set; } = "";
    /// <summary>One of &gt;=, &gt;, &lt;=, &lt;, ==, !=.</summary>
    public string Op { get; set; } = ">=";
    /// <summary>A number; for churn_risk also "model" (the At-risk cut derived from the churn model at training); for "status" a word.</summary>
    public JsonElement Value { get; set; }
    /// <summary>Instead of a value (churn_risk only): the N customers with the highest churn risk of the scoring run.</summary>
    public int? Top { get; set; }
    /// <summary>Where a value the file did not spell out came from ("the model's At-risk cut", "the 50 highest"), for <see cref="StageModel.Describe"/>.</summary>
    [JsonIgnore]
    public string? From { get; set; }
    /// <summary>True when the value is the model's At-risk cut ("model"): a scoring run cuts it again on its own risks.</summary>
    [JsonIgnore]
    public bool FromModel { get; set; }
}

/// <summary>A stage and when a customer is in it: any of the rules (each rule: all of its conditions).</summary>
public sealed record StageDefinition
{
    public string Name { get; set; } = "";
    /// <summary>"path" stages are the journey in order; "off-path" stages (At-risk, Dormant, Churned) override it when they apply.</summary>
    public string Kind { get; set; } = "path";
    /// <summary>Rules, any of which puts the customer in the stage; each rule's conditions must all hold. Empty: always (the entry stage).</summary>
    public List<List<StageCondition>> When { get; set; } = [];

    /// <summary>
    /// Rules, any of which keeps a customer who is in the stage there (the exit condition: they leave when none holds);
    /// null: the entry rules (<see cref="When"/>) keep them. Looser than the entry rules, they stop a customer leaving
    /// because a window slid past an event rather than because something changed.
    /// </summary>
    public List<List<StageCondition>>? Stay { get; set; }

    /// <summary>Days a customer stays in the stage once entered, whatever its rules say (another stage further on the path, or an off-path stage before it, still takes them).</summary>
    public int MinDays { get; set; }
    /// <summary>Why the stage is there, in words (optional; a suggestion writes one for every stage): shown beside the stage wherever stages are listed.</summary>
    public string? Why { get; set; }
}

/// <summary>
/// The stages a business names and the rules that put a customer in each: loaded from a config file (JSON), checked at
/// load (every problem names the stage, the rule and the reason), with a B2B SaaS default. A customer's current stage
/// is the furthest path stage whose rule holds, unless an off-path stage (checked in the order given) applies.
/// </summary>
public sealed class StageModel
{
    public const string DefaultFileName = "stages.json";
    public static readonly IReadOnlySet<string> Scores = new HashSet<string>(StringComparer.Ordinal) { "churn_risk", "lead_score" };

    private StageModel(IReadOnlyList<StageDefinition> path, IReadOnlyList<StageDefinition> offPath, IReadOnlyList<StageRuleLeftOut> leftOut, string source, SuggestedFor? suggested)
    {
        Source = source;
        Suggested = suggested;
        Path = path;
        OffPath = offPath;
        LeftOut = leftOut;
        // Only the entry stage left on the path would put everyone who is not off it in that one stage: that says nothing.
        PathAvailable = path.Skip(1).Any();
    }

    public IReadOnlyList<StageDefinition> Path { get; }
    public IReadOnlyList<StageDefinition> OffPath { get; }

    /// <summary>Where these stages came from, in words, for logs and the map's notes ("stages.json", "suggested for a B2C subscription (no stages.json): ...").</summary>
    public string Source { get; }

    /// <summary>What the stages were suggested for, when they are a suggestion (<see cref="StageSuggestion"/>); null for stages written by hand and the default.</summary>
    public SuggestedFor? Suggested { get; }
    public IEnumerable<string> Names => Path.Concat(OffPath).Select(s => s.Name);

    /// <summary>The rules (and whole stages) left out because the data lacks a signal they read, with that signal: say so wherever stages are shown.</summary>
    public IReadOnlyList<StageRuleLeftOut> LeftOut { get; }

    /// <summary>
    /// False when no path stage beyond the entry stage has a rule the data can evaluate: then a customer in no off-path
    /// stage has no stage (<see cref="Unavailable"/>), rather than everyone sitting in the entry stage.
    /// </summary>
    public bool PathAvailable { get; }

    /// <summary>False when no stage rule at all can be evaluated on the data.</summary>
    public bool Available => PathAvailable || OffPath.Count > 0;

    /// <summary>The stage written for a customer whose stage the data cannot tell.</summary>
    public const string Unavailable = "";

    /// <summary>What was left out and why, one line a stage, for the CLI, the run's report and logs; empty when every rule applies.</summary>
    public IReadOnlyList<string> Notes()
    {
        var notes = new List<string>();
        var whole = LeftOut.Where(l => l.WholeStage).GroupBy(l => l.Stage, StringComparer.Ordinal).ToList();
        if (whole.Count > 0)
        {
            notes.Add("stages left out, as the data lacks a signal each of their rules reads: " + string.Join("; ",
                whole.Select(stage => $"{stage.Key} ({Missing(stage)})")));
        }
        foreach (var stage in LeftOut.Where(l => !l.WholeStage).GroupBy(l => (l.Stage, l.Stay)))
        {
            var rules = stage.Select(l => l.Rule.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            string kind = stage.Key.Stay ? "stay rule" : "rule";
            string which = rules.Count == 1 ? $"{kind} {rules[0]}" : $"{kind}s {string.Join(", ", rules[..^1])} and {rules[^1]}";
            string rest = stage.Key.Stay ? "its other stay rules, or else its entry rules, keep customers in it" : "its other rules apply";
            notes.Add($"stage {stage.Key.Stage}: {which} left out (the data lacks {Missing(stage)}); {rest}");
        }
        if (!Available)
        {
            notes.Add("stages unavailable: the data has none of the signals the stage rules read, so no customer is given a stage");
        }
        else if (!PathAvailable)
        {
            notes.Add($"path stages unavailable: no path stage after {Path[0].Name} has a rule the data can evaluate; " +
                $"customers get an off-path stage ({string.Join(", ", OffPath.Select(s => s.Name))}) where it holds, and no stage otherwise");
        }
        return notes;
    }

    private static string Missing(IEnumerable<StageRuleLeftOut> rules) =>
        string.Join(", ", rules.SelectMany(l => l.Missing).Distinct(StringComparer.Ordinal).Select(signal => signal switch
        {
            "status" => "status: no status column",
            "churn_risk" => "churn_risk: no churn model",
            NoModelCut => "the At-risk cut: the churn model records none (trained before it was derived: retrain, or give a number in stages.json)",
            "lead_score" => "lead_score: no lead model",
            _ => signal,
        }));

    /// <summary>The stage of one customer from their signals (features and scores by name; NaN or absent = unknown) and status, with no stage before (a single date).</summary>
    public string StageOf(Func<string, float> signal, string? status) => StageOf(signal, status, null, 0);

    /// <summary>
    /// The stage of one customer who is in <paramref name="current"/> (null: in none yet), entered <paramref name="daysIn"/>
    /// days ago: that stage holds them while one of its stay rules holds or its minimum stay lasts; every other stage takes
    /// them only by its entry rules. Off-path stages (in their order) come first, then the furthest path stage that holds.
    /// </summary>
    public string StageOf(Func<string, float> signal, string? status, string? current, double daysIn)
    {
        bool Held(StageDefinition stage) => stage.Name == current
            ? daysIn < stage.MinDays || Holds(stage.Stay ?? stage.When, signal, status)
            : Holds(stage.When, signal, status);
        foreach (var stage in OffPath)
        {
            if (Held(stage))
            {
                return stage.Name;
            }
        }
        if (!PathAvailable)
        {
            return Unavailable;
        }
        string result = Path[0].Name;
        foreach (var stage in Path.Skip(1))
        {
            if (Held(stage))
            {
                result = stage.Name;
            }
        }
        return result;
    }

    /// <summary>Whether any stage has a stay rule or a minimum stay: then a customer's stage depends on the one before.</summary>
    public bool HasHysteresis => Path.Concat(OffPath).Any(s => s.Stay is not null || s.MinDays > 0);

    /// <summary>A stage's rules in words: "pricing_views_14d >= 3 and status == lead, or ...".</summary>
    public static string Describe(StageDefinition stage) =>
        stage.When.Count == 0
            ? "always (the entry stage)"
            : string.Join(", or ", stage.When.Select(rule => string.Join(" and ", rule.Select(Describe))));

    /// <summary>A stage's exit condition and minimum stay in words ("stays while content_30d >= 8, for at least 28 days"); null when it has neither.</summary>
    public static string? DescribeExit(StageDefinition stage)
    {
        var parts = new List<string>();
        if (stage.Stay is { } stay)
        {
            parts.Add("stays while " + string.Join(", or ", stay.Select(rule => string.Join(" and ", rule.Select(Describe)))));
        }
        if (stage.MinDays > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"for at least {stage.MinDays} days"));
        }
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string Describe(StageCondition c) => c.From is { } from
        ? string.Create(CultureInfo.InvariantCulture, $"{c.Signal} {c.Op} {c.Value.GetDouble():0.000} ({from})")
        : $"{c.Signal} {c.Op} {(c.Value.ValueKind == JsonValueKind.String ? c.Value.GetString() : c.Value.GetRawText())}";

    /// <summary>The stage of every row, given the rows' statuses and scores (NaN where a score does not apply).</summary>
    public static string[] AssignAll(StageModel stages, Features.FeatureTable table, Features.CustomerStatus[] status, float[] churnRisk, float[] leadScore) =>
        AssignAll(stages, table, status, churnRisk, leadScore, null, null);

    /// <summary>As <see cref="AssignAll(StageModel, Features.FeatureTable, Features.CustomerStatus[], float[], float[])"/>, each row in <paramref name="current"/> (null: none) entered <paramref name="daysIn"/> days ago.</summary>
    public static string[] AssignAll(StageModel stages, Features.FeatureTable table, Features.CustomerStatus[] status, float[] churnRisk, float[] leadScore,
        string?[]? current, double[]? daysIn)
    {
        var numeric = table.Columns.OfType<Features.NumericColumn>().ToDictionary(c => c.Name, c => c.Values, StringComparer.Ordinal);
        var result = new string[table.RowCount];
        for (int r = 0; r < result.Length; r++)
        {
            int row = r;
            result[r] = stages.StageOf(signal => signal switch
            {
                "churn_risk" => churnRisk[row],
                "lead_score" => leadScore[row],
                _ => numeric.TryGetValue(signal, out var values) ? values[row] : float.NaN,
            }, Features.CustomerStatuses.Name(status[r]), current?[r], daysIn?[r] ?? 0);
        }
        return result;
    }

    /// <summary>
    /// The stages with every top-N rule cut exactly on this run's churn risks: the N-th highest risk (customers tied
    /// with it included). Where no run is at hand (a live prediction, a timeline) the cut read off the model's holdout
    /// at load stands in.
    /// </summary>
    public StageModel ForRun(ReadOnlySpan<float> churnRisk)
    {
        if (!Path.Concat(OffPath).Any(s => RulesOf(s).Any(rule => rule.Any(c => c.Top is not null || c.FromModel))))
        {
            return this;
        }
        var risks = new List<float>(churnRisk.Length);
        foreach (var risk in churnRisk)
        {
            if (!float.IsNaN(risk))
            {
                risks.Add(risk);
            }
        }
        risks.Sort((a, b) => b.CompareTo(a));
        // Only top-N is cut again on the run; the model's cut stays as trained, so a customer's stage in the snapshot
        // is the one a live prediction and the journey map's timelines give them.
        var model = Map(c => c is { Top: { } top } && risks.Count > 0
            ? c with { Value = JsonSerializer.SerializeToElement((double)risks[Math.Min(top, risks.Count) - 1]), From = $"the {top:N0} highest of this run" }
            : c);
        var cut = Path.Concat(OffPath).SelectMany(RulesOf).SelectMany(rule => rule).FirstOrDefault(c => c.FromModel);
        model.AtRiskRun = cut is null ? null : AtRiskCut.ForRun(churnRisk, cut.Value.GetDouble());
        return model;
    }

    /// <summary>The At-risk cut of the run that <see cref="ForRun"/> resolved, when a rule reads the model's cut; null otherwise.</summary>
    public AtRiskRun? AtRiskRun { get; private set; }

    private StageModel Map(Func<StageCondition, StageCondition> map)
    {
        List<List<StageCondition>> Rules(List<List<StageCondition>> rules) => [.. rules.Select(rule => rule.Select(map).ToList())];
        List<StageDefinition> Of(IReadOnlyList<StageDefinition> stages) =>
            [.. stages.Select(s => s with { When = Rules(s.When), Stay = s.Stay is null ? null : Rules(s.Stay) })];
        return new StageModel(Of(Path), Of(OffPath), LeftOut, Source, Suggested);
    }

    /// <summary>The same stages with every stay rule and minimum stay dropped: each date judged on its own, as before exit conditions (for comparisons).</summary>
    public StageModel WithoutExitConditions()
    {
        List<StageDefinition> Of(IReadOnlyList<StageDefinition> stages) => [.. stages.Select(s => s with { Stay = null, MinDays = 0 })];
        return new StageModel(Of(Path), Of(OffPath), LeftOut, Source, Suggested);
    }

    /// <summary>A stage's entry rules and its stay rules.</summary>
    internal static IEnumerable<List<StageCondition>> RulesOf(StageDefinition stage) => stage.Stay is null ? stage.When : stage.When.Concat(stage.Stay);

    private static bool Holds(List<List<StageCondition>> rules, Func<string, float> signal, string? status) =>
        rules.Count == 0 || rules.Any(rule => rule.All(c => Holds(c, signal, status)));

    private static bool Holds(StageCondition condition, Func<string, float> signal, string? status)
    {
        if (condition.Signal == "status")
        {
            bool equal = string.Equals(status, condition.Value.GetString(), StringComparison.OrdinalIgnoreCase);
            return condition.Op == "!=" ? !equal : equal;
        }
        float value = signal(condition.Signal);
        if (float.IsNaN(value))
        {
            return false; // unknown is never evidence for a stage
        }
        double target = condition.Value.GetDouble();
        return condition.Op switch
        {
            ">=" => value >= target,
            ">" => value > target,
            "<=" => value <= target,
            "<" => value < target,
            "==" => Math.Abs(value - target) < 1e-9,
            "!=" => Math.Abs(value - target) >= 1e-9,
            _ => false,
        };
    }

    /// <summary>Reads and checks a stage config; <paramref name="knownSignals"/> are the features the data has.</summary>
    public static StageModel Load(string path, IReadOnlyCollection<string> knownSignals) => Load(path, new StageSignals(knownSignals));

    /// <inheritdoc cref="Load(string, IReadOnlyCollection{string})"/>
    public static StageModel Load(string path, StageSignals signals)
    {
        if (!File.Exists(path))
        {
            throw new DataFileException(System.IO.Path.GetFileName(path), "stage config not found");
        }
        return Parse(File.ReadAllText(path), System.IO.Path.GetFileName(path), signals);
    }

    public static StageModel Parse(string json, string source, IReadOnlyCollection<string> knownSignals) =>
        Parse(json, source, new StageSignals(knownSignals));

    /// <summary>
    /// Reads and checks a stage config against the signals the data has. A rule reading a signal the data lacks (a JourneyML
    /// feature not in this table, a score with no model, a status the table does not hold) is left out and listed in
    /// <see cref="LeftOut"/>; a signal that is neither in the data nor a JourneyML feature is an error (a misspelling).
    /// </summary>
    public static StageModel Parse(string json, string source, StageSignals signals)
    {
        StageConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, StageJson.Default.StageConfig);
        }
        catch (JsonException ex)
        {
            throw new DataFileException(source, $"not a valid stage config{(ex.Path is { Length: > 1 } p ? $" at '{p.TrimStart('$', '.')}'" : "")}: {ex.Message.Split(". ")[0]}");
        }
        if (config is null || config.Stages.Count == 0)
        {
            throw new DataFileException(source, "the stage config names no stages");
        }
        var known = new HashSet<string>(signals.Features, StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int s = 0; s < config.Stages.Count; s++)
        {
            var stage = config.Stages[s];
            var where = $"stages[{s}] '{stage.Name}'";
            if (string.IsNullOrWhiteSpace(stage.Name))
            {
                throw new DataFileException(source, $"stages[{s}]: a stage needs a name");
            }
            if (!names.Add(stage.Name))
            {
                throw new DataFileException(source, $"{where}: the name is used twice");
            }
            if (stage.Kind is not ("path" or "off-path"))
            {
                throw new DataFileException(source, $"{where}: kind must be 'path' or 'off-path', not '{stage.Kind}'");
            }
            if (stage.Kind == "off-path" && stage.When.Count == 0)
            {
                throw new DataFileException(source, $"{where}: an off-path stage needs a rule, or every customer would be in it");
            }
            CheckRules(stage.When, "rule", source, where, known);
            CheckExit(stage, s == config.Stages.FindIndex(st => st.Kind == "path"), source, where, known);
        }
        if (!config.Stages.Any(s => s.Kind == "path"))
        {
            throw new DataFileException(source, "the stage config needs at least one path stage");
        }
        return Applicable(config.Stages, signals, known, SourceOf(source, config.Suggested), config.Suggested);
    }

    /// <summary>Each rule of a stage's <paramref name="rules"/> checked; <paramref name="what"/> names them ("rule", "stay rule") in the errors.</summary>
    private static void CheckRules(List<List<StageCondition>> rules, string what, string source, string where, HashSet<string> known)
    {
        for (int r = 0; r < rules.Count; r++)
        {
            if (rules[r].Count == 0)
            {
                throw new DataFileException(source, $"{where}, {what} {r + 1}: a rule needs at least one condition");
            }
            foreach (var c in rules[r])
            {
                CheckCondition(c, $"{where}, {what} {r + 1} ({c.Signal} {c.Op} {(c.Top is { } top ? $"top {top}" : c.Value.ToString())})", source, known);
            }
        }
    }

    private static void CheckCondition(StageCondition c, string rule, string source, HashSet<string> known)
    {
        if (c.Op is not (">=" or ">" or "<=" or "<" or "==" or "!="))
        {
            throw new DataFileException(source, $"{rule}: unknown comparison '{c.Op}' (use >=, >, <=, <, == or !=)");
        }
        if (c.Signal == "status")
        {
            if (c.Value.ValueKind != JsonValueKind.String || c.Op is not ("==" or "!="))
            {
                throw new DataFileException(source, $"{rule}: status compares with == or != to lead, customer or churned");
            }
            return;
        }
        if (!known.Contains(c.Signal) && !Scores.Contains(c.Signal) && !s_catalogue.Contains(c.Signal))
        {
            throw new DataFileException(source, $"{rule}: unknown signal '{c.Signal}' (a feature of the data, churn_risk, lead_score or status)");
        }
        if (CheckDerived(c, source, rule))
        {
            return;
        }
        if (c.Value.ValueKind != JsonValueKind.Number)
        {
            throw new DataFileException(source, $"{rule}: the value must be a number");
        }
        if (Scores.Contains(c.Signal) && c.Value.GetDouble() is < 0 or > 1)
        {
            throw new DataFileException(source, $"{rule}: scores are probabilities between 0 and 1");
        }
    }

    /// <summary>The longest minimum stay accepted: ten years is a typo, not a stage.</summary>
    private const int MaxMinDays = 3650;

    /// <summary>A stage's exit condition (stay rules) and minimum stay, checked.</summary>
    private static void CheckExit(StageDefinition stage, bool entry, string source, string where, HashSet<string> known)
    {
        if (stage.MinDays is < 0 or > MaxMinDays)
        {
            throw new DataFileException(source, $"{where}, minDays: a number of days from 0 to {MaxMinDays}, not {stage.MinDays}");
        }
        if (entry && (stage.Stay is not null || stage.MinDays > 0))
        {
            throw new DataFileException(source, $"{where}, {(stage.Stay is not null ? "stay" : "minDays")}: the entry stage holds every customer no other stage takes, and any other stage takes them from it, so it has no exit condition or minimum stay; leave it out");
        }
        if (stage.Stay is not { } stay)
        {
            return;
        }
        if (stay.Count == 0)
        {
            throw new DataFileException(source, $"{where}, stay: give at least one rule, or leave stay out to keep customers in the stage by its entry rules");
        }
        CheckRules(stay, "stay rule", source, where, known);
    }
    private static string SourceOf(string source, SuggestedFor? suggested) => suggested is null
        ? source
        : source == SuggestedFileName
            ? $"suggested for {suggested.For} (no {DefaultFileName}): stored in the registry as {SuggestedFileName}, from the data as of {suggested.AsOf}; delete it to suggest again, or write a {DefaultFileName}"
            : $"{source}: suggested for {suggested.For}, from the data as of {suggested.AsOf}";

    /// <summary>The value "model" and the top form, checked; true when the condition uses one (and is fine).</summary>
    private static bool CheckDerived(StageCondition c, string source, string rule)
    {
        const string forms = "a number between 0 and 1, \"model\" (the cut derived from the churn model) or \"top\": N (the N riskiest customers)";
        if (c.Top is { } top)
        {
            if (c.Signal != "churn_risk")
            {
                throw new DataFileException(source, $"{rule}: \"top\" ranks customers by churn risk, so only churn_risk takes it");
            }
            if (c.Value.ValueKind != JsonValueKind.Undefined)
            {
                throw new DataFileException(source, $"{rule}: give either a value or \"top\", not both");
            }
            if (top < 1)
            {
                throw new DataFileException(source, $"{rule}: \"top\" must be a number of customers, 1 or more, not {top}");
            }
            if (c.Op != ">=")
            {
                throw new DataFileException(source, $"{rule}: \"top\" means churn_risk >= the N-th highest risk, so its comparison is >=, not {c.Op}");
            }
            return true;
        }
        if (c.Value.ValueKind == JsonValueKind.String && Scores.Contains(c.Signal))
        {
            if (c.Signal != "churn_risk" || c.Value.GetString() != ModelValue)
            {
                throw new DataFileException(source, $"{rule}: the value must be {forms}{(c.Signal == "lead_score" ? "; lead_score takes a number" : "")}, not '{c.Value.GetString()}'");
            }
            if (c.Op is not (">=" or ">"))
            {
                throw new DataFileException(source, $"{rule}: \"model\" is the cut at or above which a customer is At-risk, so compare with >= or >");
            }
            return true;
        }
        if (c.Value.ValueKind == JsonValueKind.Undefined && Scores.Contains(c.Signal))
        {
            throw new DataFileException(source, $"{rule}: a value is needed: {forms}");
        }
        return false;
    }

    /// <summary>The value of a churn_risk condition that reads the model's At-risk cut (metadata.json atRisk.threshold).</summary>
    public const string ModelValue = "model";

    /// <summary>What a rule reading the model's cut lacks when the churn model records none.</summary>
    internal const string NoModelCut = "churn_risk cut";

    private static readonly HashSet<string> s_catalogue = new(Features.FeatureNames.Definitions.Select(d => d.Name), StringComparer.Ordinal);

    /// <summary>The checked config with every rule the data cannot evaluate left out; a stage with none of its rules left goes too (the entry stage stays).</summary>
    private static StageModel Applicable(List<StageDefinition> stages, StageSignals signals, HashSet<string> known, string source, SuggestedFor? suggested)
    {
        var leftOut = new List<StageRuleLeftOut>();
        var kept = new List<StageDefinition>();
        bool entry = true;
        foreach (var stage in stages)
        {
            var (rules, dropped) = Evaluable(stage.Name, stage.When, signals, known, stay: false);
            bool isEntry = entry && stage.Kind == "path";
            entry &= !isEntry;
            bool whole = stage.When.Count > 0 && rules.Count == 0 && !isEntry;
            leftOut.AddRange(whole ? dropped.Select(d => d with { WholeStage = true }) : dropped);
            if (whole)
            {
                continue;
            }
            List<List<StageCondition>>? stay = null;
            if (stage.Stay is not null)
            {
                // A stay rule the data cannot evaluate is left out (and listed); with none left the entry rules keep customers.
                var (keptStay, droppedStay) = Evaluable(stage.Name, stage.Stay, signals, known, stay: true);
                leftOut.AddRange(droppedStay);
                stay = keptStay.Count > 0 ? keptStay : null;
            }
            kept.Add(stage with { When = isEntry && rules.Count == 0 ? [] : rules, Stay = stay });
        }
        return new StageModel([.. kept.Where(s => s.Kind == "path")], [.. kept.Where(s => s.Kind == "off-path")], leftOut, source, suggested);
    }

    /// <summary>The rules of <paramref name="rules"/> the data can evaluate (resolved), and those it cannot.</summary>
    private static (List<List<StageCondition>> Kept, List<StageRuleLeftOut> Dropped) Evaluable(string stage, List<List<StageCondition>> rules,
        StageSignals signals, HashSet<string> known, bool stay)
    {
        var kept = new List<List<StageCondition>>();
        var dropped = new List<StageRuleLeftOut>();
        for (int r = 0; r < rules.Count; r++)
        {
            var missing = rules[r].Select(c => c.Signal).Where(signal => !signals.Has(signal, known))
                .Concat(rules[r].Where(c => signals.Has(c.Signal, known) && NeedsCut(c) && signals.AtRisk is null).Select(_ => NoModelCut))
                .Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count == 0)
            {
                kept.Add([.. rules[r].Select(c => Resolve(c, signals))]);
            }
            else
            {
                dropped.Add(new StageRuleLeftOut(stage, r + 1, missing, WholeStage: false) { Stay = stay });
            }
        }
        return (kept, dropped);
    }

    private static bool NeedsCut(StageCondition c) => c.Top is not null || (c.Value.ValueKind == JsonValueKind.String && c.Value.GetString() == ModelValue && c.Signal != "status");

    /// <summary>A condition with "model" or top-N turned into a number from the model (a scoring run cuts top-N again on its own risks: <see cref="ForRun"/>).</summary>
    private static StageCondition Resolve(StageCondition c, StageSignals signals)
    {
        if (!NeedsCut(c) || signals.AtRisk is not { } cut)
        {
            return c;
        }
        return c.Top is { } top
            ? c with { Value = JsonSerializer.SerializeToElement(cut.TopCut(top, signals.ChurnPopulation)), From = $"about the {top:N0} highest, from the model's holdout" }
            : c with { Value = JsonSerializer.SerializeToElement(cut.Threshold), FromModel = true, From = cut.Rule == "twice-base-rate" ? "the model's At-risk cut: twice the base rate" : "the model's At-risk cut: its riskiest 5%" };
    }

    /// <summary>The suggestion a run with the data at hand stored in the registry when it found no <see cref="DefaultFileName"/>: read by every later run and the API, so they agree.</summary>
    public const string SuggestedFileName = "stages.suggested.json";

    /// <summary>What <see cref="Source"/> says of the built-in stages.</summary>
    public const string DefaultSource = "the built-in B2B SaaS default (no stages.json and no suggestion in the registry)";

    /// <summary>
    /// The registry's own stages (<c>stages.json</c> in its folder) when present, else the suggestion a run stored there
    /// (<see cref="SuggestedFileName"/>), else the default.
    /// </summary>
    public static StageModel ForRegistry(string registryRoot, IReadOnlyCollection<string> knownSignals) =>
        ForRegistry(registryRoot, new StageSignals(knownSignals));

    /// <inheritdoc cref="ForRegistry(string, IReadOnlyCollection{string})"/>
    public static StageModel ForRegistry(string registryRoot, StageSignals signals) => InRegistry(registryRoot, signals) ?? Default(signals);

    /// <summary>The registry's stages.json, else its stored suggestion; null when it has neither.</summary>
    public static StageModel? InRegistry(string registryRoot, StageSignals signals)
    {
        foreach (var name in new[] { DefaultFileName, SuggestedFileName })
        {
            var file = System.IO.Path.Combine(registryRoot, name);
            if (File.Exists(file))
            {
                return Load(file, signals);
            }
        }
        return null;
    }

    /// <summary>The default for a B2B SaaS (see <see cref="DefaultJson"/>), checked like any other.</summary>
    public static StageModel Default(IReadOnlyCollection<string> knownSignals) => Default(new StageSignals(knownSignals));

    /// <inheritdoc cref="Default(IReadOnlyCollection{string})"/>
    public static StageModel Default(StageSignals signals) => Parse(DefaultJson, DefaultSource, signals);

    /// <summary>
    /// Awareness, Interest, MQL, SQL, Opportunity, Customer-Onboarding, Adoption, Renewal/Expansion on the path;
    /// Churned, Dormant (90 days without activity) and At-risk (churn risk at or above the cut derived from the churn
    /// model at training, <see cref="Prediction.AtRiskCut.Derive"/>: twice the base rate) off it. Exit conditions keep a
    /// customer in a stage until something changes rather than until a 90-day window slides past the event that put them
    /// there: a sales-qualified lead stays while sales touches or steady reading go on, an adopted customer stays while
    /// paying, a dormant one until active on 3 days in 30, and At-risk lasts 4 weeks.
    /// </summary>
    /// <remarks>
    /// Held against the generator's planted stage paths (<c>journeyml-tools bench stages</c>), the rules were tightened
    /// where they moved customers back for no real change: Adoption read active days in 90 (which count the evaluation's
    /// reading before the purchase, so a customer who never took to the product entered Adoption and fell back to
    /// onboarding as the window slid past it) and dropped a customer whose use fell back to onboarding (falling use is
    /// At-risk's and Dormant's, off the path); MQL's webinar-and-download rule and its heavy-reading rule let leads in
    /// nurture drift in and out by chance (10 and 14 content engagements in 30 days, from 8 and 12, are 2-3 times a
    /// nurture lead's month); SQL and Opportunity read their reading on 30 days, so the December lull sent evaluating
    /// leads back to Interest (24 in 90 days instead of 8 in 30).
    /// </remarks>
    public static string DefaultJson { get; } = """
        {
          "stages": [
            { "name": "Awareness", "kind": "path", "why": "The entry stage: everyone who signed up starts here." },
            { "name": "Interest", "kind": "path", "why": "Reading content (3 or more content engagements in 90 days); stays while there is any content engagement in 90 days.", "when": [ [ { "signal": "content_90d", "op": ">=", "value": 3 } ] ],
              "stay": [ [ { "signal": "content_90d", "op": ">=", "value": 1 } ] ] },
            { "name": "MQL", "kind": "path", "why": "Marketing-qualified: a lead score of 0.6 or more, 3 or more pricing-page views in 14 days, a webinar and a download with heavy reading (10 or more content engagements in 30 days), or very heavy reading (14 or more); a lead in nurture who reads the odd page reaches none of these by chance. Stays while the lead score holds 0.4 or the reading 6 in 30 days.", "when": [
                [ { "signal": "lead_score", "op": ">=", "value": 0.6 } ],
                [ { "signal": "pricing_views_14d", "op": ">=", "value": 3 } ],
                [ { "signal": "webinars_90d", "op": ">=", "value": 1 }, { "signal": "downloads_90d", "op": ">=", "value": 1 }, { "signal": "content_30d", "op": ">=", "value": 10 } ],
                [ { "signal": "content_30d", "op": ">=", "value": 14 }, { "signal": "status", "op": "==", "value": "lead" } ] ],
              "stay": [
                [ { "signal": "lead_score", "op": ">=", "value": 0.4 } ],
                [ { "signal": "content_30d", "op": ">=", "value": 6 } ] ] },
            { "name": "SQL", "kind": "path", "why": "Sales-qualified: a lead with 2 or more sales touches (forms, meetings, opportunities) in 90 days; stays while a sales touch in 90 days or steady reading (24 or more content engagements in 90 days, about two a week) goes on, so a quiet holiday month does not undo it.", "when": [ [ { "signal": "sales_touches_90d", "op": ">=", "value": 2 }, { "signal": "status", "op": "==", "value": "lead" } ] ],
              "stay": [
                [ { "signal": "sales_touches_90d", "op": ">=", "value": 1 }, { "signal": "status", "op": "==", "value": "lead" } ],
                [ { "signal": "content_90d", "op": ">=", "value": 24 }, { "signal": "status", "op": "==", "value": "lead" } ] ] },
            { "name": "Opportunity", "kind": "path", "why": "A deal being worked: a lead with 3 or more sales touches in 90 days; stays as SQL does.", "when": [ [ { "signal": "sales_touches_90d", "op": ">=", "value": 3 }, { "signal": "status", "op": "==", "value": "lead" } ] ],
              "stay": [
                [ { "signal": "sales_touches_90d", "op": ">=", "value": 1 }, { "signal": "status", "op": "==", "value": "lead" } ],
                [ { "signal": "content_90d", "op": ">=", "value": 24 }, { "signal": "status", "op": "==", "value": "lead" } ] ] },
            { "name": "Customer-Onboarding", "kind": "path", "why": "A paying customer not yet in Adoption: new, or not yet logging in weekly.", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
            { "name": "Adoption", "kind": "path", "why": "Value realised: 30 days or more as a customer and 4 or more logins in the last 30 days (about weekly; only days as a customer count, so the reading before the purchase does not). Stays while paying: a customer who stops using the product is At-risk or Dormant, not back in onboarding.", "when": [ [ { "signal": "days_as_customer", "op": ">=", "value": 30 }, { "signal": "logins_30d", "op": ">=", "value": 4 } ] ],
              "stay": [ [ { "signal": "days_as_customer", "op": ">=", "value": 30 } ] ] },
            { "name": "Renewal/Expansion", "kind": "path", "why": "Up for renewal or expansion: a year or more as a customer, logging in as in Adoption; stays while paying, as Adoption does.", "when": [ [ { "signal": "days_as_customer", "op": ">=", "value": 365 }, { "signal": "logins_30d", "op": ">=", "value": 4 } ] ],
              "stay": [ [ { "signal": "days_as_customer", "op": ">=", "value": 365 } ] ] },
            { "name": "Churned", "kind": "off-path", "why": "Cancelled and not back.", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] },
            { "name": "Dormant", "kind": "off-path", "why": "No activity for 90 days (the usual dormant line); back out once active on 3 days in 30.", "when": [ [ { "signal": "days_since_last_activity", "op": ">=", "value": 90 } ] ],
              "stay": [ [ { "signal": "active_days_30d", "op": "<=", "value": 2 } ] ] },
            { "name": "At-risk", "kind": "off-path", "why": "Churn risk at or above the cut the churn model derives at training (twice the base rate): the customers to call first; listed for at least 28 days once in, so a call can be planned.", "when": [ [ { "signal": "churn_risk", "op": ">=", "value": "model" } ] ], "minDays": 28 }
          ]
        }
        """;
}

/// <summary>
/// The signals the data in front of the stage rules has: its feature columns, and whether it holds a real lifecycle
/// status (a ready table without a status column does not) and which scores the model gives.
/// </summary>
public sealed record StageSignals(IReadOnlyCollection<string> Features)
{
    public bool HasStatus { get; init; } = true;
    public bool HasChurnRisk { get; init; } = true;
    public bool HasLeadScore { get; init; } = true;
    /// <summary>The churn model's At-risk cut (metadata.json), read by rules with the value "model" and by top-N rules; null: those rules are left out.</summary>
    public Prediction.AtRiskCut? AtRisk { get; init; }
    /// <summary>Paying customers the churn model was trained and held out on: turns top-N into a share where no run is at hand.</summary>
    public int ChurnPopulation { get; init; }

    /// <summary>These signals with the model's At-risk cut (none when <paramref name="model"/> is null or has no churn model).</summary>
    public StageSignals WithModel(Registry.ModelMetadata? model) => this with
    {
        AtRisk = model?.AtRisk,
        ChurnPopulation = model?.Churn is { } churn ? churn.TrainRows + churn.HoldoutRows : 0,
    };

    internal bool Has(string signal, HashSet<string> features) => signal switch
    {
        "status" => HasStatus,
        "churn_risk" => HasChurnRisk,
        "lead_score" => HasLeadScore,
        _ => features.Contains(signal),
    };
}

/// <summary>A stage rule (1-based, as the config lists them) left out because the data lacks <paramref name="Missing"/>; <paramref name="WholeStage"/> when it was the stage's last rule.</summary>
public sealed record StageRuleLeftOut(string Stage, int Rule, IReadOnlyList<string> Missing, bool WholeStage)
{
    /// <summary>True for a stay rule (an exit condition): with none of them left, the stage's entry rules keep its customers.</summary>
    public bool Stay { get; init; }
}

internal sealed record StageConfig
{
    /// <summary>Present when the file is a suggestion (<c>journeyml stages suggest</c>, or a run with no stages.json): what it was suggested for.</summary>
    public SuggestedFor? Suggested { get; set; }
    public List<StageDefinition> Stages { get; set; } = [];
}

/// <summary>The head of a suggested stage config: the business it fits, why, as of which date of which data, and the stages it left out.</summary>
public sealed record SuggestedFor
{
    /// <summary>b2b-funnel, product-led, b2c-subscription or repeat-purchase.</summary>
    public string Shape { get; set; } = "";
    /// <summary>The shape in words ("a B2C subscription").</summary>
    public string For { get; set; } = "";
    /// <summary>The data's as-of date the suggestion was made on (yyyy-MM-dd).</summary>
    public string AsOf { get; set; } = "";
    /// <summary>Why this shape, from what the export holds.</summary>
    public string Why { get; set; } = "";
    /// <summary>Stages of the shape left out, each with why (nobody in it at the as-of date, or the data lacks what it reads).</summary>
    public List<string> LeftOut { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(StageConfig))]
[JsonSerializable(typeof(SuggestedFor))]
internal sealed partial class StageJson : JsonSerializerContext;
