using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Stages;

namespace JourneyML.SampleData;

/// <summary>How rebuilt stage timelines compare with the planted stage paths of a generated world.</summary>
/// <param name="CustomerDays">Customer-days compared: each customer with a stage in both at a date counts the step's days.</param>
/// <param name="AgreeingDays">Of those, the days the rebuilt stage is the planted one (<see cref="StageAgreement.PlantedName"/>).</param>
/// <param name="BackwardRebuilt">Moves to an earlier path stage in the rebuilt timelines, counted on the planted stages the rebuilt ones stand for.</param>
/// <param name="BackwardRebuiltRaw">Moves to an earlier path stage in the stage model's own order (Interest back to Awareness counts here).</param>
/// <param name="BackwardPlanted">Moves to an earlier planted path stage, sampled at the same dates.</param>
/// <param name="MovesRebuilt">All stage changes in the rebuilt timelines (at the planted level).</param>
/// <param name="MovesPlanted">All planted stage changes, sampled at the same dates.</param>
/// <param name="ByPlanted">Per planted stage: customer-days and agreeing days.</param>
public sealed record StageAgreementResult(long CustomerDays, long AgreeingDays, int BackwardRebuilt, int BackwardRebuiltRaw, int BackwardPlanted,
    int MovesRebuilt, int MovesPlanted, IReadOnlyDictionary<string, (long Days, long Agreeing)> ByPlanted)
{
    /// <summary>Customer-days per (planted, rebuilt) pair where they disagree: where the rules and the truth part.</summary>
    public IReadOnlyDictionary<(string Planted, string Rebuilt), long> Disagreements { get; init; } = new Dictionary<(string, string), long>();

    /// <summary>Rebuilt backward moves per (from, to) in the stage map's own names.</summary>
    public IReadOnlyDictionary<(string From, string To), int> BackwardMoves { get; init; } = new Dictionary<(string, string), int>();

    /// <summary>
    /// Backward moves per (from, to) pair at the planted level, rebuilt and planted side by side: which pair the extra
    /// backward moves come from, and whether the planted path moves back there too.
    /// </summary>
    public IReadOnlyDictionary<(string From, string To), (int Rebuilt, int Planted)> BackwardByPair { get; init; } = new Dictionary<(string, string), (int, int)>();

    /// <summary>Every rebuilt backward move (at the planted level), with the planted stage at its date: what to read when a pair is in doubt.</summary>
    public IReadOnlyList<RebuiltBackwardMove> RebuiltBackward { get; init; } = [];

    public double Agreement => CustomerDays == 0 ? double.NaN : (double)AgreeingDays / CustomerDays;

    /// <summary>Rebuilt backward moves per planted one (NaN when the planted path has none).</summary>
    public double BackwardRatio => BackwardPlanted == 0 ? double.NaN : (double)BackwardRebuilt / BackwardPlanted;
}

/// <summary>
/// Holds the stage timelines rebuilt from a generated world's events against the stage path the generator planted
/// (<c>stage_paths.csv</c> or <c>.parquet</c>): the share of customer-days on which they agree, and the backward moves
/// each shows. The default stage map's names are read as the planted stages they stand for (see <see cref="PlantedName"/>).
/// </summary>
public static class StageAgreement
{
    private static readonly string[] s_plantedPath =
    [
        PlantedStagePaths.Lead, PlantedStagePaths.Engaged, PlantedStagePaths.SalesQualified, PlantedStagePaths.Opportunity,
        PlantedStagePaths.Onboarding, PlantedStagePaths.Adopted, PlantedStagePaths.Renewed, PlantedStagePaths.Team,
    ];

