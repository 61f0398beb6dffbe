using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Pipelines;

namespace JourneyML.Cli;

/// <summary>The few lines a person reads after a feature run.</summary>
internal static class FeatureSummaryText
{
    public static string Format(FeatureRunResult result)
    {
        var s = result.Summary;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Features as of {s.AsOf:yyyy-MM-dd} (horizon {s.HorizonDays} days): {s.Rows:N0} customers, {result.Table.Columns.Count} features");
        sb.AppendLine(inv, $"  status: {string.Join(", ", s.RowsByStatus.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value:N0}"))}; signed up on or after T (no row): {s.SignedUpOnOrAfterAsOf:N0}");
        foreach (var (name, (positive, negative)) in s.Labels)
        {
            double rate = positive + negative == 0 ? 0 : (double)positive / (positive + negative);
            sb.AppendLine(inv, $"  label {name}: {positive:N0} of {positive + negative:N0} ({rate:0.0%})");
        }
        sb.AppendLine(inv, $"  events: {s.EventsBeforeAsOf:N0} before T (features), {s.EventsOnOrAfterAsOf:N0} on or after T (labels only); {s.EventsPerSecond:N0} events/s");
        if (s.Plan is { } plan)
        {
            AppendPlan(sb, plan);
        }
        if (result.Report.HasProblems)
        {
            sb.AppendLine(inv, $"  invalid rows skipped: {result.Report.TotalProblems:N0} (listed in the report)");
        }
        foreach (var (note, count) in result.Report.Notes)
        {
            sb.AppendLine(inv, $"  note: {note}: {count:N0}");
        }
        if (result.Dataset.Events.Timelines is { } timelines && (timelines.EventsBeforeSignup > 0 || timelines.CustomersWithActivityAfterChurn > 0))
        {
            foreach (var line in timelines.Format(result.Report).TrimEnd().Split('\n'))
            {
                sb.AppendLine(inv, $"  {line.TrimEnd()}");
            }
        }
        foreach (var missing in LabelCheck.Of(result.Dataset)?.Labels.Where(l => !l.CanExist) ?? [])
        {
            sb.AppendLine(inv, $"  warning: label {missing.Label} cannot exist: {missing.Missing}");
        }
        if (result.OutputPath is not null)
        {
            sb.AppendLine(inv, $"  wrote {result.OutputPath}");
            sb.AppendLine(inv, $"  report {result.ReportPath}");
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>The customers table's columns used (kind, customers with a value) and left out (why); what the export supports.</summary>
    private static void AppendPlan(StringBuilder sb, Core.Features.FeaturePlan plan)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var a in plan.Attributes)
        {
            sb.AppendLine(inv, $"  customer column {a.Name}: {a.Kind.ToString().ToLowerInvariant()} feature, {a.CustomersWithValue:N0} customers have it");
        }
        foreach (var l in plan.LeftOut)
        {
            sb.AppendLine(inv, $"  {(l.Leak ? "WARNING: " : "")}customer column {l.Column} left out: {l.Reason}");
        }
        foreach (var note in plan.Notes)
        {
            sb.AppendLine(inv, $"  {note}");
        }
    }
}
