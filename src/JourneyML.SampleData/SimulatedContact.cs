using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>Where a contact stands in the lifecycle at the reference as-of date.</summary>
internal enum LifecycleStatus : byte
{
    Lead,
    Customer,
    Churned,
}

/// <summary>The touchpoint an event came through; <see cref="None"/> is written as a missing value.</summary>
internal enum Channel : byte
{
    None = 0,
    Web,
    App,
    Email,
    Support,
    Sales,
    Webinar,
}

/// <summary>One simulated event; times are whole seconds since the data start, <see cref="double.NaN"/> means no value.</summary>
internal readonly record struct SimEvent(long Second, EventKind Kind, Channel Channel, double Value) : IComparable<SimEvent>
{
    public int CompareTo(SimEvent other)
    {
        int c = Second.CompareTo(other.Second);
        return c != 0 ? c : Kind.CompareTo(other.Kind);
    }
}

/// <summary>A simulated contact with its attributes, its events and the ground truth about it.</summary>
internal sealed class SimulatedContact
{
    public required string CustomerId { get; init; }
    public required string AccountId { get; init; }
    public required long SignedUpSecond { get; init; }
    public required string Plan { get; init; }

    /// <summary>The role as exported (null when the export lacks it; the simulation knows the true one).</summary>
    public required string? Role { get; init; }

    public required string? Region { get; init; }
    public required string CompanySize { get; init; }
    public required string Industry { get; init; }
    public required int SegmentId { get; init; }
    public required LifecycleStatus StatusAtAsOf { get; init; }
    public double? ChurnProbability { get; set; }
    public double? ConversionProbability { get; set; }
    public bool ChurnedInHorizon { get; set; }
    public bool ConvertedInHorizon { get; set; }
    public long? ChurnedSecond { get; set; }
    public long? ConvertedSecond { get; set; }
    public List<SimEvent> Events { get; } = new(128);
}