    /// <summary>
    /// The planted stage a default stage (or a suggested B2C subscription's) stands for; null for At-risk, which is a
    /// prediction rather than a lifecycle state. A subscription's New subscriber (before the first monthly renewal) and Won
    /// back are the planted onboarding month (a reactivation starts at onboarding again), Renewed (past the first renewal)
    /// is adopted, Loyal (the p75 of tenure, about a year) is renewed. A product-led map's Activated is the engaged trial,
    /// Paying the onboarding, Team the planted team; a retailer's First purchase is onboarding, Returning adopted, Loyal
    /// renewed (the planted loyal buyer) and Lapsed churned (the lapse is the retailer's churn).
    /// </summary>
    public static string? PlantedName(string stage) => stage switch
    {
        "Awareness" or "Interest" or "Trial" or "Sign-up" or "Visitor" => PlantedStagePaths.Lead,
        "Activated" => PlantedStagePaths.Engaged,
        "Paying" or "First purchase" => PlantedStagePaths.Onboarding,
        "Adopted" or "Returning" => PlantedStagePaths.Adopted,
        "Team" => PlantedStagePaths.Team,
        "Lapsed" => PlantedStagePaths.Churned,
        "New subscriber" or "Won back" => PlantedStagePaths.Onboarding,
        "Renewed" => PlantedStagePaths.Adopted,
        "Loyal" => PlantedStagePaths.Renewed,
        "MQL" => PlantedStagePaths.Engaged,
        "SQL" => PlantedStagePaths.SalesQualified,
        "Opportunity" => PlantedStagePaths.Opportunity,
        "Customer-Onboarding" => PlantedStagePaths.Onboarding,
        "Adoption" => PlantedStagePaths.Adopted,
        "Renewal/Expansion" => PlantedStagePaths.Renewed,
        "Churned" => PlantedStagePaths.Churned,
        "Dormant" => PlantedStagePaths.Dormant,
        _ => null,
    };

    /// <summary>Whether a rebuilt stage agrees with the planted one: a dormant customer not yet silent for 90 days is in Customer-Onboarding.</summary>
    public static bool Agrees(string rebuilt, string planted) =>
        PlantedName(rebuilt) == planted || (planted == PlantedStagePaths.Dormant && rebuilt is "Customer-Onboarding" or "Paying");

