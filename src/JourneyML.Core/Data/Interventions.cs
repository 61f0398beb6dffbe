namespace JourneyML.Core.Data;

/// <summary>Which side of a randomised test an intervention row is on; <see cref="None"/> when it was not part of one.</summary>
public enum InterventionArm : byte
{
    /// <summary>No arm given: the customer was contacted outside any randomised holdout (CS chose whom to call).</summary>
    None,
    /// <summary>In a test, and contacted.</summary>
    Treatment,
    /// <summary>In a test, and held out on purpose: the row says "would have been contacted", not that anything happened.</summary>
    Control,
}

public static class InterventionArms
{
    /// <summary>The arm as files and answers write it ("" for none).</summary>
    public static string Name(this InterventionArm arm) => arm switch
    {
        InterventionArm.Treatment => "treatment",
        InterventionArm.Control => "control",
        _ => "",
    };

    /// <summary>"treatment" or "control" (any case, spaces trimmed).</summary>
    public static bool TryParse(string? text, out InterventionArm arm)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "treatment":
                arm = InterventionArm.Treatment;
                return true;
            case "control":
                arm = InterventionArm.Control;
                return true;
            default:
                arm = InterventionArm.None;
                return false;
        }
    }
}

/// <summary>One intervention: what CS or marketing did to a customer (or, on a control arm, held back on purpose).</summary>
/// <param name="Kind">As the export wrote it (for example <c>cs_call</c> or <c>電話</c>), after the mapping's <c>kinds</c> renames.</param>
public sealed record Intervention(int Customer, DateTime OccurredAt, string Kind, string? Campaign, InterventionArm Arm);

/// <summary>
/// The optional interventions table, validated: every row's customer is known, its time parsed and before the data's
/// as-of date, its kind not empty, its arm treatment, control or blank. Rows are kept in time order.
/// </summary>
public sealed class InterventionTable
{
    public InterventionTable(IEnumerable<Intervention> rows)
    {
        Rows = [.. rows.OrderBy(r => r.OccurredAt).ThenBy(r => r.Customer)];
        Kinds = [.. Rows.Select(r => r.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<Intervention> Rows { get; }

    /// <summary>Every kind in the table, in ordinal order (the order the feature columns take).</summary>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>Whether any row of a kind is on a control arm (a randomised holdout exists for it).</summary>
    public bool HasControlArm(string kind) => Rows.Any(r => r.Arm == InterventionArm.Control && r.Kind == kind);
}

/// <summary>Reads and validates the optional interventions table (CSV or Parquet, any encoding the other tables take).</summary>
internal static class InterventionReader
{
    public static InterventionTable Read(IReadOnlyList<string> files, DataMapping mapping, CustomerTable customers, DateTime dataAsOf, ValidationReport report)
    {
        var map = mapping.Interventions;
        var columns = map.Columns;
        var rows = new List<Intervention>();
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var reader = TableReader.Open(file, mapping.CsvFormatFor(map));
            reader.RequireColumn(columns.CustomerId, "the customer's id");
            reader.RequireColumn(columns.OccurredAt, "when the intervention happened");
            reader.RequireColumn(columns.Kind, "what was done, for example cs_call");
            string?[] wanted = [columns.CustomerId, columns.OccurredAt, columns.Kind,
                reader.IndexOf(columns.Campaign) >= 0 ? columns.Campaign : null,
                reader.IndexOf(columns.Arm) >= 0 ? columns.Arm : null];
            foreach (var (chunk, i, row, id) in reader.RowsWithId(wanted, columns.CustomerId, report))
            {
                if (TryRow(chunk, i, row, id, mapping, customers, dataAsOf, report, kinds) is { } intervention)
                {
                    rows.Add(intervention);
                }
            }
        }
        return new InterventionTable(rows);
    }

    private static Intervention? TryRow(TableChunk chunk, int i, long row, string id, DataMapping mapping, CustomerTable customers,
        DateTime dataAsOf, ValidationReport report, Dictionary<string, string> kinds)
    {
        var map = mapping.Interventions;
        var columns = map.Columns;
        if (!customers.TryGetIndex(id, out int customer))
        {
            report.Add(new DataProblem(chunk.File, row, columns.CustomerId, "unknown customer (not in the customers table)"), "unknown customer");
            return null;
        }
        if (!chunk.TryGetTime(1, i, mapping.TimeFormat, out var at, out var reason))
        {
            report.Add(new DataProblem(chunk.File, row, columns.OccurredAt, reason), reason);
            return null;
        }
        if (at >= dataAsOf)
        {
            report.Add(new DataProblem(chunk.File, row, columns.OccurredAt, $"at or after the data's as-of date {dataAsOf:yyyy-MM-ddTHH:mm:ssZ}"),
                "time at or after the data's as-of date");
            return null;
        }
        var kindText = chunk.GetString(2, i)?.Trim();
        if (string.IsNullOrEmpty(kindText))
        {
            report.Add(new DataProblem(chunk.File, row, columns.Kind, "empty kind: say what was done (for example cs_call, onboarding_session, discount)"), "empty kind");
            return null;
        }
        var armText = chunk.HasColumn(4) ? chunk.GetString(4, i)?.Trim() : null;
        var arm = InterventionArm.None;
        if (!string.IsNullOrEmpty(armText))
        {
            var mapped = map.Arms.TryGetValue(armText, out var ours) ? ours : armText;
            if (!InterventionArms.TryParse(mapped, out arm))
            {
                report.Add(new DataProblem(chunk.File, row, columns.Arm,
                    $"arm '{Short(armText)}' is not treatment or control (leave it blank outside a randomised test, or map your values in interventions.arms)"),
                    "arm not treatment or control");
                return null;
            }
        }
        var campaign = chunk.HasColumn(3) ? chunk.GetString(3, i)?.Trim() : null;
        return new Intervention(customer, at, Kind(kindText, map, kinds), string.IsNullOrEmpty(campaign) ? null : campaign, arm);
    }

    /// <summary>The kind after the mapping's renames, one string instance per kind (the table may hold millions of rows).</summary>
    private static string Kind(string text, InterventionsMapping map, Dictionary<string, string> kinds)
    {
        var kind = map.Kinds.TryGetValue(text, out var renamed) ? renamed.Trim() : text;
        if (!kinds.TryGetValue(kind, out var shared))
        {
            kinds[kind] = shared = kind;
        }
        return shared;
    }

    private static string Short(string s) => s.Length <= 40 ? s : s[..37] + "...";
}

/// <summary>What an interventions table holds, in one line for <c>validate</c> and the reports.</summary>
public static class InterventionSummary
{
    public static string Describe(InterventionTable table)
    {
        var kinds = table.Rows.GroupBy(r => r.Kind, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                int control = g.Count(r => r.Arm == InterventionArm.Control);
                return control > 0 ? $"{g.Key} {g.Count():N0} ({control:N0} on a control arm)" : $"{g.Key} {g.Count():N0}";
            });
        return $"interventions table: {table.Rows.Count:N0} valid rows for {table.Rows.Select(r => r.Customer).Distinct().Count():N0} customers; by kind: {string.Join(", ", kinds)}";
    }
}
