using System.Globalization;
using System.Text;

namespace JourneyML.Core.Data;

/// <summary>Whether one kind of label can exist in an export at all, and if not, why and what to map.</summary>
/// <param name="Label">The label's column name (churned, converted).</param>
/// <param name="Evidence">What the label is made from, counted (for example "1,234 purchase events").</param>
/// <param name="Missing">Null when the label can exist; else why not and what to map.</param>
public sealed record LabelAvailability(string Label, string What, string Evidence, string? Missing)
{
    public bool CanExist => Missing is null;
}

/// <summary>
/// Which labels an export can give, checked at <c>validate</c> from the events read and the outcomes table: a mapping
/// mistake (the cancellation event left unmapped, no outcomes table) shows here, not as "0 of 0" and a failed train.
/// </summary>
public sealed record LabelCheck(IReadOnlyList<LabelAvailability> Labels, IReadOnlyList<(string Type, long Count)> UnmappedTypes)
{
    /// <summary>The column names of the labels (as the feature table calls them).</summary>
    public const string Churn = "churned", Conversion = "converted";

    /// <summary>Neither label can exist: training has nothing to learn from.</summary>
    public bool NoLabel => Labels.All(l => !l.CanExist);

    public bool AnyMissing => Labels.Any(l => !l.CanExist);

    /// <summary>The check over a dataset whose events have all been read; null when they have not.</summary>
    public static LabelCheck? Of(Dataset dataset)
    {
        if (dataset.Events.EventsByKind is not { } kinds)
        {
            return null;
        }
        var outcomes = dataset.Outcomes;
        int churnedAt = 0, convertedAt = 0;
        if (outcomes is not null)
        {
            for (int c = 0; c < outcomes.Present.Length; c++)
            {
                churnedAt += outcomes.Present[c] && outcomes.ChurnedAt[c] is not null ? 1 : 0;
                convertedAt += outcomes.Present[c] && outcomes.ConvertedAt[c] is not null ? 1 : 0;
            }
        }
        var mapping = dataset.Mapping;
        return new LabelCheck(
            [Conversions(kinds, mapping, outcomes is not null, convertedAt), Churns(kinds, mapping, outcomes is not null, churnedAt, convertedAt)],
            dataset.Events.UnmappedTypes);
    }

    private static LabelAvailability Conversions(IReadOnlyDictionary<EventKind, long> kinds, DataMapping mapping, bool hasOutcomes, int convertedAt)
    {
        long purchases = kinds[EventKind.Purchase];
        var evidence = Evidence(purchases, "purchase", hasOutcomes, convertedAt, "converted_at");
        if (purchases > 0 || convertedAt > 0)
        {
            return new LabelAvailability(Conversion, "conversion labels (leads who purchase)", evidence, null);
        }
        var trials = kinds[EventKind.TrialStarted] > 0
            ? $" The {kinds[EventKind.TrialStarted]:N0} trial_started events start a trial; a conversion is a purchase."
            : "";
        return new LabelAvailability(Conversion, "conversion labels (leads who purchase)", evidence,
            $"{NoEvent(mapping, EventKind.Purchase)}; and {NoOutcomes(hasOutcomes, "converted_at", mapping.Outcomes.Columns.ConvertedAt)}.{trials} " +
            "Map your purchase event name in events.types, for example \"events\": { \"types\": { \"Closed Won\": \"purchase\" } }, " +
            "or give an outcomes table with a converted_at column (outcomes.path, outcomes.columns.convertedAt).");
    }

