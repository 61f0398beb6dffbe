namespace JourneyML.Core.Data;

/// <summary>What to do with one kind of impossible timeline.</summary>
public enum TimelineRule
{
    /// <summary>Default: an invalid row like any other (strict runs fail, <c>--skip-invalid</c> skips and counts it).</summary>
    Reject,
    /// <summary>Use the row as it is and count it in the report: for exports where it is explainable (see the README).</summary>
    Keep,
}

/// <summary>
/// The mapping's <c>timelines</c> settings: which impossible timelines are rejected and which are kept. Each kind is
/// counted either way; none is dropped silently.
/// </summary>
public sealed record TimelinesMapping
{
    /// <summary>
    /// An event more than <see cref="GraceDays"/> before the customer's <c>signed_up_at</c>. Web page visits are never
    /// counted: marketing tools attach a visitor's anonymous visits to the contact when they sign up.
    /// Keep: the event counts as any other event (tenure still starts at signed_up_at).
    /// </summary>
    public TimelineRule EventsBeforeSignup { get; set; } = TimelineRule.Reject;

    /// <summary>
    /// Usage (logins, tickets, downgrades) more than <see cref="GraceDays"/> after the customer's last churn (outcomes
    /// churned_at, or else the last cancellation event) with no purchase, renewal, upgrade or trial after that churn.
    /// Keep: the events count as any other event; the customer stays churned.
    /// </summary>
    public TimelineRule ActivityAfterChurn { get; set; } = TimelineRule.Reject;

    /// <summary>An outcomes row whose churned_at or converted_at is more than <see cref="GraceDays"/> before signed_up_at. Keep: the outcome is used as given.</summary>
    public TimelineRule OutcomesBeforeSignup { get; set; } = TimelineRule.Reject;

    /// <summary>
    /// How far apart two systems' clocks may be before a timeline counts as impossible (default 1 day: covers time
    /// zones and a sign-up row written a moment after the first login).
    /// </summary>
    public double GraceDays { get; set; } = 1;

    internal long GraceTicks => (long)(GraceDays * TimeSpan.TicksPerDay);
}
