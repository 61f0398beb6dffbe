using System.Globalization;
using System.Net;
using System.Text;

namespace JourneyML.Core.Journeys;

/// <summary>
/// The flow between stages as one SVG: path stages as boxes in a row, forward moves as arcs above, moves back as red arcs
/// below, off-path stages in a second row. The designed journey is drawn on it too: a move the design does not have is a
/// dashed arc (the busiest ones labelled with their customers), a designed move nobody made a thin dotted one, so the
/// picture shows where customers leave the design, not only the conformance bars further down. The picture carries its
/// text alternative (title, description with the conformance and the busiest deviations, a title on every arc).
/// </summary>
internal static class JourneyFlowHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const int BoxWidth = JourneyFlowLayout.BoxWidth, BoxHeight = JourneyFlowLayout.BoxHeight, Gap = JourneyFlowLayout.Gap, Top = JourneyFlowLayout.Top,
        LegendTop = 410, Height = 470;

    /// <summary>Deviating moves labelled with their count on the picture; the rest carry it in their title.</summary>
    internal const int DeviationsLabelled = 5;

    private sealed record Layout(Dictionary<string, (double X, double Y)> Position, StringBuilder Svg);

    public static string Render(JourneyMap map)
    {
        var geometry = JourneyFlowLayout.Of(map);
        int width = geometry.Width;
        var design = Design(map);
        var layout = new Layout(new Dictionary<string, (double, double)>(StringComparer.Ordinal), new StringBuilder());
        var svg = layout.Svg;
        svg.Append(Inv, $"<svg id=\"flow\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"flow-title flow-desc\" width=\"{width}\" height=\"{Height}\" viewBox=\"0 0 {width} {Height}\" font-size=\"12\">");
        svg.Append("<title id=\"flow-title\">Flow between stages").Append(design is null ? "" : ", with the designed journey").Append("</title>")
            .Append("<desc id=\"flow-desc\">").Append(E(Description(map, design))).Append("</desc>");
        svg.Append("<defs>").Append(Marker("arrow", "#555")).Append(Marker("return", "#27ae60")).Append(Marker("back", "#c0392b")).Append(Marker("design", "#999")).Append("</defs>");
        int maxNow = Math.Max(1, map.Stages.Max(s => Math.Max(s.CustomersNow, 1)));
        foreach (var box in geometry.Boxes)
        {
            Box(layout, box.Stage, box.X, box.Y, box.Stage.OnPath ? "#4a90d9" : "#e67e22", maxNow);
        }
        int maxMove = Math.Max(1, map.Transitions.Count == 0 ? 1 : map.Transitions.Max(t => t.Customers));
        HashSet<Transition> labelled = design is null ? [] : map.Transitions.Where(t => !design.Allows(t) && t.Kind != MoveKinds.Reactivation)
            .Take(DeviationsLabelled).ToHashSet();
        foreach (var t in map.Transitions)
        {
            Move(layout, t, maxMove, design, labelled.Contains(t));
        }
        if (design is not null)
        {
            var taken = map.Transitions.Select(t => (t.From, t.To)).ToHashSet();
            foreach (var m in design.Result.Allowed.Where(m => !taken.Contains((m.From, m.To))))
            {
                Untaken(layout, m);
            }
        }
        Legend(svg, design is not null);
        svg.Append("</svg>");
        return svg.ToString() + Caption(map, design);
    }

    /// <summary>The design the map was held against, when there was anyone to hold against it.</summary>
    private sealed record DesignView(ConformanceResult Result, HashSet<(string, string)> Moves, Dictionary<(string, string), DeviatingMove> Deviating)
    {
        public bool Allows(Transition t) => Moves.Contains((t.From, t.To));

        public string Kind(Transition t) => Deviating.TryGetValue((t.From, t.To), out var d) ? d.Kind : DesignMoves.NotInDesign;
    }

    private static DesignView? Design(JourneyMap map) =>
        map.Conformance is { CustomersWhoMoved: > 0, Allowed.Count: > 0 } c
            ? new DesignView(c, [.. c.Allowed.Select(m => (m.From, m.To))], c.TopDeviatingMoves.ToDictionary(m => (m.From, m.To)))
            : null;

    private static string Marker(string id, string fill) =>
        $"<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{fill}\"/></marker>";

    private static void Box(Layout layout, StageMetrics s, double x, double y, string fill, int maxNow)
    {
        layout.Position[s.Stage] = (x, y);
        double share = (double)s.CustomersNow / maxNow;
        var svg = layout.Svg;
        svg.Append(Inv, $"<g class=\"stage\" data-stage=\"{E(s.Stage)}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\" fill=\"{fill}\" fill-opacity=\"{0.25 + 0.75 * share:0.00}\" stroke=\"#345\"/>");
        svg.Append(Inv, $"<text x=\"{x + BoxWidth / 2}\" y=\"{y + 22}\" text-anchor=\"middle\" font-weight=\"bold\">{E(s.Stage)}</text>");
        svg.Append(Inv, $"<text x=\"{x + BoxWidth / 2}\" y=\"{y + 40}\" text-anchor=\"middle\">{s.CustomersNow:N0} now</text></g>");
    }

    private static void Move(Layout layout, Transition t, int maxMove, DesignView? design, bool label)
    {
        if (!layout.Position.TryGetValue(t.From, out var a) || !layout.Position.TryGetValue(t.To, out var b))
        {
            return;
        }
        double stroke = 1 + 7.0 * t.Customers / maxMove;
        bool offPath = a.Y > Top || b.Y > Top;
        bool returns = t.Kind is MoveKinds.Reactivation or MoveKinds.BackOnPath;
        string color = t.Backward ? "#c0392b" : returns ? "#27ae60" : offPath ? "#e67e22" : "#555";
        string marker = t.Backward ? "back" : returns ? "return" : "arrow";
        var (d, labelX, labelY) = JourneyFlowLayout.Arc(a, b, t.Backward);
        bool outside = design is not null && !design.Allows(t);
        string moveClass = t.Backward ? " backward" : t.Kind == MoveKinds.Reactivation ? " reactivation" : t.Kind == MoveKinds.BackOnPath ? " back-on-path" : "";
        string designed = design is null ? "" : outside ? " data-design=\"outside\"" : " data-design=\"in\"";
        string what = t.Kind == MoveKinds.Reactivation ? " reactivations" : "";
        string designWords = design is null ? "" : outside ? $"; not in the designed journey ({design.Kind(t)})" : "; in the designed journey";
        string dash = outside ? " stroke-dasharray=\"7 4\"" : "";
        var svg = layout.Svg;
        svg.Append(Inv, $"<path class=\"move{moveClass}\"{designed} data-from=\"{E(t.From)}\" data-to=\"{E(t.To)}\" d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke:0.0}\" stroke-opacity=\"0.7\"{dash} marker-end=\"url(#{marker})\"><title>{E(t.From)} → {E(t.To)}: {t.Customers:N0} customers{what}{E(designWords)}</title></path>");
        if (t.Kind == MoveKinds.Reactivation)
        {
            // Reactivations are counted on the picture: a churned customer coming back is the story, not a detail.
            svg.Append(Inv, $"<text class=\"reactivations\" x=\"{labelX:0}\" y=\"{labelY:0}\" fill=\"#1e8449\" font-weight=\"bold\">{t.Customers:N0} reactivations</text>");
        }
        else if (label)
        {
            svg.Append(Inv, $"<text class=\"deviation-count\" x=\"{labelX:0}\" y=\"{labelY:0}\" text-anchor=\"middle\" fill=\"#7b241c\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{t.Customers:N0} off design</text>");
        }
    }

    /// <summary>A designed move nobody made in the window: a thin dotted arc, so a design step the customers never take is seen.</summary>
    private static void Untaken(Layout layout, DesignedMove m)
    {
        if (!layout.Position.TryGetValue(m.From, out var a) || !layout.Position.TryGetValue(m.To, out var b))
        {
            return;
        }
        bool backward = a.Y == Top && b.Y == Top && b.X < a.X;
        var (d, _, _) = JourneyFlowLayout.Arc(a, b, backward);
        layout.Svg.Append(Inv, $"<path class=\"designed-untaken\" data-from=\"{E(m.From)}\" data-to=\"{E(m.To)}\" d=\"{d}\" fill=\"none\" stroke=\"#999\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\" marker-end=\"url(#design)\"><title>{E(m.From)} → {E(m.To)}: in the designed journey, made by no customer in the window</title></path>");
    }

    /// <summary>What each line means, drawn as the lines themselves.</summary>
    private static void Legend(StringBuilder svg, bool design)
    {
        var items = new List<(string Style, string Words)>
        {
            ("stroke=\"#555\"", "forward (above the row)"),
            ("stroke=\"#c0392b\"", "back (below the row)"),
            ("stroke=\"#e67e22\"", "off the path"),
            ("stroke=\"#27ae60\"", "back on the path, reactivations"),
        };
        if (design)
        {
            items.Add(("stroke=\"#555\" stroke-dasharray=\"7 4\"", "dashed: not in the designed journey"));
            items.Add(("stroke=\"#999\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\"", "dotted: designed, made by no one"));
        }
        svg.Append("<g id=\"flow-legend\" aria-hidden=\"true\">");
        for (int i = 0; i < items.Count; i++)
        {
            double x = Gap + i % 3 * 290, y = LegendTop + i / 3 * 20;
            var (style, words) = items[i];
            string stroke = style.Contains("stroke-width", StringComparison.Ordinal) ? "" : " stroke-width=\"3\"";
            svg.Append(Inv, $"<line x1=\"{x:0}\" y1=\"{y - 4:0}\" x2=\"{x + 34:0}\" y2=\"{y - 4:0}\" {style}{stroke}/><text x=\"{x + 42:0}\" y=\"{y:0}\" fill=\"#333\">{E(words)}</text>");
        }
        svg.Append(Inv, $"<text x=\"{Gap}\" y=\"{LegendTop + 44}\" fill=\"#555\">Width: customers. Box shade: customers in the stage now.</text></g>");
    }

    /// <summary>The picture's description for screen readers: the conformance and the busiest moves outside the design.</summary>
    private static string Description(JourneyMap map, DesignView? design)
    {
        var moves = string.Join("; ", map.Transitions.Take(6).Select(t => $"{t.From} → {t.To} {t.Customers:N0}"));
        var text = $"Moves between stages from {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd}, the most taken: {(moves.Length == 0 ? "none" : moves)}.";
        return design is null ? text : text + " " + JourneyAnalysisText.ConformanceHeadline(design.Result) + " " + Deviations(map, design);
    }

    private static string Deviations(JourneyMap map, DesignView design)
    {
        var outside = map.Transitions.Where(t => !design.Allows(t)).Take(DeviationsLabelled).ToList();
        return outside.Count == 0 ? "Every move drawn is in the design."
            : "The busiest moves outside the design (dashed): " + string.Join("; ", outside.Select(t => $"{t.From} → {t.To}, {t.Customers:N0} customers ({design.Kind(t)})")) + ".";
    }

    /// <summary>The same in words under the picture, for every reader.</summary>
    private static string Caption(JourneyMap map, DesignView? design) => design is null ? ""
        : $"<p class=\"note\" id=\"flow-conformance\">{E(JourneyAnalysisText.ConformanceHeadline(design.Result) + " " + Deviations(map, design))}</p>";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
