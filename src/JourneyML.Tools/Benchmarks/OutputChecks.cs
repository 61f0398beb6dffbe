using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Scoring;

namespace JourneyML.Tools.Benchmarks;

/// <summary>Everything a person reads after a run on one world, with the data it must be true of.</summary>
internal sealed record OutputTexts(
    Dataset Dataset,
    IReadOnlyDictionary<EventKind, long> EventKinds,
    IReadOnlyDictionary<string, List<(long Ticks, EventKind Kind)>> Lifecycle,
    TrainingRunResult Training,
    IReadOnlyList<TaskMeasurement> Tasks,
    Snapshot Snapshot,
    FeatureTable ScoringTable,
    ScoredTable Scored,
    JourneyMap Map);

/// <summary>
/// Checks of the outputs a CS lead or a data engineer reads (top reasons, segment names, stages and their counts, journey
/// insights, which models are reported) for claims the data cannot support. Each applies only where its premise holds
/// (account roll-ups only matter in a world without accounts), and each is a pass/fail line with an example when it fails.
/// </summary>
internal static class OutputChecks
{
    /// <summary>Stages of a marketing and sales funnel: they need forms, meetings or opportunities to mean anything.</summary>
    private static readonly string[] s_leadFunnelStages = ["MQL", "SQL", "Opportunity"];

    private static readonly EventKind[] s_leadFunnelEvents = [EventKind.FormSubmitted, EventKind.MeetingBooked, EventKind.OpportunityOpened, EventKind.OpportunityLost];

    public static IEnumerable<WorldCheck> All(OutputTexts o)
    {
        foreach (var check in ModelsOnlyWithLabels(o))
        {
            yield return check;
        }
        yield return ScoresFitStatus(o);
        if (o.Dataset.Customers.AccountIds.Count == 0)
        {
            yield return NoAccountRollups(o);
        }
        if (!s_leadFunnelEvents.Any(k => o.EventKinds.GetValueOrDefault(k) > 0))
        {
            yield return NoLeadFunnelStages(o);
        }
        yield return ReasonsNameVaryingFeatures(o);
        yield return TenureSurvivesRenewals(o);
        yield return SegmentNamesConsistent(o);
    }

    /// <summary>A model is reported, and scores are given, only for a task whose labels exist (10 or more of each outcome).</summary>
    private static IEnumerable<WorldCheck> ModelsOnlyWithLabels(OutputTexts o)
    {
        foreach (var task in o.Tasks)
        {
            bool labelled = task.Positives >= 10 && task.Negatives >= 10;
            bool churn = task.Task == "churn";
            bool reported = churn ? o.Training.Metadata.Churn is not null : o.Training.Metadata.Lead is not null;
            var scores = churn ? o.Snapshot.ChurnRisk : o.Snapshot.LeadScore;
            int scoredRows = scores.Count(s => !float.IsNaN(s));
            if (labelled)
            {
                yield return new WorldCheck($"a {task.Task} model is reported because {task.Task} labels exist", reported && scoredRows > 0,
                    $"{task.Positives:N0} yes / {task.Negatives:N0} no; model {(reported ? "reported" : "missing")}; {scoredRows:N0} customers scored");
            }
            else
            {
                yield return new WorldCheck($"no {task.Task} model is reported without {task.Task} labels", !reported && scoredRows == 0,
                    $"{task.Positives:N0} yes / {task.Negatives:N0} no; model {(reported ? "reported" : "none")}; {scoredRows:N0} customers scored");
            }
        }
    }

    /// <summary>Churn risk only for paying customers, lead scores only for leads.</summary>
    private static WorldCheck ScoresFitStatus(OutputTexts o)
    {
        var s = o.Snapshot;
        int wrongRisk = Enumerable.Range(0, s.Count).Count(r => !float.IsNaN(s.ChurnRisk[r]) && s.Status[r] != CustomerStatus.Customer);
        int wrongLead = Enumerable.Range(0, s.Count).Count(r => !float.IsNaN(s.LeadScore[r]) && s.Status[r] != CustomerStatus.Lead);
        return new WorldCheck("churn risk only for customers, lead scores only for leads", wrongRisk == 0 && wrongLead == 0,
            $"{wrongRisk:N0} non-customers with a churn risk, {wrongLead:N0} non-leads with a lead score");
    }

