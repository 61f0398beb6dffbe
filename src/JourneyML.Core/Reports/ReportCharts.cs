using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Prediction;
using JourneyML.Core.Segmentation;
using ScottPlot;

namespace JourneyML.Core.Reports;

/// <summary>
/// Every chart JourneyML draws (ScottPlot, headless, the shipped font): the training report's k selection, ROC,
/// calibration and lift, and the notebooks' activity, distributions, segments, drivers, factors and stage flow.
/// One place, so a chart in a notebook is the chart in the report.
/// </summary>
public static class ReportCharts
{
    private const int Width = 640;
    private const int Height = 420;

    public static Chart KSelection(IReadOnlyList<KCandidate> candidates, int chosenK)
    {
        using var plot = NewPlot("Choice of the number of segments", "Number of segments (k)", "Silhouette (higher is better)");
        ByK(plot, candidates, c => c.Silhouette, "Silhouette (left axis)");
        if (ByK(plot, candidates, c => c.Gap, "Gap statistic (right axis)") is { } g)
        {
            g.LinePattern = LinePattern.Dashed;
            g.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "Gap (higher is better)";
        }
        MarkChosenK(plot, chosenK).LineWidth = 1.5f;
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    public static Chart Roc(ClassificationMetrics holdout, string taskTitle)
    {
        using var plot = NewPlot($"ROC curve: {taskTitle} (AUC {Format.Ratio(holdout.Auc)})", "False positive rate", "True positive rate");
        Diagonal(plot, 1, "Random ranking");
        if (holdout.Roc.Count > 0)
        {
            var curve = plot.Add.Scatter(holdout.Roc.Select(p => p.FalsePositiveRate).ToArray(), holdout.Roc.Select(p => p.TruePositiveRate).ToArray());
            curve.LegendText = "Model (holdout)";
            curve.LineWidth = 2.5f;
            curve.MarkerSize = 0;
        }
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        return Png(plot);
    }

    /// <param name="equalWidth">The equal-width bins the expected calibration error is computed on, drawn beside the deciles when given.</param>
    public static Chart Calibration(ClassificationMetrics holdout, string taskTitle, IReadOnlyList<ReliabilityBin>? equalWidth = null)
    {
        using var plot = NewPlot($"Calibration: {taskTitle}", "Predicted probability (mean per group)", "Observed rate");
        var points = holdout.Reliability.Concat(equalWidth ?? []).ToList();
        double top = points.Count == 0 ? 1
            : Math.Min(1, 1.1 * points.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)));
        top = Math.Max(top, 0.05);
        Diagonal(plot, top, "Perfect calibration");
        if (holdout.Reliability.Count > 0)
        {
            var s = plot.Add.Scatter(holdout.Reliability.Select(b => b.MeanPredicted).ToArray(), holdout.Reliability.Select(b => b.ObservedRate).ToArray());
            s.LegendText = "Model (holdout deciles)";
            s.LineWidth = 2;
            s.MarkerSize = 8;
        }
        if (equalWidth is { Count: > 0 })
        {
            var bins = plot.Add.Scatter(equalWidth.Select(b => b.MeanPredicted).ToArray(), equalWidth.Select(b => b.ObservedRate).ToArray());
            bins.LegendText = "Equal-width bins (ECE)";
            bins.LineWidth = 0;
            bins.MarkerSize = 10;
            bins.MarkerShape = MarkerShape.OpenSquare;
        }
        plot.Axes.SetLimits(0, top, 0, top);
        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot);
    }

    public static Chart Lift(ClassificationMetrics holdout, string taskTitle)
    {
        using var plot = NewPlot($"Lift by decile: {taskTitle}", "Decile of the ranked list (1 = highest scores)", "Lift over the base rate");
        var deciles = holdout.Lift.Where(d => double.IsFinite(d.Lift)).ToArray();
        if (deciles.Length > 0)
        {
            var bars = plot.Add.Bars(deciles.Select(d => (double)d.Decile).ToArray(), deciles.Select(d => d.Lift).ToArray());
            bars.LegendText = "Lift";
        }
        var baseline = plot.Add.HorizontalLine(1);
        baseline.LegendText = "Random list (lift 1)";
        baseline.LinePattern = LinePattern.Dashed;
        baseline.Color = Colors.Gray;
        plot.Axes.SetLimitsX(0.4, 10.6);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    /// <summary>The elbow: within-segment sum of squares for each k tried (it only falls; the bend is where extra segments stop paying).</summary>
    public static Chart Elbow(IReadOnlyList<KCandidate> candidates, int chosenK)
    {
        using var plot = NewPlot("Elbow: spread within segments by k", "Number of segments (k)", "Within-segment sum of squares");
        ByK(plot, candidates, c => c.Inertia, "Inertia (lower is tighter)");
        MarkChosenK(plot, chosenK);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    /// <summary>Events per week by family, and the customers active each week (right axis).</summary>
    public static Chart Activity(ActivityByWeek activity)
    {
        using var plot = NewPlot("Activity over time", "Week", "Events per week");
        var x = activity.Weeks.Select(w => w.ToOADate()).ToArray();
        int color = 0;
        foreach (var (family, counts) in activity.Events.Where(e => e.Value.Any(c => c > 0)).OrderByDescending(e => e.Value.Sum()))
        {
            var s = plot.Add.Scatter(x, counts.Select(c => (double)c).ToArray(), plot.Add.Palette.GetColor(color++));
            s.LegendText = FamilyWords(family);
            s.LineWidth = 2;
            s.MarkerSize = 0;
        }
        if (x.Length > 0)
        {
            var active = plot.Add.Scatter(x, activity.ActiveCustomers.Select(c => (double)c).ToArray(), Colors.Black);
            active.LegendText = "Active customers (right axis)";
            active.LinePattern = LinePattern.Dashed;
            active.LineWidth = 1.5f;
            active.MarkerSize = 0;
            active.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "Customers active in the week";
        }
        var dates = plot.Axes.DateTimeTicksBottom();
        if (dates.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic automatic)
        {
            automatic.LabelFormatter = date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        plot.ShowLegend(Edge.Bottom);
        return Png(plot, 860, 520);
    }

    /// <summary>A feature's distribution per group (share of each group's customers per bin), so groups of any size compare.</summary>
    public static Chart Distribution(FeatureHistogram histogram)
    {
        string xLabel = histogram.LastBinOpen ? $"{histogram.Feature} (last bin: that value or more)" : histogram.Feature;
        using var plot = NewPlot($"Distribution of {histogram.Feature}", xLabel, "Share of the group");
        double half = histogram.BinWidth / 2;
        var x = histogram.BinStarts.Select(b => histogram.BinWidth == 1 && b == Math.Floor(b) ? b : b + half).ToArray();
        for (int g = 0; g < histogram.Groups.Count; g++)
        {
            if (histogram.Present[g] == 0)
            {
                continue;
            }
            var s = plot.Add.Scatter(x, histogram.Shares[g], plot.Add.Palette.GetColor(g));
            string missing = histogram.MissingShares[g] > 0 ? $", {histogram.MissingShares[g].ToString("0%", CultureInfo.InvariantCulture)} missing" : "";
            s.LegendText = $"{histogram.Groups[g]} (n = {histogram.Present[g].ToString("N0", CultureInfo.InvariantCulture)}{missing})";
            s.LineWidth = 2;
            s.MarkerSize = 5;
        }
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    /// <summary>Segment sizes as bars, largest first, each labelled with its churn and conversion rates.</summary>
    public static Chart SegmentSizes(IReadOnlyList<SegmentProfile> profiles)
    {
        using var plot = NewPlot("Segments: size and outcome", "Customers", "");
        var ordered = profiles.OrderByDescending(p => p.Size).ThenBy(p => p.SegmentId).ToList();
        var bars = new List<Bar>();
        for (int i = 0; i < ordered.Count; i++)
        {
            var p = ordered[i];
            var rates = new List<string>();
            if (p.ChurnRate is { } churn)
            {
                rates.Add("churn " + churn.ToString("0%", CultureInfo.InvariantCulture));
            }
            if (p.ConversionRate is { } conversion)
            {
                rates.Add("conversion " + conversion.ToString("0%", CultureInfo.InvariantCulture));
            }
            bars.Add(new Bar
            {
                Position = ordered.Count - 1 - i,
                Value = p.Size,
                Label = $"{p.Size.ToString("N0", CultureInfo.InvariantCulture)}  {string.Join(", ", rates)}",
                FillColor = plot.Add.Palette.GetColor(p.SegmentId),
                Orientation = Orientation.Horizontal,
            });
        }
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, ordered.Count).Select(i => (double)(ordered.Count - 1 - i))],
            [.. ordered.Select(p => $"{p.SegmentId} {Shorten(p.Name, 48)}")]);
        plot.Axes.Margins(left: 0, right: 0.9);
        return Png(plot, 820, 60 + 48 * Math.Max(ordered.Count, 3));
    }

    /// <summary>Global drivers: the ROC AUC a model loses when a feature's values are shuffled, top features first.</summary>
    public static Chart Importance(IReadOnlyList<FeatureImportance> importance, string taskTitle, int top = 10)
    {
        using var plot = NewPlot($"What drives {taskTitle}: ROC AUC lost when shuffled", "ROC AUC lost", "");
        var shown = importance.OrderByDescending(i => i.AucDrop).Take(top).ToList();
        var bars = shown.Select((f, i) => new Bar
        {
            Position = shown.Count - 1 - i,
            Value = f.AucDrop,
            Label = f.AucDrop.ToString("0.000", CultureInfo.InvariantCulture),
            FillColor = plot.Add.Palette.GetColor(0),
            Orientation = Orientation.Horizontal,
        }).ToList();
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, shown.Count).Select(i => (double)(shown.Count - 1 - i))], [.. shown.Select(f => f.Feature)]);
        plot.Axes.Margins(left: 0, right: 0.2);
        return Png(plot, 760, 60 + 36 * Math.Max(shown.Count, 3));
    }

    /// <summary>One customer's factors: those raising the score to the right (red), those lowering it to the left (green).</summary>
    public static Chart Factors(Explanation explanation, string taskTitle)
    {
        using var plot = NewPlot($"{explanation.CustomerId}: {taskTitle} {explanation.Probability.ToString("0%", CultureInfo.InvariantCulture)}, and why",
            "Contribution to the score (raw scale)", "");
        var factors = explanation.Raising.Concat(explanation.Lowering).OrderBy(f => f.Contribution).ToList();
        var bars = factors.Select((f, i) => new Bar
        {
            Position = i,
            Value = f.Contribution,
            FillColor = f.Contribution > 0 ? Colors.FireBrick : Colors.SeaGreen,
            Orientation = Orientation.Horizontal,
        }).ToList();
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, factors.Count).Select(i => (double)i)], [.. factors.Select(f => Shorten(f.Text, 60))]);
        plot.Add.VerticalLine(0, 1, Colors.Gray);
        return Png(plot, 960, 60 + 40 * Math.Max(factors.Count, 3));
    }

    /// <summary>
    /// The flow out of each path stage over the map's window: moves forward, moves back to an earlier stage and drop-offs
    /// (to at risk, dormant or churned), with the customers in each stage at the end of the window.
    /// </summary>
    public static Chart StageFlow(JourneyMap map)
    {
        using var plot = NewPlot($"Stage flow {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd}", "Customers (moves in the window)", "");
        var stages = map.Stages.Where(s => s.OnPath).ToList();
        var series = new (string Legend, Func<StageMetrics, int> Value, Color Color)[]
        {
            ("Entered the stage", s => s.Entries, Colors.SteelBlue),
            ("Moved forward", s => s.MovedToNext, Colors.SeaGreen),
            ("Moved back", s => s.BackwardMovesOut, Colors.FireBrick),
            ("Dropped off the path", s => s.DroppedOff, Colors.DarkOrange),
        };
        GroupedBars(plot, stages.Select(s => s.Stage).ToList(), series.Select(x => (x.Legend, stages.Select(s => (double)x.Value(s)).ToArray(), x.Color)).ToList());
        plot.ShowLegend(Edge.Bottom);
        return Png(plot, 900, 120 + 60 * stages.Count);
    }

    /// <summary>Customers in each stage at the end of two maps' windows: what grew and what shrank.</summary>
    public static Chart StageSizes(JourneyMap before, JourneyMap after)
    {
        using var plot = NewPlot($"Customers per stage: {before.To:yyyy-MM-dd} and {after.To:yyyy-MM-dd}", "Customers in the stage", "");
        var names = after.Stages.Select(s => s.Stage).ToList();
        double Size(JourneyMap map, string stage) => map.Stages.FirstOrDefault(s => s.Stage == stage)?.CustomersNow ?? 0;
        GroupedBars(plot, names,
        [
            ($"{before.To:yyyy-MM-dd}", names.Select(n => Size(before, n)).ToArray(), Colors.LightSteelBlue),
            ($"{after.To:yyyy-MM-dd}", names.Select(n => Size(after, n)).ToArray(), Colors.SteelBlue),
        ]);
        plot.ShowLegend(Edge.Bottom);
        return Png(plot, 900, 120 + 44 * names.Count);
    }

    /// <summary>Horizontal grouped bars: one group per label, first label at the top, so long stage names read without rotation.</summary>
    private static void GroupedBars(Plot plot, IReadOnlyList<string> groups, IReadOnlyList<(string Legend, double[] Values, Color Color)> series)
    {
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var (legend, values, color) = series[s];
            var bars = values.Select((v, g) => new Bar
            {
                Position = groups.Count - 1 - g - (s - (series.Count - 1) / 2.0) * width,
                Value = v,
                Size = width * 0.95,
                FillColor = color,
                Orientation = Orientation.Horizontal,
            }).ToList();
            var plotted = plot.Add.Bars(bars);
            plotted.Horizontal = true;
            plotted.LegendText = legend;
        }
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, groups.Count).Select(g => (double)(groups.Count - 1 - g))], [.. groups]);
        plot.Axes.Margins(left: 0, right: 0.1);
    }

    private static string FamilyWords(EventFamily family) => family switch
    {
        EventFamily.Login => "Logins",
        EventFamily.Ticket => "Support tickets",
        EventFamily.Content => "Content (views, email, downloads, webinars)",
        EventFamily.PricingPage => "Pricing-page views",
        EventFamily.Sales => "Sales touches",
        EventFamily.Lifecycle => "Lifecycle (trials, purchases, renewals, cancellations)",
        _ => "Other",
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>One value of every k tried, as a line with markers; null when no k has the value.</summary>
    private static ScottPlot.Plottables.Scatter? ByK(Plot plot, IReadOnlyList<KCandidate> candidates, Func<KCandidate, double> value, string legend)
    {
        var points = candidates.Where(c => double.IsFinite(value(c))).OrderBy(c => c.K).ToArray();
        if (points.Length == 0)
        {
            return null;
        }
        var line = plot.Add.Scatter(points.Select(c => (double)c.K).ToArray(), points.Select(value).ToArray());
        line.LegendText = legend;
        line.LineWidth = 2;
        line.MarkerSize = 7;
        return line;
    }

    private static ScottPlot.Plottables.VerticalLine MarkChosenK(Plot plot, int chosenK)
    {
        var chosen = plot.Add.VerticalLine(chosenK);
        chosen.LegendText = $"Chosen k = {chosenK}";
        chosen.LinePattern = LinePattern.Dotted;
        chosen.Color = Colors.Black;
        return chosen;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        ChartFonts.EnsureRegistered();
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static void Diagonal(Plot plot, double to, string legend)
    {
        var line = plot.Add.Line(0, 0, to, to);
        line.LegendText = legend;
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Gray;
        line.LineWidth = 1.5f;
    }

    private static Chart Png(Plot plot, int width = Width, int height = Height) =>
        new(plot.Axes.Title.Label.Text, plot.GetImageBytes(width, height, ImageFormat.Png));
}
