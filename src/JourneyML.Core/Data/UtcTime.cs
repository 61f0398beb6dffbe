namespace JourneyML.Core.Data;

/// <summary>
/// The one UTC rule: JourneyML's times are UTC. A time that says it is UTC stays; a local time is converted; a time that
/// says nothing (a date from a command line, a query string or a file without an offset) is taken as UTC.
/// </summary>
public static class UtcTime
{
    public static DateTime Normalize(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    public static DateTime? Normalize(DateTime? time) => time is { } t ? Normalize(t) : null;

    /// <summary>Midnight UTC of the day a date names, for dates given as days (yyyy-MM-dd): the kind says nothing of a zone.</summary>
    public static DateTime Day(DateTime date) => DateTime.SpecifyKind(date.Date, DateTimeKind.Utc);

    public static DateTime? Day(DateTime? date) => date is { } d ? Day(d) : null;

    /// <summary>A time from a caller that must already be UTC or unspecified: a local time here means a zone mix-up.</summary>
    public static DateTime RequireUtc(DateTime time, string what)
    {
        if (time.Kind == DateTimeKind.Local)
        {
            throw new InvalidInputException($"{what} must be UTC");
        }
        return DateTime.SpecifyKind(time, DateTimeKind.Utc);
    }

    /// <summary>A moment from ticks known to be UTC.</summary>
    public static DateTime FromTicks(long ticks) => new(ticks, DateTimeKind.Utc);
}