    /// <summary>Without an account column every customer is their own account: reasons, drivers and insights about account roll-ups say nothing.</summary>
    private static WorldCheck NoAccountRollups(OutputTexts o)
    {
        var rows = Enumerable.Range(0, o.Snapshot.Count)
            .Where(r => o.Scored.Factors[r].Any(f => f.Feature.StartsWith("account_", StringComparison.Ordinal))
                || o.Snapshot.Factors[r].Contains("account", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var drivers = o.Tasks.SelectMany(t => t.TopDrivers.Where(d => d.AucDrop > 0 && d.Feature.StartsWith("account_", StringComparison.Ordinal))
            .Select(d => $"{t.Task}: {d.Feature}")).ToArray();
        var insights = o.Map.Insights.Where(i => i.Text.Contains("account", StringComparison.OrdinalIgnoreCase)).ToArray();
        bool passed = rows.Length == 0 && drivers.Length == 0 && insights.Length == 0;
        string example = rows.Length > 0 ? $"; e.g. {o.Snapshot.CustomerIds[rows[0]]}: \"{o.Snapshot.Factors[rows[0]]}\"" : "";
        return new WorldCheck("no account roll-up in reasons, drivers or insights (the export has no account column)", passed,
            $"{rows.Length:N0} customers' reasons name an account roll-up{example}; top drivers: {(drivers.Length == 0 ? "none" : string.Join(", ", drivers))}; " +
            $"insights: {insights.Length}{(insights.Length > 0 ? $" (\"{insights[0].Text}\")" : "")}");
    }

    /// <summary>Without forms, meetings or opportunities, no one is a marketing- or sales-qualified lead, and no insight says so.</summary>
    private static WorldCheck NoLeadFunnelStages(OutputTexts o)
    {
        bool IsFunnel(string stage) => s_leadFunnelStages.Contains(stage, StringComparer.OrdinalIgnoreCase);
        var now = o.Snapshot.Stage.Where(IsFunnel).GroupBy(s => s).Select(g => $"{g.Key} {g.Count():N0}").ToArray();
        var mapped = o.Map.Stages.Where(s => IsFunnel(s.Stage) && (s.CustomersNow > 0 || s.Entries > 0))
            .Select(s => $"{s.Stage} {s.CustomersNow:N0} now, {s.Entries:N0} entries").ToArray();
        var insights = o.Map.Insights.Where(i => s_leadFunnelStages.Any(f => i.Text.Contains(f, StringComparison.OrdinalIgnoreCase))).ToArray();
        bool passed = now.Length == 0 && mapped.Length == 0 && insights.Length == 0;
        return new WorldCheck("no lead-funnel stage (MQL, SQL, Opportunity) in the snapshot, the map or its insights (the export has no form, meeting or opportunity event)", passed,
            $"snapshot: {(now.Length == 0 ? "none" : string.Join(", ", now))}; map: {(mapped.Length == 0 ? "none" : string.Join("; ", mapped))}; " +
            $"insights: {insights.Length}{(insights.Length > 0 ? $" (\"{insights[0].Text}\")" : "")}");
    }

    /// <summary>A reason that names a feature every customer of the same status shares explains nothing.</summary>
    private static WorldCheck ReasonsNameVaryingFeatures(OutputTexts o)
    {
        var table = o.ScoringTable;
        var constant = new Dictionary<(CustomerStatus, string), bool>();
        bool IsConstant(CustomerStatus status, string feature)
        {
            if (!constant.TryGetValue((status, feature), out var value))
            {
                var rows = Enumerable.Range(0, table.RowCount).Where(r => table.Status is null || table.Status[r] == status).ToArray();
                var column = table.Columns.FirstOrDefault(c => c.Name == feature);
                value = column switch
                {
                    NumericColumn n => rows.Select(r => n.Values[r]).Distinct().Count() <= 1,
                    CategoricalColumn c => rows.Select(r => c.Values[r]).Distinct().Count() <= 1,
                    _ => false,
                };
                constant[(status, feature)] = value;
            }
            return value;
        }
        var offending = new List<(int Row, string Feature)>();
        for (int r = 0; r < o.Scored.Factors.Length; r++)
        {
            foreach (var factor in o.Scored.Factors[r])
            {
                if (IsConstant(o.Scored.Status[r], factor.Feature))
                {
                    offending.Add((r, factor.Feature));
                }
            }
        }
        var features = offending.Select(x => x.Feature).Distinct().ToArray();
        return new WorldCheck("no reason names a feature that is the same for every customer of that status", offending.Count == 0,
            offending.Count == 0
                ? $"{o.Scored.Factors.Sum(f => f.Count):N0} reasons checked"
                : $"{offending.Select(x => x.Row).Distinct().Count():N0} customers; constant features named: {string.Join(", ", features)}; " +
                  $"e.g. {table.CustomerIds[offending[0].Row]}: \"{o.Snapshot.Factors[offending[0].Row]}\"");
    }

    /// <summary>
    /// days_as_customer, which reasons and stage rules read as "a customer for N days", counts from the first purchase
    /// since the last cancellation: renewals do not reset it. Customers whose tenure starts before the export are skipped.
    /// </summary>
    private static WorldCheck TenureSurvivesRenewals(OutputTexts o)
    {
        var table = o.ScoringTable;
        var tenure = table.NumbersOrNull(FeatureNames.DaysAsCustomer);
        if (tenure is null || table.AsOf is not { } asOf)
        {
            return new WorldCheck("days_as_customer counts from the first purchase since the last churn", false, "the feature table has no days_as_customer or no as-of date");
        }
        int compared = 0;
        var wrong = new List<(string Id, float Feature, double Expected)>();
        for (int r = 0; r < table.RowCount; r++)
        {
            if (table.Status?[r] != CustomerStatus.Customer || !o.Lifecycle.TryGetValue(table.CustomerIds[r], out var events))
            {
                continue;
            }
            var before = events.Where(e => e.Ticks < asOf.Ticks).OrderBy(e => e.Ticks).ToArray();
            long lastChurn = before.Where(e => e.Kind == EventKind.Cancellation).Select(e => e.Ticks).DefaultIfEmpty(0).Max();
            var start = before.FirstOrDefault(e => e.Kind == EventKind.Purchase && e.Ticks > lastChurn);
            // With an outcomes table the tenure counts from converted_at (a repeat buyer's first order may predate the export).
            long? converted = ConvertedAt(o.Dataset, table.CustomerIds[r]) is { } at && at < asOf ? at.Ticks : null;
            if (start.Kind != EventKind.Purchase && converted is null)
            {
                continue;
            }
            compared++;
            double expected = (asOf.Ticks - (converted ?? start.Ticks)) / (double)TimeSpan.TicksPerDay;
            if (!(Math.Abs(tenure[r] - expected) <= 1.0))
            {
                wrong.Add((table.CustomerIds[r], tenure[r], expected));
            }
        }
        return new WorldCheck("days_as_customer counts from the first purchase since the last churn (renewals do not reset it)", wrong.Count == 0,
            $"{wrong.Count:N0} of {compared:N0} customers with their purchase in the export disagree" +
            (wrong.Count > 0 ? $"; e.g. {wrong[0].Id}: {wrong[0].Feature:0.#} days, {wrong[0].Expected:0.#} since the purchase" : ""));
    }

    private static DateTime? ConvertedAt(Dataset dataset, string customerId) =>
        dataset.Outcomes is { } outcomes && dataset.Customers.TryGetIndex(customerId, out int c) && outcomes.Present[c] ? outcomes.ConvertedAt[c] : null;

    /// <summary>A segment name never says opposite things of one signal ("falling logins, high logins").</summary>
    private static WorldCheck SegmentNamesConsistent(OutputTexts o)
    {
        var names = o.Training.Metadata.Segmentation.Profiles.Select(p => p.Name).Concat(o.Snapshot.SegmentNames).Distinct().ToArray();
        var contradictory = names.Where(SegmentNames.Contradicts).ToArray();
        return new WorldCheck("segment names are not self-contradictory", contradictory.Length == 0,
            contradictory.Length == 0 ? $"{names.Length} names: {string.Join("; ", names)}" : $"contradictory: {string.Join("; ", contradictory)}");
    }
}

/// <summary>Reads a segment name's phrases ("Falling logins, many tickets") as a direction per signal word.</summary>
internal static class SegmentNames
{
    private static readonly string[] s_up = ["high", "many", "rising", "heavy", "most", "long", "more", "frequent"];
    private static readonly string[] s_down = ["low", "few", "falling", "little", "rarely", "fewer", "short", "no"];

    /// <summary>True when two phrases of the name give one signal word (logins, tickets...) opposite directions.</summary>
    public static bool Contradicts(string name)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var phrase in name.Split([",", ";", " and "], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = phrase.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int direction = words.Any(s_up.Contains) ? 1 : words.Any(s_down.Contains) ? -1 : 0;
            if (direction == 0 || words.Length < 2)
            {
                continue;
            }
            string signal = words[^1];
            if (seen.TryGetValue(signal, out var earlier) && earlier != direction)
            {
                return true;
            }
            seen[signal] = direction;
        }
        return false;
    }
}
