using System.Globalization;
using System.Text;

namespace JourneyML.Core.Tests;

/// <summary>Builds a small export (customers, events, outcomes as CSV) in a temporary folder, row by row.</summary>
internal sealed class TestExport : IDisposable
{
    public static readonly DateTime DataAsOf = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime AsOf = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly List<string> _customers;
    private readonly string[] _attributes;
    private readonly List<string> _events = ["customer_id,occurred_at,type,channel,value"];
    private readonly List<string> _outcomes = ["customer_id,churned_at,converted_at"];

    /// <param name="attributes">Extra columns of the customers table (the customer's own columns: industry, seats, email...).</param>
    public TestExport(params string[] attributes)
    {
        Directory = TempFolder.Create("export");
        _attributes = attributes;
        _customers = [string.Join(',', ["customer_id", "account_id", "signed_up_at", "plan", "role", "region", .. attributes.Select(Quote)])];
    }

    public string Directory { get; }

    /// <summary>The customers file's lines as given (header first), instead of the rows added by <see cref="Customer"/>: for columns of one's own.</summary>
    public IReadOnlyList<string>? CustomersFile { get; set; }

    /// <param name="attributes">Values of the extra columns, in the order given to the constructor (null or missing: blank).</param>
    public TestExport Customer(string id, DateTime signedUp, string? account = null, string plan = "pro", string? role = null, string? region = "emea",
        params string?[] attributes)
    {
        var extra = _attributes.Select((_, i) => i < attributes.Length ? Quote(attributes[i] ?? "") : "");
        _customers.Add(string.Join(',', [$"{id},{account},{Iso(signedUp)},{plan},{role},{region}", .. extra]));
        return this;
    }

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    public TestExport Event(string id, DateTime at, string type, string? channel = "app", double? value = null)
    {
        _events.Add($"{id},{Iso(at)},{type},{channel},{value?.ToString(CultureInfo.InvariantCulture)}");
        return this;
    }

    public TestExport Outcome(string id, DateTime? churnedAt, DateTime? convertedAt)
    {
        _outcomes.Add($"{id},{(churnedAt is { } c ? Iso(c) : "")},{(convertedAt is { } v ? Iso(v) : "")}");
        return this;
    }

    /// <summary>
    /// The default mapping, keeping impossible timelines (events before signup, activity after churn, outcomes before
    /// signup): for random exports that plant them on purpose to test something else.
    /// </summary>
    public const string KeepingImpossibleTimelines = """
        { "dataAsOf": "2026-07-01T00:00:00Z", "dataStart": "2025-01-01T00:00:00Z",
          "timelines": { "eventsBeforeSignup": "keep", "activityAfterChurn": "keep", "outcomesBeforeSignup": "keep" } }
        """;

    /// <summary>Writes the files; events may be split across several files in an events/ folder.</summary>
    public string Write(int eventFiles = 1, string mapping = """{ "dataAsOf": "2026-07-01T00:00:00Z", "dataStart": "2025-01-01T00:00:00Z" }""")
    {
        File.WriteAllLines(Path.Combine(Directory, "customers.csv"), CustomersFile ?? _customers, Encoding.UTF8);
        if (eventFiles == 1)
        {
            File.WriteAllLines(Path.Combine(Directory, "events.csv"), _events);
        }
        else
        {
            var folder = Path.Combine(Directory, "events");
            System.IO.Directory.CreateDirectory(folder);
            var rows = _events.Skip(1).ToList();
            for (int f = 0; f < eventFiles; f++)
            {
                var part = rows.Where((_, i) => i % eventFiles == f).Prepend(_events[0]);
                File.WriteAllLines(Path.Combine(folder, $"part-{f:D3}.csv"), part);
            }
        }
        if (_outcomes.Count > 1)
        {
            File.WriteAllLines(Path.Combine(Directory, "outcomes.csv"), _outcomes);
        }
        File.WriteAllText(Path.Combine(Directory, "journeyml.json"), mapping);
        return Directory;
    }

    public static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public void Dispose() => TempFolder.TryDelete(Directory);
}
