using System.Globalization;
using System.Net;
using System.Text;

namespace JourneyML.Core.Journeys;

/// <summary>The map's intervention touchpoints as an HTML section and a Markdown section: per kind, how it was measured, and its effect per stage.</summary>
internal static class InterventionTouchpointsText
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static string Html(JourneyMap map)
    {
        if (map.Interventions.Count == 0)
        {
            return "";
        }
        var sb = new StringBuilder("<h2>Interventions: their effect on churn by stage</h2><p class=\"note\">").Append(E(InterventionTouchpoints.Note)).Append("</p>");
        foreach (var kind in map.Interventions)
        {
            sb.Append("<h3>").Append(E(kind.Kind)).Append("</h3><p>").Append(E(Heading(kind))).Append("</p>");
            if (kind.TooSmall is { } why)
            {
                sb.Append("<p>").Append(E(why)).Append("</p>");
                continue;
            }
            sb.Append("<table class=\"interventions\"><tr><th>stage</th><th>contacted</th><th>compared</th><th>effect on churn (95% interval)</th></tr>");
            foreach (var e in kind.Stages)
            {
                sb.Append("<tr><td>").Append(E(e.Stage)).Append("</td><td class=\"n\">").Append(e.Contacted.ToString("N0", s_inv)).Append("</td><td class=\"n\">")
                    .Append(e.Compared.ToString("N0", s_inv)).Append("</td><td>").Append(E(InterventionTouchpoints.EffectText(e))).Append("</td></tr>");
            }
            sb.Append("</table>");
        }
        return sb.ToString();
    }

    public static string Markdown(JourneyMap map)
    {
        if (map.Interventions.Count == 0)
        {
            return "";
        }
        var sb = new StringBuilder().AppendLine("## Interventions: their effect on churn by stage").AppendLine().AppendLine(InterventionTouchpoints.Note).AppendLine();
        foreach (var kind in map.Interventions)
        {
            sb.AppendLine(s_inv, $"### {Escape(kind.Kind)}").AppendLine().AppendLine(Heading(kind)).AppendLine();
            if (kind.TooSmall is { } why)
            {
                sb.AppendLine(why).AppendLine();
                continue;
            }
            sb.AppendLine("| stage | contacted | compared | effect on churn (95% interval) |").AppendLine("|---|---:|---:|---|");
            foreach (var e in kind.Stages)
            {
                sb.AppendLine(s_inv, $"| {Escape(e.Stage)} | {e.Contacted:N0} | {e.Compared:N0} | {Escape(InterventionTouchpoints.EffectText(e))} |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Heading(InterventionTouchpoint kind) => string.Create(s_inv,
        $"Measured by {InterventionTouchpoints.DesignText(kind.Design)} as of {kind.AsOf:yyyy-MM-dd}: contacts within {kind.ContactWindowDays} days, churn within {kind.HorizonDays} days.");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