    /// <summary>The planted stays per customer, read from a generated folder; null when it has none.</summary>
    public static IReadOnlyDictionary<string, List<StageStay>>? TryLoadPlanted(string dataDirectory)
    {
        var path = new[] { ".parquet", ".csv" }.Select(e => Path.Combine(dataDirectory, PlantedStagePaths.FileName + e)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }
        var result = new Dictionary<string, List<StageStay>>(StringComparer.Ordinal);
        using var reader = TableReader.Open(path);
        foreach (var chunk in reader.ReadAll(["customer_id", "stage", "entered_at", "left_at"]))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                string id = chunk.GetString(0, i) ?? throw new DataFileException(Path.GetFileName(path), $"row {chunk.RowNumber(i)}: no customer_id");
                string stage = chunk.GetString(1, i) ?? throw new DataFileException(Path.GetFileName(path), $"row {chunk.RowNumber(i)}: no stage");
                var entered = Time(chunk, 2, i, path) ?? throw new DataFileException(Path.GetFileName(path), $"row {chunk.RowNumber(i)}: no entered_at");
                if (!result.TryGetValue(id, out var stays))
                {
                    result[id] = stays = [];
                }
                stays.Add(new StageStay(stage, entered, Time(chunk, 3, i, path)));
            }
        }
        return result;
    }

    private static DateTime? Time(TableChunk chunk, int column, int row, string path)
    {
        if (chunk.IsMissing(column, row))
        {
            return null;
        }
        return chunk.TryGetTime(column, row, ExportDialectNames.CanonicalTimeFormat, out var value, out var reason)
            ? value
            : throw new DataFileException(Path.GetFileName(path), $"row {chunk.RowNumber(row)}, {chunk.ColumnNames[column]}: {reason}");
    }

    /// <summary>Compares rebuilt timelines (evaluated at <paramref name="from"/> and every <paramref name="stepDays"/> days to <paramref name="to"/>) with the planted paths.</summary>
    public static StageAgreementResult Compare(IReadOnlyDictionary<string, IReadOnlyList<StageStay>> rebuilt, IReadOnlyDictionary<string, List<StageStay>> planted,
        StageModel stages, DateTime from, DateTime to, int stepDays)
    {
        var dates = new List<DateTime>();
        for (var d = from; d <= to; d = d.AddDays(stepDays))
        {
            dates.Add(d);
        }
        var pathOrder = stages.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        long days = 0, agreeing = 0;
        int backRebuilt = 0, backRaw = 0, backPlanted = 0, movesRebuilt = 0, movesPlanted = 0;
        var byPlanted = new Dictionary<string, (long Days, long Agreeing)>(StringComparer.Ordinal);
        var disagreements = new Dictionary<(string, string), long>();
        var backwardMoves = new Dictionary<(string, string), int>();
        var byPair = new Dictionary<(string, string), (int Rebuilt, int Planted)>();
        var rebuiltBackward = new List<RebuiltBackwardMove>();
        int PlantedRank(string s) => Array.IndexOf(s_plantedPath, s);
        foreach (var (id, plantedStays) in planted)
        {
            rebuilt.TryGetValue(id, out var rebuiltStays);
            string? previousRebuilt = null, previousRaw = null, previousPlanted = null;
            foreach (var date in dates)
            {
                // The rebuilt stage at a date reads events strictly before it: so does the planted one.
                var truth = At(plantedStays, date, planted: true);
                var stage = rebuiltStays is null ? null : At(rebuiltStays, date, planted: false);
                if (truth is not null)
                {
                    if (IsBackward(previousPlanted, truth, PlantedRank))
                    {
                        var (r, p) = byPair.GetValueOrDefault((previousPlanted!, truth));
                        byPair[(previousPlanted!, truth)] = (r, p + 1);
                    }
                    Count(ref previousPlanted, truth, ref movesPlanted, ref backPlanted, PlantedRank);
                }
                if (stage is not null)
                {
                    if (previousRaw is not null && pathOrder.GetValueOrDefault(stage, -1) is var now && now >= 0 && now < pathOrder.GetValueOrDefault(previousRaw, -1))
                    {
                        backwardMoves[(previousRaw, stage)] = backwardMoves.GetValueOrDefault((previousRaw, stage)) + 1;
                    }
                    string? raw = previousRaw;
                    Count(ref previousRaw, stage, ref movesRebuilt, ref backRaw, s => pathOrder.GetValueOrDefault(s, -1), countMove: false);
                    if (PlantedName(stage) is { } mapped)
                    {
                        if (IsBackward(previousRebuilt, mapped, PlantedRank))
                        {
                            var (r, p) = byPair.GetValueOrDefault((previousRebuilt!, mapped));
                            byPair[(previousRebuilt!, mapped)] = (r + 1, p);
                            rebuiltBackward.Add(new RebuiltBackwardMove(id, date, raw ?? "", stage, truth));
                        }
                        Count(ref previousRebuilt, mapped, ref movesRebuilt, ref backRebuilt, PlantedRank);
                    }
                }
                if (truth is null || stage is null)
                {
                    continue;
                }
                bool same = Agrees(stage, truth);
                days += stepDays;
                agreeing += same ? stepDays : 0;
                if (!same)
                {
                    disagreements[(truth, stage)] = disagreements.GetValueOrDefault((truth, stage)) + stepDays;
                }
                var (d, a) = byPlanted.GetValueOrDefault(truth);
                byPlanted[truth] = (d + stepDays, a + (same ? stepDays : 0));
            }
        }
        return new StageAgreementResult(days, agreeing, backRebuilt, backRaw, backPlanted, movesRebuilt, movesPlanted, byPlanted)
        {
            Disagreements = disagreements,
            BackwardMoves = backwardMoves,
            BackwardByPair = byPair,
            RebuiltBackward = rebuiltBackward,
        };
    }

    private static bool IsBackward(string? previous, string stage, Func<string, int> rank) =>
        previous is not null && rank(previous) is >= 0 and var before && rank(stage) is >= 0 and var now && now < before;

    /// <summary>A move from the previous stage to <paramref name="stage"/>, backward when both are path stages and it goes to an earlier one.</summary>
    private static void Count(ref string? previous, string stage, ref int moves, ref int backward, Func<string, int> rank, bool countMove = true)
    {
        if (previous is not null && previous != stage)
        {
            moves += countMove ? 1 : 0;
            int before = rank(previous), now = rank(stage);
            backward += before >= 0 && now >= 0 && now < before ? 1 : 0;
        }
        previous = stage;
    }

    /// <summary>The stage at a date: a planted stay counts from just after its moment, a rebuilt one from the date it was evaluated at.</summary>
    private static string? At(IReadOnlyList<StageStay> stays, DateTime date, bool planted)
    {
        foreach (var stay in stays)
        {
            bool started = planted ? stay.EnteredAt < date : stay.EnteredAt <= date;
            bool ended = stay.LeftAt is { } left && (planted ? left < date : left <= date);
            if (started && !ended)
            {
                return stay.Stage;
            }
        }
        return null;
    }

    /// <summary>The comparison in a few lines, for a bench's output.</summary>
    public static IEnumerable<string> Describe(StageAgreementResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return string.Format(inv, "agreement: {0:P1} of {1:N0} customer-days", r.Agreement, r.CustomerDays);
        yield return string.Format(inv, "backward moves: rebuilt {0:N0} (raw, in the stage map's own order: {1:N0}), planted {2:N0}{3}", r.BackwardRebuilt, r.BackwardRebuiltRaw, r.BackwardPlanted,
            r.BackwardPlanted == 0 ? " (none planted: no ratio)" : string.Format(inv, ": {0:F2}x", r.BackwardRatio));
        yield return string.Format(inv, "all moves: rebuilt {0:N0}, planted {1:N0}", r.MovesRebuilt, r.MovesPlanted);
        foreach (var (stage, (d, a)) in r.ByPlanted.OrderBy(kv => Array.IndexOf(s_plantedPath, kv.Key) is var i && i < 0 ? 99 : i))
        {
            yield return string.Format(inv, "  planted {0,-16} {1,10:N0} customer-days, {2:P1} agree", stage, d, d == 0 ? 0 : (double)a / d);
        }
        yield return "largest disagreements (planted -> rebuilt, customer-days): " + string.Join("; ",
            r.Disagreements.OrderByDescending(kv => kv.Value).Take(6).Select(kv => string.Format(inv, "{0} -> {1} {2:N0}", kv.Key.Planted, kv.Key.Rebuilt, kv.Value)));
        yield return "most frequent rebuilt backward moves: " + string.Join("; ",
            r.BackwardMoves.OrderByDescending(kv => kv.Value).Take(6).Select(kv => string.Format(inv, "{0} -> {1} {2:N0}", kv.Key.From, kv.Key.To, kv.Value)));
        yield return "backward moves by planted pair (rebuilt/planted): " + string.Join("; ",
            r.BackwardByPair.OrderByDescending(kv => Math.Max(kv.Value.Rebuilt, kv.Value.Planted)).Select(kv => string.Format(inv, "{0} -> {1} {2:N0}/{3:N0}", kv.Key.From, kv.Key.To, kv.Value.Rebuilt, kv.Value.Planted)));
    }
}

