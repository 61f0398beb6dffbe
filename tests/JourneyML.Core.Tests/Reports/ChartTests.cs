using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Prediction;
using JourneyML.Core.Reports;
using JourneyML.Core.Segmentation;
using SkiaSharp;

namespace JourneyML.Core.Tests.Reports;

public sealed class ChartTests
{
    private static readonly DateTime Start = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Charts() => [.. Render().Keys];

    private static Dictionary<string, Chart> Render()
    {
        var candidates = Enumerable.Range(2, 6).Select(k => new KCandidate(k, 0.3 + 0.02 * k, 1000.0 / k, 50, 0.1 * k, 0.01)).ToList();
        var activity = new ActivityByWeek([Start, Start.AddDays(7), Start.AddDays(14)],
            new Dictionary<EventFamily, long[]> { [EventFamily.Login] = [10, 12, 8], [EventFamily.Ticket] = [1, 0, 3], [EventFamily.Sales] = [0, 0, 0] }, [5, 6, 4]);
        var column = FeatureColumn.Numeric("logins_30d", "logins", [0, 1, 2, 2, 3, 9]);
        var histogram = FeatureHistogram.Build(column, [new OutcomeGroup("stayed", [0, 1, 2]), new OutcomeGroup("churned", [3, 4, 5])]);
        var profiles = new[]
        {
            new SegmentProfile(0, "Falling logins", "", 120, 0.6, [], 0.4, null, [], false),
            new SegmentProfile(1, "Pricing-page visitors", "", 80, 0.4, [], null, 0.3, [], false),
        };
        var explanation = new Explanation("C1", 0.42f,
            [new Factor("login_trend", 0.8f, "logins down 60% against the previous 30 days (10 → 4)")],
            [new Factor("tenure_days", -0.2f, "signed up 400 days ago")]);
        var map = Map(Start.AddDays(60), 30);
        return new Dictionary<string, Chart>
        {
            ["k selection"] = ReportCharts.KSelection(candidates, 4),
            ["elbow"] = ReportCharts.Elbow(candidates, 4),
            ["activity"] = ReportCharts.Activity(activity),
            ["distribution"] = ReportCharts.Distribution(histogram),
            ["segment sizes"] = ReportCharts.SegmentSizes(profiles),
            ["importance"] = ReportCharts.Importance([new FeatureImportance("logins_90d", 0.05), new FeatureImportance("plan", 0.01)], "churn"),
            ["factors"] = ReportCharts.Factors(explanation, "churn risk"),
            ["stage flow"] = ReportCharts.StageFlow(map),
            ["stage sizes"] = ReportCharts.StageSizes(Map(Start.AddDays(30), 20), map),
        };
    }

    internal static JourneyMap Map(DateTime to, int interest)
    {
        StageMetrics Stage(string name, bool onPath, int now) =>
            new(name, onPath, now, now + 5, 4, 0.5, 2, 0.25, 10, 30, 1, 2, 0.5, 0.2, null);
        return new JourneyMap(to.AddDays(-90), to, null,
            [Stage("Awareness", true, 10), Stage("Interest", true, interest), Stage("Customer", true, 40), Stage("Churned", false, 5)],
            [new Transition("Awareness", "Interest", 4, false)], [new JourneyPath(["Awareness", "Interest"], 4)],
            new JourneyKpis(85, 0.05, 0.01, 30, new Dictionary<string, double>()));
    }

    [Theory]
    [MemberData(nameof(Charts))]
    public void Every_chart_renders_a_png_with_a_title_and_visible_content(string name)
    {
        var chart = Render()[name];
        Assert.False(string.IsNullOrWhiteSpace(chart.Title));
        using var bitmap = SKBitmap.Decode(chart.Png);
        Assert.NotNull(bitmap);
        Assert.InRange(bitmap.Width, 600, 1200);
        Assert.InRange(bitmap.Height, 150, 900);
        // Text and data drawn: many distinct colours (anti-aliased glyphs and lines), not a blank canvas.
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 3)
        {
            for (int x = 0; x < bitmap.Width; x += 3)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }
        Assert.True(colours.Count > 20, $"{name}: only {colours.Count} colours");
    }

    [Fact]
    public void A_chart_displays_as_an_image_in_polyglot_notebooks_through_the_convention_based_formatter()
    {
        var chart = Render()["elbow"];
        // .NET Interactive finds the formatter by the attribute's name and members, without a reference to its packages.
        var attribute = typeof(Chart).GetCustomAttributes(false).Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var source = Activator.CreateInstance(sourceType, nonPublic: true)!;
        var formatters = (IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!;
        var html = formatters.Single(f => (string)f.GetType().GetProperty("MimeType")!.GetValue(f)! == "text/html");
        using var writer = new StringWriter();
        bool formatted = (bool)html.GetType().GetMethod("Format")!.Invoke(html, [chart, writer])!;
        Assert.True(formatted);
        Assert.StartsWith("<img src=\"data:image/png;base64,", writer.ToString(), StringComparison.Ordinal);
        Assert.Equal(chart.Png, Convert.FromBase64String(chart.DataUri["data:image/png;base64,".Length..]));
    }
}
