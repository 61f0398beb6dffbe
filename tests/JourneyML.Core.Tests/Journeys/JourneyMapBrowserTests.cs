using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;
using SkiaSharp;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>The HTML map rendered in headless Chromium (Debian's chromium; .ci/run installs it): stages, flows and insights really drawn.</summary>
public sealed class JourneyMapBrowserTests
{
    private static string Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("headless Chromium is needed for this test: install Debian's chromium (.ci/run does)");

    private static string RunChromium(params string[] args)
    {
        var profile = TempFolder.Create("chromium");
        return Processes.Run(Chromium(), ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", .. args])
            .Finished("chromium " + string.Join(' ', args)).Output;
    }

    [Fact]
    public void The_html_map_renders_offline_with_stages_flows_and_insights()
    {
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 6, 24, 0, 0, 0, DateTimeKind.Utc);
        var history = StageHistory.Build(dataset, stages, from.AddDays(-90), to, stepDays: 14);
        var map = JourneyMap.Build(stages, history, from, to) with
        {
            Touchpoints = Touchpoints.Build(dataset, stages, history, from, to),
            Milestones = MilestoneGraph.Build(EventTimeline.Build(dataset), from, to),
        };
        map = JourneyAnalysis.With(map, stages, history, options: new JourneyAnalysisOptions { TimelinesStart = from.AddDays(-90) });
        map = map with { Insights = JourneyInsights.From(map) };
        var dir = TempFolder.Create("map");
        map.Write(dir);
        var html = File.ReadAllText(Path.Combine(dir, "journey-map.html"));
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("src=\"http", html);

        // The DOM after Chromium has parsed and laid it out: every stage box, the moves (backward ones too), the insights.
        var dom = RunChromium("--dump-dom", new Uri(Path.Combine(dir, "journey-map.html")).AbsoluteUri);
        foreach (var stage in stages.Names)
        {
            Assert.Contains($"data-stage=\"{System.Net.WebUtility.HtmlEncode(stage)}\"", dom);
        }
        Assert.True(System.Text.RegularExpressions.Regex.Matches(dom, "class=\"move").Count >= 10);
        Assert.Contains("class=\"move backward\"", dom);
        Assert.Contains("<ol id=\"insights\">", dom);
        // The milestones' directly-follows graph: every milestone a box, the busiest edges drawn and labelled with count and median time.
        Assert.Contains("<svg id=\"milestones\"", dom);
        foreach (var milestone in map.Milestones!.Activities)
        {
            Assert.Contains($"data-milestone=\"{milestone.Name}\"", dom);
        }
        Assert.Equal(Math.Min(map.Milestones.Edges.Count, 25), System.Text.RegularExpressions.Regex.Matches(dom, "class=\"dfg-edge\"").Count);
        var top = map.Milestones.Edges[0];
        Assert.Contains($"{top.Count:N0} · {JourneyMapMarkdown.Duration(top.MedianDays)}</text>", dom);

        // Conformance on the picture: every drawn move outside the design is dashed and says so, every designed one is solid
        // and says so, the busiest deviations carry their count, and the picture has a text alternative with the figures.
        var allowed = map.Conformance.Allowed.Select(m => (m.From, m.To)).ToHashSet();
        var arcs = System.Text.RegularExpressions.Regex.Matches(dom, "<path class=\"move[^\"]*\" data-design=\"[a-z]+\" data-from=\"([^\"]*)\" data-to=\"([^\"]*)\"[^>]*>");
        Assert.NotEmpty(arcs);
        Assert.Contains(arcs, a => a.Value.Contains("data-design=\"outside\"", StringComparison.Ordinal));
        Assert.Contains(arcs, a => a.Value.Contains("data-design=\"in\"", StringComparison.Ordinal));
        foreach (System.Text.RegularExpressions.Match arc in arcs)
        {
            var move = (System.Net.WebUtility.HtmlDecode(arc.Groups[1].Value), System.Net.WebUtility.HtmlDecode(arc.Groups[2].Value));
            Assert.Equal(!allowed.Contains(move), arc.Value.Contains("data-design=\"outside\"", StringComparison.Ordinal));
            Assert.Equal(!allowed.Contains(move), arc.Value.Contains("stroke-dasharray", StringComparison.Ordinal));
        }
        var busiestOutside = map.Transitions.First(t => !allowed.Contains((t.From, t.To)) && t.Kind != MoveKinds.Reactivation);
        Assert.Contains($"{busiestOutside.Customers:N0} off design</text>", dom);
        Assert.Contains("role=\"img\" aria-labelledby=\"flow-title flow-desc\"", dom);
        Assert.Matches(@"<desc id=""flow-desc"">[^<]*followed the designed journey[^<]*outside the design \(dashed\): " +
            System.Text.RegularExpressions.Regex.Escape(System.Net.WebUtility.HtmlEncode($"{busiestOutside.From} → {busiestOutside.To}")), dom);
        Assert.Contains("dashed: not in the designed journey", dom);
        Assert.Contains("<p class=\"note\" id=\"flow-conformance\">", dom);

        // A screenshot that is not blank: the flow is drawn in colour.
        var png = Path.Combine(dir, "map.png");
        RunChromium($"--screenshot={png}", "--window-size=1300,1000", new Uri(Path.Combine(dir, "journey-map.html")).AbsoluteUri);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        int blue = 0;
        for (int y = 0; y < bitmap.Height; y += 4)
        {
            for (int x = 0; x < bitmap.Width; x += 4)
            {
                var c = bitmap.GetPixel(x, y);
                blue += c.Blue > 150 && c.Red < 160 ? 1 : 0;
            }
        }
        Assert.True(blue > 200, "the stage boxes are drawn");

        // The milestone graph is drawn too: purple boxes below the stage flow.
        var milestonesPng = Path.Combine(dir, "milestones.png");
        File.WriteAllText(Path.Combine(dir, "milestones.html"), "<!DOCTYPE html><html><body style=\"margin:0\">" +
            System.Text.RegularExpressions.Regex.Match(html, "<svg id=\"milestones\".*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Value + "</body></html>");
        RunChromium($"--screenshot={milestonesPng}", "--window-size=1600,420", new Uri(Path.Combine(dir, "milestones.html")).AbsoluteUri);
        using var graph = SKBitmap.Decode(milestonesPng);
        int purple = 0;
        for (int y = 0; y < graph.Height; y += 4)
        {
            for (int x = 0; x < graph.Width; x += 4)
            {
                var c = graph.GetPixel(x, y);
                purple += c.Red > 120 && c.Blue > 150 && c.Green < 150 ? 1 : 0;
            }
        }
        Assert.True(purple > 100, $"the milestone boxes and edges are drawn ({purple} purple samples)");
    }
}
