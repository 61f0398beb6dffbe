using System.Globalization;

namespace JourneyML.Core.Journeys;

/// <summary>A stage's box on the flow picture: its top-left corner.</summary>
public sealed record FlowBox(StageMetrics Stage, double X, double Y);

/// <summary>A move's arc on the flow picture: the SVG path, where its label goes, and its stroke width (by customers).</summary>
public sealed record FlowArc(Transition Move, string Path, double LabelX, double LabelY, double StrokeWidth);

/// <summary>
/// Where the flow picture puts things: path stages as boxes in a row, off-path stages in a second row, forward arcs above
/// the row and backward ones below it. The map's HTML (<see cref="JourneyFlowHtml"/>) and the workspace draw from the
/// same geometry, so the two pictures of one map look alike.
/// </summary>
public sealed record JourneyFlowLayout(int Width, IReadOnlyList<FlowBox> Boxes, IReadOnlyList<FlowArc> Arcs)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const int BoxWidth = 120, BoxHeight = 56, Gap = 30, Top = 120, OffTop = 330;

    /// <summary>The picture's geometry; stages nobody was in during the window are left out (listed, not drawn).</summary>
    public static JourneyFlowLayout Of(JourneyMap map)
    {
        var path = map.Stages.Where(s => s.OnPath && JourneyMapMarkdown.Drawn(s)).ToList();
        var off = map.Stages.Where(s => !s.OnPath && JourneyMapMarkdown.Drawn(s)).ToList();
        int width = Math.Max(Math.Max(path.Count, 1) * (BoxWidth + Gap) + Gap, 900);
        var boxes = path.Select((s, i) => new FlowBox(s, Gap + i * (BoxWidth + Gap), Top))
            .Concat(off.Select((s, i) => new FlowBox(s, Gap + i * (BoxWidth + Gap) * 1.5, OffTop))).ToList();
        var at = boxes.ToDictionary(b => b.Stage.Stage, b => (b.X, b.Y), StringComparer.Ordinal);
        int maxMove = Math.Max(1, map.Transitions.Count == 0 ? 1 : map.Transitions.Max(t => t.Customers));
        var arcs = new List<FlowArc>();
        foreach (var t in map.Transitions)
        {
            if (at.TryGetValue(t.From, out var a) && at.TryGetValue(t.To, out var b))
            {
                var (d, x, y) = Arc(a, b, t.Backward);
                arcs.Add(new FlowArc(t, d, x, y, 1 + 7.0 * t.Customers / maxMove));
            }
        }
        return new JourneyFlowLayout(width, boxes, arcs);
    }

    /// <summary>Whether a box is in the off-path row.</summary>
    public static bool IsOffPath((double X, double Y) box) => box.Y > Top;

    /// <summary>The arc of a move from one box to another, and the point where its label goes.</summary>
    public static (string D, double LabelX, double LabelY) Arc((double X, double Y) a, (double X, double Y) b, bool backward)
    {
        double x1 = a.X + BoxWidth / 2.0, x2 = b.X + BoxWidth / 2.0;
        bool toOff = b.Y > Top, fromOff = a.Y > Top;
        if (toOff || fromOff)
        {
            double y1 = fromOff ? a.Y : a.Y + BoxHeight, y2 = toOff ? b.Y : b.Y + BoxHeight;
            return (string.Format(Inv, "M{0:0},{1:0} C{0:0},{2:0} {3:0},{2:0} {3:0},{4:0}", x1, y1, (y1 + y2) / 2, x2, y2), (x1 + x2) / 2 + 6, (y1 + y2) / 2);
        }
        // Forward arcs above the row, backward arcs below it, higher for longer jumps.
        double lift = 25 + 12 * Math.Abs(x2 - x1) / (BoxWidth + Gap);
        double y = backward ? Top + BoxHeight : Top;
        double control = backward ? y + lift : y - lift;
        var d = string.Format(Inv, "M{0:0},{1:0} C{0:0},{2:0} {3:0},{2:0} {3:0},{1:0}", x1 + (backward ? -10 : 10), y, control, x2 + (backward ? 10 : -10));
        return (d, (x1 + x2) / 2, backward ? y + 0.75 * lift + 12 : y - 0.75 * lift - 3);
    }
}
