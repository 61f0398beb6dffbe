using System.Globalization;
using System.Text;

namespace JourneyML.Api.Serving;

/// <summary>Paging through a list by an opaque cursor (the position after the last row returned).</summary>
public static class Cursor
{
    /// <summary>The reason a cursor is refused.</summary>
    public const string NotOurs = "not a cursor from this list: use the nextCursor of the previous page";

    public static string Encode(int position) => Convert.ToBase64String(Encoding.ASCII.GetBytes("p:" + position.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The position a cursor stands for; null when the cursor is not one of ours.</summary>
    public static int? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("p:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A cursor past the end of the list was not handed out by it (nextCursor is never past the end): 400 naming the cursor.</summary>
    public static void CheckWithin(int position, int length)
    {
        if (position > length)
        {
            throw Errors.RequestValidationException.For("cursor", NotOurs);
        }
    }

    /// <summary>True when the request asks for CSV (Accept: text/csv, or format=csv).</summary>
    public static bool WantsCsv(HttpRequest request, string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));
}