    private static LabelAvailability Churns(IReadOnlyDictionary<EventKind, long> kinds, DataMapping mapping, bool hasOutcomes, int churnedAt, int convertedAt)
    {
        long cancellations = kinds[EventKind.Cancellation];
        var evidence = Evidence(cancellations, "cancellation", hasOutcomes, churnedAt, "churned_at");
        const string what = "churn labels (paying customers who churn)";
        if (cancellations == 0 && churnedAt == 0)
        {
            return new LabelAvailability(Churn, what, evidence,
                $"{NoEvent(mapping, EventKind.Cancellation)}; and {NoOutcomes(hasOutcomes, "churned_at", mapping.Outcomes.Columns.ChurnedAt)}. " +
                "Map your cancellation event name in events.types, for example \"events\": { \"types\": { \"Subscription Cancelled\": \"cancellation\" } }, " +
                "or give an outcomes table with a churned_at column (outcomes.path, outcomes.columns.churnedAt).");
        }
        long paying = kinds[EventKind.Purchase] + kinds[EventKind.Renewal] + kinds[EventKind.Upgrade] + convertedAt;
        if (paying == 0)
        {
            return new LabelAvailability(Churn, what, evidence,
                "no customer ever becomes a paying customer (no purchase, renewal or upgrade event and no converted_at date), and churn is " +
                "learnt on paying customers. Map your purchase or renewal event names in events.types, for example " +
                "\"events\": { \"types\": { \"Closed Won\": \"purchase\", \"Subscription Renewed\": \"renewal\" } }.");
        }
        return new LabelAvailability(Churn, what, evidence, null);
    }

    private static string Evidence(long events, string kind, bool hasOutcomes, int dates, string column) =>
        hasOutcomes ? string.Create(CultureInfo.InvariantCulture, $"{events:N0} {kind} events, {dates:N0} {column} dates in the outcomes table")
            : string.Create(CultureInfo.InvariantCulture, $"{events:N0} {kind} events, no outcomes table");

    private static string NoEvent(DataMapping mapping, EventKind kind)
    {
        var names = mapping.Events.Types.Where(t => EventKinds.TryParseCanonical(t.Value, out var k) && k == kind).Select(t => $"'{t.Key}'").ToList();
        return names.Count == 0
            ? $"no event type is mapped to '{kind.CanonicalName()}' in events.types (nor called '{kind.CanonicalName()}' in the data)"
            : $"{string.Join(", ", names)} {(names.Count == 1 ? "is" : "are")} mapped to '{kind.CanonicalName()}' but no such event is in the data";
    }

    private static string NoOutcomes(bool hasOutcomes, string ours, string theirs) => !hasOutcomes
        ? "there is no outcomes table"
        : ours == theirs ? $"the outcomes table has no {ours} dates" : $"the outcomes table has no {ours} dates (column '{theirs}')";

    /// <summary>The lines <c>validate</c> and the features report print: each label, and the unmapped event types beside a missing one.</summary>
    public string Format(int maxTypes = 10)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Labels:");
        foreach (var label in Labels)
        {
            sb.AppendLine(label.CanExist
                ? $"  {label.Label}: {label.What} can exist ({label.Evidence})"
                : $"  {label.Label}: CANNOT EXIST ({label.Evidence}): {label.Missing}");
        }
        if (UnmappedTypes.Count > 0)
        {
            var top = UnmappedTypes.Take(maxTypes).Select(t => string.Create(inv, $"'{t.Type}' {t.Count:N0}"));
            var more = UnmappedTypes.Count > maxTypes ? $" and {UnmappedTypes.Count - maxTypes:N0} more" : "";
            var hint = AnyMissing ? "; an unmapped cancellation or purchase name is the usual cause" : "";
            sb.AppendLine($"  event types not mapped (kept as 'other'{hint}): {string.Join(", ", top)}{more}");
        }
        if (NoLabel)
        {
            sb.AppendLine("Error: neither label can exist, so `train` has nothing to learn from (it stops with \"no label to learn from\"). Fix the mapping above.");
        }
        else if (AnyMissing)
        {
            sb.AppendLine($"Warning: `train` will train only the {string.Join(" and ", Labels.Where(l => l.CanExist).Select(l => l.Label == Churn ? "churn" : "lead"))} model; " +
                $"no {string.Join(" or ", Labels.Where(l => !l.CanExist).Select(l => l.Label == Churn ? "churn risk" : "lead score"))} without the mapping above.");
        }
        return sb.ToString();
    }
}
