using JourneyML.Core.Uplift;

namespace JourneyML.Core.Reports;

/// <summary>The report's "Interventions" section: each kind's effect with its interval, per segment, the Qini curves, the assumptions in words.</summary>
internal sealed partial class ReportBuilder
{
    private void Interventions()
    {
        if (metadata.Interventions is not { } iv)
        {
            return;
        }
        Heading(2, "Interventions and their effect", "interventions");
        Paragraph($"for each kind of intervention in the interventions table, the reduction in the probability of churning within {iv.HorizonDays} days " +
            $"when it comes at the as-of date {Format.Date(iv.AsOf)} (within {iv.ContactWindowDays} days of it): +0.050 is 5 fewer churners per 100 customers contacted. " +
            "Randomised holdouts (a control arm) give a difference in churn rates; kinds without one a doubly robust estimate over the features (docs/models.md).", "What it is:");
        _blocks.Add(new TableBlock([new("Kind"), new("Measured by"), new("Treated", true), new("Compared", true), new("Effect", true), new("95% interval", true), new("Naive", true), new("Reads")],
            [.. iv.Kinds.Select(k => new TableRow([k.Kind, Design(k.Effect.Design), Format.Count(k.Effect.Treated), Format.Count(k.Effect.Comparison),
                k.Effect.Effect is { } e ? Format.Signed(e, 3) : Format.Missing, Interval(k.Effect.Interval), k.Effect.Naive is { } naive ? Format.Signed(naive, 3) : Format.Missing, Reads(k.Effect)]))]));
        foreach (var k in iv.Kinds)
        {
            KindDetail(iv, k);
        }
        Heading(3, "Assumptions", "interventions-assumptions");
        foreach (var assumption in iv.Assumptions)
        {
            Paragraph(assumption);
        }
    }

    private void KindDetail(InterventionMetadata iv, KindUplift k)
    {
        Heading(3, k.Kind, "intervention-" + k.Kind);
        if (k.Effect.Overlap is { } o)
        {
            Paragraph($"median propensity {Format.Ratio(o.TreatedMedian)} among the contacted and {Format.Ratio(o.ComparisonMedian)} among the rest; " +
                $"{Format.Percent(o.CommonSupport)} of customers lie where both groups' propensities overlap; {Format.Count(o.Trimmed)} trimmed (propensity below {Format.Number(o.TrimBelow, 2)} or above {Format.Number(1 - o.TrimBelow, 2)}).", "Overlap:");
        }
        if (k.Segments.Count > 0)
        {
            Paragraph("each segment's own estimate rests on its few treated customers, so it is pulled toward the kind's effect on the training accounts " +
                "(the segments' precision-weighted mean; it may differ from the effect above within its interval) by its precision (empirical Bayes, docs/models.md): " +
                "a small or noisy segment shows mostly that mean, a large one that really differs keeps its own. " +
                "A customer's uplift is their segment's effect; where its interval includes no effect, so does the customer's.", "Per segment:");
            _blocks.Add(new TableBlock([new("Segment"), new("Treated", true), new("Compared", true), new("Effect", true), new("95% interval", true), new("Own estimate", true), new("Reads")],
                [.. k.Segments.Select(s => new TableRow([iv.SegmentNames.GetValueOrDefault(s.Segment, s.Segment), Format.Count(s.Treated), Format.Count(s.Comparison),
                    s.Effect is { } e ? Format.Signed(e, 3) : "too small to say", Interval(s.Interval),
                    s.Unshrunken is { } own ? Format.Signed(own, 3) : Format.Missing, s.Effect is null ? "" : ReadsInterval(s.Interval)]))]));
        }
        if (k.ByUplift is { } up && k.ByRisk is { } risk)
        {
            Paragraph($"on {Format.Count(k.HoldoutCustomers)} held-out customers (whole accounts), ranking by uplift: Qini coefficient {Format.Signed(up.Coefficient, 4)}; " +
                $"ranking by churn risk: {Format.Signed(risk.Coefficient, 4)} (churners saved per customer beyond contacting at random, averaged over every budget).", "Qini:");
            _blocks.Add(new TableBlock([new("Share contacted", true), new("Saved, by uplift", true), new("Saved, by risk", true)],
                [.. up.Points.Zip(risk.Points).Where((_, i) => i % 2 == 0)
                    .Select(p => new TableRow([Format.Percent(p.First.Share), Format.Number(p.First.Saved, 1), Format.Number(p.Second.Saved, 1)]))]));
        }
        else if (k.QiniTooSmall is { } why)
        {
            Paragraph(why, "Qini:");
        }
    }

    private static string Design(EffectDesign design) => design == EffectDesign.RandomisedHoldout ? "randomised holdout" : "doubly robust (no control arm)";

    private static string Interval(Prediction.Interval95? i) => i is null ? Format.Missing : $"{Format.Signed(i.Low, 3)} to {Format.Signed(i.High, 3)}";

    private static string Reads(InterventionEffect e) => e.TooSmall ?? ReadsInterval(e.Interval);

    private static string ReadsInterval(Prediction.Interval95? interval) => interval is not { } i ? "" : i.Low > 0 ? "helps: fewer churners"
        : i.High < 0 ? "harms: more churners" : "no clear effect: the interval includes none";
}
