namespace JourneyML.TestSupport;

/// <summary>A clock that always says the same instant (for the runs' injectable <c>Clock</c> options).</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public FixedClock(DateTime utc) : this(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)))
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The system clock moved by a fixed amount (a run "tomorrow").</summary>
public sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
}
