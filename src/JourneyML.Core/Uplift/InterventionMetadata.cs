using JourneyML.Core.Prediction;

namespace JourneyML.Core.Uplift;

/// <summary>
/// What a model version knows about interventions: each kind's measured effect, its effect per segment (the uplift a
/// customer of that segment is scored with), the Qini curves, and the assumptions the numbers rest on, in words.
/// Absent (null) when the training data had no interventions table.
/// </summary>
public sealed record InterventionMetadata(DateTime AsOf, int HorizonDays, int ContactWindowDays, double Trim, IReadOnlyList<KindUplift> Kinds)
{
    /// <summary>Segment id (as text) to the segment's name, for the per-segment effects.</summary>
    public IReadOnlyDictionary<string, string> SegmentNames { get; init; } = new Dictionary<string, string>();

    /// <summary>The same names in Japanese; empty in metadata written before them (readers fall back to <see cref="SegmentNames"/>).</summary>
    public IReadOnlyDictionary<string, string> SegmentNamesJapanese { get; init; } = new Dictionary<string, string>();

    /// <summary>A segment's name in a language: the Japanese one where asked for and written, the English one otherwise.</summary>
    public string? SegmentNameIn(string segment, bool japanese) =>
        japanese && SegmentNamesJapanese.GetValueOrDefault(segment) is { Length: > 0 } ja ? ja : SegmentNames.GetValueOrDefault(segment);

    /// <summary>The assumptions behind the estimates, one sentence each (<see cref="AssumptionsInWords"/>).</summary>
    public IReadOnlyList<string> Assumptions { get; init; } = AssumptionsInWords;

    public static IReadOnlyList<string> AssumptionsInWords { get; } =
    [
        "An effect is the reduction in the probability of churning within the horizon when the intervention comes at the as-of date (within the contact window); 0.05 is 5 fewer churners per 100 customers contacted.",
        "Randomised holdouts assume only that the arms were drawn at random.",
        "Without a control arm, the estimate assumes no unmeasured confounders: whatever made CS contact a customer and also makes them churn is in the features. A reason CS knew and the data does not (the customer said they were leaving) biases it, in a direction nobody can tell.",
        "It also assumes overlap: customers like the contacted ones were also left alone. Customers with a propensity below the trim or above one minus it are left out, and counted.",
        "One customer's contact is assumed not to change another's churn (no spill-over inside an account).",
        "The naive comparison (not contacted minus contacted) is shown for contrast: it is biased when CS contacts the riskiest first.",
    ];

    /// <summary>The uplift of a kind for a customer of a segment: the segment's measured effect, else the kind's; null when neither was measured.</summary>
    public double? UpliftOf(string kind, int segment)
    {
        var k = Kinds.FirstOrDefault(x => x.Kind == kind);
        if (k is null)
        {
            return null;
        }
        var id = segment.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return k.Segments.FirstOrDefault(s => s.Segment == id)?.Effect ?? k.Effect.Effect;
    }

    /// <summary>
    /// The 95% interval of <see cref="UpliftOf"/>: the segment's (shrunken) interval, else the kind's; null when neither was
    /// measured. A customer is ranked on a clear effect only when it excludes 0.
    /// </summary>
    public Interval95? UpliftIntervalOf(string kind, int segment)
    {
        var k = Kinds.FirstOrDefault(x => x.Kind == kind);
        var id = segment.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return k is null ? null : k.Segments.FirstOrDefault(s => s.Segment == id && s.Effect is not null)?.Interval ?? k.Effect.Interval;
    }

    /// <summary>The kinds whose effect could be measured (the ones a customer can be scored with), in the metadata's order.</summary>
    public IEnumerable<string> MeasuredKinds => Kinds.Where(k => k.Effect.Effect is not null).Select(k => k.Kind);

    /// <summary>The kind with the largest positive uplift for a customer of a segment, among the measured kinds; null when none helps.</summary>
    public string? BestAction(int segment) => Kinds.Where(k => k.Effect.Effect is not null)
        .Select(k => (k.Kind, Uplift: UpliftOf(k.Kind, segment) ?? 0))
        .Where(x => x.Uplift > 0)
        .OrderByDescending(x => x.Uplift).ThenBy(x => x.Kind, StringComparer.Ordinal)
        .Select(x => (string?)x.Kind).FirstOrDefault();
}