/// <summary>A rebuilt backward move: the customer, the date it shows, the stages in the stage map's names, and the planted stage at that date.</summary>
public sealed record RebuiltBackwardMove(string CustomerId, DateTime Date, string From, string To, string? Planted);

/// <summary>A generated world's default-stage timelines, with and without exit conditions, held against its planted paths.</summary>
public static class StageAgreementRun
{
    /// <summary>Rebuilds the default stages' timelines (no models: stage rules on behaviour and status alone) from 90 days after the data start to the data's as-of date.</summary>
    /// <param name="stagesFile">A stages.json to hold against the planted paths instead of the default (its names read as the default's, <see cref="StageAgreement.PlantedName"/>).</param>
    public static (StageAgreementResult WithExits, StageAgreementResult WithoutExits) Run(string dataDirectory, int stepDays = 7, string? stagesFile = null,
        CancellationToken cancellationToken = default)
    {
        var planted = StageAgreement.TryLoadPlanted(dataDirectory)
            ?? throw new DataFileException(dataDirectory, $"no {PlantedStagePaths.FileName}.csv or .parquet: generate the data with this version of the generator");
        var dataset = Dataset.Open(dataDirectory, new ValidationReport());
        var features = Core.Features.FeatureNames.Definitions.Select(d => d.Name).ToList();
        var signals = new StageSignals(features) { HasChurnRisk = false, HasLeadScore = false };
        var stages = stagesFile is null ? StageModel.Default(signals) : StageModel.Load(stagesFile, signals);
        var start = dataset.DataAsOf.AddDays(-365);
        var from = new DateTime(start.Year, start.Month, start.Day, 0, 0, 0, DateTimeKind.Utc);
        var to = from.AddDays((int)((dataset.DataAsOf - from).TotalDays / stepDays) * stepDays);
        var timeline = Core.Features.EventTimeline.Build(dataset, withChannels: false, cancellationToken: cancellationToken);
        StageAgreementResult Of(StageModel model) =>
            StageAgreement.Compare(StageHistory.Build(timeline, model, from, to, stepDays, cancellationToken: cancellationToken), planted, model, from, to, stepDays);
        return (Of(stages), Of(stages.WithoutExitConditions()));
    }
}
