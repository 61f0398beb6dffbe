using JourneyML.Core.Prediction;
using JourneyML.Core.Segmentation;
using ScottPlot;

namespace JourneyML.Core.Reports;

/// <summary>The report's charts as PNG bytes: k selection, and per classifier ROC, calibration and lift.</summary>
internal static class ReportCharts
{
    private const int Width = 640;
    private const int Height = 420;

    public static byte[] KSelection(IReadOnlyList<KCandidate> candidates, int chosenK)
    {
        using var plot = NewPlot("Choice of the number of segments", "Number of segments (k)", "Silhouette (higher is better)");
        var silhouette = candidates.Where(c => double.IsFinite(c.Silhouette)).OrderBy(c => c.K).ToArray();
        if (silhouette.Length > 0)
        {
            var s = plot.Add.Scatter(silhouette.Select(c => (double)c.K).ToArray(), silhouette.Select(c => c.Silhouette).ToArray());
            s.LegendText = "Silhouette (left axis)";
            s.LineWidth = 2;
            s.MarkerSize = 7;
        }
        var gap = candidates.Where(c => double.IsFinite(c.Gap)).OrderBy(c => c.K).ToArray();
        if (gap.Length > 0)
        {
            var g = plot.Add.Scatter(gap.Select(c => (double)c.K).ToArray(), gap.Select(c => c.Gap).ToArray());
            g.LegendText = "Gap statistic (right axis)";
            g.LineWidth = 2;
            g.MarkerSize = 7;
            g.LinePattern = LinePattern.Dashed;
            g.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "Gap (higher is better)";
        }
        var chosen = plot.Add.VerticalLine(chosenK);
        chosen.LegendText = $"Chosen k = {chosenK}";
        chosen.LinePattern = LinePattern.Dotted;
        chosen.Color = Colors.Black;
        chosen.LineWidth = 1.5f;
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    public static byte[] Roc(ClassificationMetrics holdout, string taskTitle)
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

    public static byte[] Calibration(ClassificationMetrics holdout, string taskTitle)
    {
        using var plot = NewPlot($"Calibration: {taskTitle}", "Predicted probability (mean per decile)", "Observed rate");
        double top = holdout.Reliability.Count == 0 ? 1
            : Math.Min(1, 1.1 * holdout.Reliability.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)));
        top = Math.Max(top, 0.05);
        Diagonal(plot, top, "Perfect calibration");
        if (holdout.Reliability.Count > 0)
        {
            var s = plot.Add.Scatter(holdout.Reliability.Select(b => b.MeanPredicted).ToArray(), holdout.Reliability.Select(b => b.ObservedRate).ToArray());
            s.LegendText = "Model (holdout deciles)";
            s.LineWidth = 2;
            s.MarkerSize = 8;
        }
        plot.Axes.SetLimits(0, top, 0, top);
        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot);
    }

    public static byte[] Lift(ClassificationMetrics holdout, string taskTitle)
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

    private static byte[] Png(Plot plot) => plot.GetImageBytes(Width, Height, ImageFormat.Png);
}
