using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace JourneyML.Tools.BadInput;

/// <summary>
/// One kind of bad input: an HTTP request (or, for what an HTTP client cannot send, raw bytes on the socket) that a
/// client's mistake or an attacker could send. Every one must be answered 4xx. <see cref="ServerAnswersBare"/>: Kestrel
/// answers it itself, before any middleware, so it has no problem+json body.
/// </summary>
public sealed record BadInputCase(string Kind, string Method, string Path, string? Body = null, string? ContentType = "application/json",
    bool WithKey = false, IReadOnlyDictionary<string, string>? Headers = null, byte[]? Raw = null, bool ServerAnswersBare = false);

/// <summary>How the server answered one case.</summary>
public sealed record BadInputResult(BadInputCase Case, int Status, string? ContentType, string Body)
{
    public bool ClientError => Status is >= 400 and < 500;
    public bool ProblemJson => ContentType == "application/problem+json";
}

/// <summary>
/// The bad-input probe: many kinds of bad input fired at a running JourneyML API (wrong types, huge numbers, negative
/// counts, bad dates, path traversal, oversized headers, URLs and bodies, bad JSON, unknown fields, bad enum values, bad
/// paging cursors, missing keys), each counted by the class of its answer. Used by <c>journeyml-tools bench bad-input</c>
/// and by the API tests (this file is compiled into both, so they fire the same catalogue). Plain .NET only.
/// None of the cases changes the server's state when answered correctly (every write call is invalid or unkeyed).
/// </summary>
public static class BadInputProbe
{
    private const string Marker = "zq7probe";

    public static IReadOnlyList<BadInputCase> Cases()
    {
        var cases = new List<BadInputCase>();
        QueryCases(cases);
        PathCases(cases);
        PredictionCases(cases);
        BatchCases(cases);
        WhatIfCases(cases);
        WriteCases(cases);
        TransportCases(cases);
        return cases;
    }

    public static async Task<IReadOnlyList<BadInputResult>> RunAsync(Uri baseAddress, string? apiKey, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, MaxResponseHeadersLength = 1024 }) { BaseAddress = baseAddress };
        var results = new List<BadInputResult>();
        foreach (var c in Cases())
        {
            results.Add(c.Raw is not null ? await SendRawAsync(baseAddress, c, cancellationToken) : await SendAsync(client, c, apiKey, cancellationToken));
        }
        return results;
    }

    /// <summary>The totals as a few lines: kinds tried, answered 4xx, 5xx, 2xx or other, and every case not answered 4xx.</summary>
    public static string Summary(IReadOnlyList<BadInputResult> results)
    {
        var sb = new StringBuilder();
        int fourxx = results.Count(r => r.ClientError), fivexx = results.Count(r => r.Status >= 500), twoxx = results.Count(r => r.Status is >= 200 and < 300);
        sb.Append(CultureInfo.InvariantCulture, $"bad-input kinds tried: {results.Count}; answered 4xx: {fourxx}; 5xx: {fivexx}; 2xx: {twoxx}; other: {results.Count - fourxx - fivexx - twoxx}\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"4xx with a problem+json body: {results.Count(r => r.ClientError && r.ProblemJson)}; bare (Kestrel's own, before the pipeline): {results.Count(r => r.ClientError && !r.ProblemJson)}\n");
        foreach (var group in results.GroupBy(r => r.Status).OrderBy(g => g.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {group.Key}: {group.Count()}\n");
        }
        foreach (var r in results.Where(r => !r.ClientError))
        {
            sb.Append(CultureInfo.InvariantCulture, $"NOT 4xx: {r.Status} {r.Case.Kind} ({r.Case.Method} {Shorten(r.Case.Path)}): {Shorten(r.Body)}\n");
        }
        return sb.ToString();
    }

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "..." : text;

    private static async Task<BadInputResult> SendAsync(HttpClient client, BadInputCase c, string? apiKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
            if (c.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
            }
        }
        if (c.WithKey && apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
        }
        foreach (var (name, value) in c.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new BadInputResult(c, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        }
        catch (HttpRequestException e)
        {
            // The connection closed without an answer: not a 4xx.
            return new BadInputResult(c, 0, null, "no answer: " + e.Message);
        }
    }

    /// <summary>Raw bytes on a new connection; the status from the first answer line.</summary>
    private static async Task<BadInputResult> SendRawAsync(Uri baseAddress, BadInputCase c, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(c.Raw, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The server may answer and close before reading everything we send.
        }
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (answer.ToString() is var text && text.Contains("\r\n\r\n", StringComparison.Ordinal) && HasWholeBody(text))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        var all = answer.ToString();
        var parts = all.Split(' ', 3);
        int status = parts.Length >= 2 && int.TryParse(parts[1], out int s) ? s : 0;
        var contentType = all.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Split(';')[0].Trim();
        return new BadInputResult(c, status, contentType, all);
    }

    private static bool HasWholeBody(string text)
    {
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var length = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null || (int.TryParse(length.Split(':', 2)[1].Trim(), out int n) && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= n);
    }

    private static void Get(List<BadInputCase> cases, string kind, string path) => cases.Add(new BadInputCase(kind, "GET", path));

    private static void QueryCases(List<BadInputCase> cases)
    {
        string[] notWhole = ["abc", "1.5", "99999999999999999999", "1e3", "0x10", Marker];
        foreach (var v in notWhole)
        {
            Get(cases, $"churn-risk top not a whole number ({v})", $"/v1/churn-risk?top={Uri.EscapeDataString(v)}");
        }
        foreach (var v in new[] { "-1", "0", "10001", "2147483647" })
        {
            Get(cases, $"churn-risk top out of range ({v})", $"/v1/churn-risk?top={v}");
        }
        foreach (var v in new[] { "abc", "NaN", "Infinity", "-0.5", "1.5", "1e309" })
        {
            Get(cases, $"churn-risk minRisk bad ({v})", $"/v1/churn-risk?minRisk={Uri.EscapeDataString(v)}");
        }
        Get(cases, "churn-risk segment not a number", "/v1/churn-risk?segment=first");
        Get(cases, "churn-risk segment overflows", "/v1/churn-risk?segment=99999999999");
        foreach (var v in new[] { "zzz", "cDotMQ==", "cDo5OTk5OTk5OTk=", "cDoxZQ==", "%%%", "eDox", Marker })
        {
            Get(cases, $"churn-risk bad paging cursor ({v})", $"/v1/churn-risk?cursor={Uri.EscapeDataString(v)}");
        }
        Get(cases, "churn-risk unknown format", "/v1/churn-risk?format=xml");
        Get(cases, "churn-risk unknown layout", "/v1/churn-risk?layout=marketo");
        Get(cases, "churn-risk layout with traversal", "/v1/churn-risk?layout=..%2F..%2Fetc%2Fpasswd");
        Get(cases, "churn-risk excel not a boolean", "/v1/churn-risk?excel=maybe");
        Get(cases, "churn-risk format in upper case and unknown", "/v1/churn-risk?format=JSONP");
        foreach (var v in new[] { "abc", "-1", "0", "10001", "1.5" })
        {
            Get(cases, $"segment members limit bad ({v})", $"/v1/segments/0/members?limit={v}");
        }
        Get(cases, "segment members bad cursor", "/v1/segments/0/members?cursor=bm90LW91cnM=");
        Get(cases, "segment members cursor past the end", "/v1/segments/0/members?cursor=cDo5OTk5OTk5");
        Get(cases, "segment members unknown format", "/v1/segments/0/members?format=parquet");
        Get(cases, "segment members unknown layout", "/v1/segments/0/members?layout=pipedrive");
        Get(cases, "segment members excel not a boolean", "/v1/segments/0/members?excel=2");
        Get(cases, "segment id not a number", "/v1/segments/abc");
        Get(cases, "segment id negative and unknown", "/v1/segments/-1");
        Get(cases, "segment id unknown", "/v1/segments/9999");
        Get(cases, "segment id overflows", "/v1/segments/99999999999999");
        Get(cases, "segment members of an unknown segment", "/v1/segments/9999/members");
        foreach (var (name, query) in new[]
        {
            ("journey-map unknown format", "format=pdf"), ("journey-map from not a date", "from=yesterday"), ("journey-map to not a date", "to=2026-13-45"),
            ("journey-map to before from", "from=2026-06-01&to=2026-01-01"), ("journey-map stepDays zero", "stepDays=0"), ("journey-map stepDays huge", "stepDays=100000"),
            ("journey-map stepDays not a number", "stepDays=weekly"), ("journey-map segment not a number", "segment=big"), ("journey-map unknown segment", "segment=9999"),
            ("journey-map account too long", "account=" + new string('a', 300)), ("journey-map from = to", "from=2026-01-01&to=2026-01-01"),
        })
        {
            Get(cases, name, "/v1/journey-map?" + query);
        }
        Get(cases, "alerts since not a date", "/v1/alerts?since=last-week");
        Get(cases, "alerts since a bad day", "/v1/alerts?since=2026-02-30");
        Get(cases, "alerts since with a marker", $"/v1/alerts?since={Marker}");
    }

    private static void PathCases(List<BadInputCase> cases)
    {
        foreach (var (name, path) in new[]
        {
            ("customer unknown", $"/v1/customers/{Marker}"), ("customer id path traversal (encoded)", "/v1/customers/..%2F..%2F..%2Fetc%2Fpasswd"),
("customer id of 2,000 characters", "/v1/customers/" + new string('C', 2000)),
            ("customer id with script", "/v1/customers/%3Cscript%3Ealert(1)%3C%2Fscript%3E"), ("customer id with a quote", "/v1/customers/C'%20OR%20'1'='1"),
            ("account unknown", $"/v1/accounts/{Marker}"), ("account id path traversal (encoded)", "/v1/accounts/..%2F..%2F..%2Fetc%2Fpasswd"),
            ("account id of dots", "/v1/accounts/%2E%2E"), ("model version path traversal", "/v1/models/..%2F..%2Fetc%2Fpasswd"),
            ("model version not a version", "/v1/models/latest"), ("model version unknown", "/v1/models/20990101-000000-deadbeef"),
            ("model version with a backslash", "/v1/models/..%5C..%5Cwindows"), ("job id unknown", "/v1/jobs/no-such-job"),
            ("job id path traversal", "/v1/jobs/..%2F..%2Fetc%2Fpasswd"), ("unknown route", "/v1/customer"), ("unknown api version", "/v2/churn-risk"),
            ("path traversal outside the api", "/..%2F..%2Fetc%2Fpasswd"), ("openapi document that does not exist", "/openapi/v2.json"),
            ("double slashes", "/v1//customers//"), ("unknown health check", "/health/everything"),
        })
        {
            Get(cases, name, path);
        }
        // Kestrel refuses an encoded null byte in the path itself (400, no body).
        cases.Add(new BadInputCase("customer id with a null byte", "GET", "/v1/customers/C%00001", ServerAnswersBare: true));
        cases.Add(new BadInputCase("method not allowed on a list", "DELETE", "/v1/churn-risk"));
        cases.Add(new BadInputCase("method not allowed on predictions", "GET", "/v1/predictions"));
        cases.Add(new BadInputCase("method not allowed on a customer", "PUT", "/v1/customers/C000001", "{}"));
        cases.Add(new BadInputCase("unknown HTTP method", "BREW", "/v1/churn-risk"));
    }

    private const string Profile = """{"customerId":"p1","signedUpAt":"2026-01-01T00:00:00Z","plan":"pro"}""";
    private const string GoodEvent = """{"occurredAt":"2026-06-01T00:00:00Z","type":"login"}""";

    private static string ProfileBody(string profile = Profile, string events = "[" + GoodEvent + "]", string asOf = "\"2026-07-01T00:00:00Z\"", string extra = "") =>
        $$"""{"profile":{{profile}},"events":{{events}},"asOf":{{asOf}}{{extra}}}""";

    private static void Post(List<BadInputCase> cases, string kind, string path, string? body, string? contentType = "application/json") =>
        cases.Add(new BadInputCase(kind, "POST", path, body, contentType));

    private static void PredictionCases(List<BadInputCase> cases)
    {
        const string p = "/v1/predictions";
        foreach (var (name, body) in new[]
        {
            ("prediction body not JSON", "customer C1 please"), ("prediction body truncated", """{ "customerId": """), ("prediction body an array", "[1,2,3]"),
            ("prediction body a number", "42"), ("prediction body a string", "\"C000001\""), ("prediction body null", "null"), ("prediction body empty object", "{}"),
            ("prediction body with comments", """{ /* hi */ "customerId": "c", "features": {} }"""), ("prediction body trailing comma", """{ "customerId": "c", }"""),
            ("prediction body single quotes", "{ 'customerId': 'c' }"), ("prediction body leading zeros", """{ "customerId": "c", "features": { "logins_30d": 007 } }"""),
            ("prediction body nested 2,000 deep", new string('[', 2000) + new string(']', 2000)),
            ("prediction features an array", """{ "customerId": "c", "features": [1, 2] }"""),
            ("prediction features a string", """{ "customerId": "c", "features": "logins_30d=3" }"""),
            ("prediction feature an object", """{ "customerId": "c", "features": { "logins_30d": { "value": 3 } } }"""),
            ("prediction feature text for a number", """{ "customerId": "c", "features": { "logins_30d": "many" } }"""),
            ("prediction feature NaN as text", """{ "customerId": "c", "features": { "logins_30d": "NaN" } }"""),
            ("prediction feature 1e300", """{ "customerId": "c", "features": { "logins_30d": 1e300 } }"""),
            ("prediction feature 1e39 (past a float)", """{ "customerId": "c", "features": { "logins_30d": 1e39 } }"""),
            ("prediction feature 1e400 (past a double)", """{ "customerId": "c", "features": { "logins_30d": 1e400 } }"""),
            ("prediction feature negative count", """{ "customerId": "c", "features": { "logins_30d": -5 } }"""),
            ("prediction feature negative days", """{ "customerId": "c", "features": { "days_since_last_login": -3 } }"""),
            ("prediction feature boolean", """{ "customerId": "c", "features": { "logins_30d": true } }"""),
            ("prediction feature a number for a category", """{ "customerId": "c", "features": { "plan": 3 } }"""),
            ("prediction unknown feature", $$"""{ "customerId": "c", "features": { "{{Marker}}": 1 } }"""),
            ("prediction unknown field", """{ "customerId": "c", "features": {}, "priority": "high" }"""),
            ("prediction misspelt field", """{ "customerID": "c", "feature": { "logins_30d": 3 } }"""),
            ("prediction unknown status", $$"""{ "customerId": "c", "status": "{{Marker}}", "features": {} }"""),
            ("prediction status a number", """{ "customerId": "c", "status": 1, "features": {} }"""),
            ("prediction no customer id", """{ "features": { "logins_30d": 3 } }"""),
            ("prediction customer id a number", """{ "customerId": 42, "features": {} }"""),
            ("prediction customer id of 201 characters", $$"""{ "customerId": "{{new string('c', 201)}}", "features": {} }"""),
            ("prediction customer id an invalid surrogate", """{ "customerId": "\ud800", "features": {} }"""),
            ("prediction events with a feature row", """{ "customerId": "c", "features": {}, "events": [{"occurredAt":"2026-06-01T00:00:00Z","type":"login"}] }"""),
            ("profile asOf 9999-12-31", ProfileBody(asOf: "\"9999-12-31T00:00:00Z\"")),
            ("profile asOf year 0001", ProfileBody(asOf: "\"0001-01-01T00:00:00Z\"")),
            ("profile asOf not a date", ProfileBody(asOf: "\"next tuesday\"")),
            ("profile asOf a number", ProfileBody(asOf: "20260701")),
            ("profile asOf February 30", ProfileBody(asOf: "\"2026-02-30T00:00:00Z\"")),
            ("profile historyFrom after asOf", ProfileBody(extra: ",\"historyFrom\":\"2026-08-01T00:00:00Z\"")),
            ("profile historyFrom 9999", ProfileBody(extra: ",\"historyFrom\":\"9999-01-01T00:00:00Z\"")),
            ("profile without plan", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"2026-01-01T00:00:00Z"}""")),
            ("profile without sign-up", ProfileBody(profile: """{"customerId":"p1","plan":"pro"}""")),
            ("profile sign-up after asOf", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"2026-09-01T00:00:00Z","plan":"pro"}""")),
            ("profile sign-up year 0001", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"0001-01-01T00:00:00Z","plan":"pro"}""")),
            ("profile sign-up not a date", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"a while ago","plan":"pro"}""")),
            ("profile churnedAt 9999", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"2026-01-01T00:00:00Z","plan":"pro","churnedAt":"9999-01-01T00:00:00Z"}""")),
            ("profile customerSince 1000", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"2026-01-01T00:00:00Z","plan":"pro","customerSince":"1000-01-01T00:00:00Z"}""")),
            ("profile plan of 101 characters", ProfileBody(profile: $$"""{"customerId":"p1","signedUpAt":"2026-01-01T00:00:00Z","plan":"{{new string('p', 101)}}"}""")),
            ("profile unknown field", ProfileBody(profile: """{"customerId":"p1","signedUpAt":"2026-01-01T00:00:00Z","plan":"pro","tier":"gold"}""")),
            ("profile a string", ProfileBody(profile: "\"p1\"")),
            ("event without a date", ProfileBody(events: """[{"type":"login"}]""")),
            ("event date null", ProfileBody(events: """[{"occurredAt":null,"type":"login"}]""")),
            ("event date not a date", ProfileBody(events: """[{"occurredAt":"soon","type":"login"}]""")),
            ("event date year 0001", ProfileBody(events: """[{"occurredAt":"0001-01-01T00:00:00Z","type":"login"}]""")),
            ("event after asOf", ProfileBody(events: """[{"occurredAt":"2026-08-01T00:00:00Z","type":"login"}]""")),
            ("event unknown type", ProfileBody(events: $$"""[{"occurredAt":"2026-06-01T00:00:00Z","type":"{{Marker}}"}]""")),
            ("event type path traversal", ProfileBody(events: """[{"occurredAt":"2026-06-01T00:00:00Z","type":"../../etc/passwd"}]""")),
            ("event without a type", ProfileBody(events: """[{"occurredAt":"2026-06-01T00:00:00Z"}]""")),
            ("event value 1e300", ProfileBody(events: """[{"occurredAt":"2026-06-01T00:00:00Z","type":"login","value":1e300}]""")),
            ("event value 1e39", ProfileBody(events: """[{"occurredAt":"2026-06-01T00:00:00Z","type":"login","value":1e39}]""")),
            ("event value text", ProfileBody(events: """[{"occurredAt":"2026-06-01T00:00:00Z","type":"login","value":"ten"}]""")),
            ("event unknown field", ProfileBody(events: """[{"occurredAt":"2026-06-01T00:00:00Z","type":"login","user":"x"}]""")),
            ("events not a list", ProfileBody(events: "{}")),
            ("events a list of numbers", ProfileBody(events: "[1,2,3]")),
            ("event type of 101 characters", ProfileBody(events: $$"""[{"occurredAt":"2026-06-01T00:00:00Z","type":"{{new string('t', 101)}}"}]""")),
        })
        {
            Post(cases, name, p, body);
        }
        Post(cases, "prediction body empty", p, "");
        Post(cases, "prediction body without a content type", p, """{ "customerId": "c", "features": {} }""", contentType: null);
        Post(cases, "prediction body as text/plain", p, """{ "customerId": "c", "features": {} }""", "text/plain");
        Post(cases, "prediction body as form data", p, "customerId=c&logins_30d=3", "application/x-www-form-urlencoded");
        Post(cases, "prediction body as XML", p, "<customer id=\"c\"/>", "application/xml");
        cases.Add(new BadInputCase("prediction body invalid UTF-8", "POST", p, Raw: RawPost(p, [0x7B, 0x22, 0x63, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])));
        cases.Add(new BadInputCase("prediction body Content-Length over the limit", "POST", p,
            Raw: Encoding.ASCII.GetBytes($"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40000000\r\nConnection: close\r\n\r\n{{")));
    }

    private static byte[] RawPost(string path, byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];

    private static void BatchCases(List<BadInputCase> cases)
    {
        const string p = "/v1/predictions/batch";
        var many = "{\"customers\":[" + string.Join(",", Enumerable.Repeat("""{"customerId":"c","features":{}}""", 10_001)) + "]}";
        foreach (var (name, body) in new[]
        {
            ("batch without customers", "{}"), ("batch customers not a list", """{ "customers": { "customerId": "c" } }"""),
            ("batch customers null", """{ "customers": null }"""), ("batch over 10,000 customers", many),
            ("batch one bad customer", """{ "customers": [ { "customerId": "a", "features": {} }, { "customerId": "b", "features": { "logins_30d": -1 } } ] }"""),
            ("batch profiles with different asOf", "{\"customers\":[" + ProfileBody() + "," + ProfileBody(asOf: "\"2026-06-15T00:00:00Z\"") + "]}"),
            ("batch the same profile twice", "{\"customers\":[" + ProfileBody() + "," + ProfileBody() + "]}"),
            ("batch unknown field", """{ "customers": [], "dryRun": true }"""), ("batch body an array", """[ { "customerId": "c" } ]"""),
        })
        {
            Post(cases, name, p, body);
        }
    }

    private static void WhatIfCases(List<BadInputCase> cases)
    {
        const string p = "/v1/what-if";
        const string customer = """{ "customerId": "c", "features": { "logins_30d": 3, "logins_prev_30d": 9 } }""";
        string Changes(string changes) => $$"""{ "customer": {{customer}}, "changes": {{changes}} }""";
        foreach (var (name, body) in new[]
        {
            ("what-if without customer", """{ "changes": [ { "feature": "logins_30d", "value": 5 } ] }"""), ("what-if without changes", $$"""{ "customer": {{customer}} }"""),
            ("what-if empty changes", Changes("[]")), ("what-if changes not a list", Changes("""{ "feature": "logins_30d" }""")),
            ("what-if unknown feature", Changes($$"""[ { "feature": "{{Marker}}", "value": 1 } ]""")),
            ("what-if value 1e300", Changes("""[ { "feature": "logins_30d", "value": 1e300 } ]""")),
            ("what-if value negative count", Changes("""[ { "feature": "logins_30d", "value": -5 } ]""")),
            ("what-if value text for a number", Changes("""[ { "feature": "logins_30d", "value": "more" } ]""")),
            ("what-if both value and sameAs", Changes("""[ { "feature": "logins_30d", "value": 5, "sameAs": "logins_prev_30d" } ]""")),
            ("what-if neither value nor sameAs", Changes("""[ { "feature": "logins_30d" } ]""")),
            ("what-if sameAs unknown", Changes("""[ { "feature": "logins_30d", "sameAs": "logins_next_30d" } ]""")),
            ("what-if sameAs of another kind", Changes("""[ { "feature": "logins_30d", "sameAs": "plan" } ]""")),
            ("what-if the same feature twice", Changes("""[ { "feature": "logins_30d", "value": 5 }, { "feature": "logins_30d", "value": 6 } ]""")),
            ("what-if change with an unknown field", Changes("""[ { "feature": "logins_30d", "value": 5, "until": "2027-01-01" } ]""")),
            ("what-if customer with a bad feature", """{ "customer": { "customerId": "c", "features": { "logins_30d": "x" } }, "changes": [ { "feature": "logins_30d", "value": 5 } ] }"""),
        })
        {
            Post(cases, name, p, body);
        }
    }

    /// <summary>State-changing calls: without the key (401 or 403), and with it but invalid (400): none may change anything.</summary>
    private static void WriteCases(List<BadInputCase> cases)
    {
        cases.Add(new BadInputCase("promote without a key", "POST", "/v1/models/20990101-000000-deadbeef/promote", "{}"));
        cases.Add(new BadInputCase("promote with a wrong key", "POST", "/v1/models/20990101-000000-deadbeef/promote", "{}", Headers: new Dictionary<string, string> { ["X-Api-Key"] = "wrong" }));
        cases.Add(new BadInputCase("promote with a 10 KB key", "POST", "/v1/models/20990101-000000-deadbeef/promote", "{}", Headers: new Dictionary<string, string> { ["X-Api-Key"] = new string('k', 10_000) }));
        cases.Add(new BadInputCase("rollback without a key", "POST", "/v1/models/rollback"));
        cases.Add(new BadInputCase("retrain without a key", "POST", "/v1/jobs/retrain", "{}"));
        cases.Add(new BadInputCase("webhooks without a key", "GET", "/v1/webhooks"));
        cases.Add(new BadInputCase("set webhooks without a key", "PUT", "/v1/webhooks", """{ "urls": [] }"""));
        cases.Add(new BadInputCase("promote an invalid version (keyed)", "POST", "/v1/models/..%2F..%2Fetc/promote", "{}", WithKey: true));
        cases.Add(new BadInputCase("promote an unknown version (keyed)", "POST", "/v1/models/20990101-000000-deadbeef/promote", "{}", WithKey: true));
        cases.Add(new BadInputCase("promote with a 501-character reason (keyed)", "POST", "/v1/models/20990101-000000-deadbeef/promote",
            $$"""{ "reason": "{{new string('r', 501)}}" }""", WithKey: true));
        cases.Add(new BadInputCase("promote with an unknown field (keyed)", "POST", "/v1/models/20990101-000000-deadbeef/promote", """{ "force": true }""", WithKey: true));
        foreach (var (name, body) in new[]
        {
            ("retrain data outside the data roots (keyed)", """{ "data": "/etc" }"""), ("retrain data path traversal (keyed)", """{ "data": "../../../../etc" }"""),
            ("retrain horizon negative (keyed)", """{ "data": "/etc", "horizonDays": -1 }"""), ("retrain horizon not a number (keyed)", """{ "horizonDays": "ninety" }"""),
            ("retrain segments 1,000 (keyed)", """{ "data": "/etc", "segments": 1000 }"""), ("retrain tolerance 2 (keyed)", """{ "data": "/etc", "tolerance": 2 }"""),
            ("retrain asOf not a date (keyed)", """{ "asOf": "tomorrow" }"""), ("retrain unknown field (keyed)", """{ "trainer": "gpt" }"""),
            ("retrain body not JSON (keyed)", "retrain now"),
        })
        {
            cases.Add(new BadInputCase(name, "POST", "/v1/jobs/retrain", body, WithKey: true));
        }
        foreach (var (name, body) in new[]
        {
            ("webhooks not a URL (keyed)", """{ "urls": ["not a url"] }"""), ("webhooks ftp URL (keyed)", """{ "urls": ["ftp://example.com/x"] }"""),
            ("webhooks URL with credentials (keyed)", """{ "urls": ["https://user:pass@example.com/hook"] }"""),
            ("webhooks 21 URLs (keyed)", "{\"urls\":[" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"https://example.com/{i}\"")) + "]}"),
            ("webhooks without urls (keyed)", "{}"), ("webhooks urls a string (keyed)", """{ "urls": "https://example.com" }"""),
            ("webhooks file URL (keyed)", """{ "urls": ["file:///etc/passwd"] }"""),
            ("webhooks cloud metadata address (keyed)", """{ "urls": ["http://169.254.169.254/latest/meta-data/"] }"""),
            ("webhooks loopback address (keyed)", """{ "urls": ["http://127.0.0.1:9/hook"] }"""),
            ("webhooks localhost (keyed)", """{ "urls": ["http://localhost/hook"] }"""),
            ("webhooks IPv6 loopback (keyed)", """{ "urls": ["http://[::1]/hook"] }"""),
            ("webhooks private range (keyed)", """{ "urls": ["https://10.0.0.5/hook"] }"""),
            ("webhooks IPv4-mapped IPv6 metadata address (keyed)", """{ "urls": ["http://[::ffff:169.254.169.254]/"] }"""),
        })
        {
            cases.Add(new BadInputCase(name, "PUT", "/v1/webhooks", body, WithKey: true));
        }
    }

    /// <summary>Oversized URLs and headers, and requests no HTTP client would send (raw bytes).</summary>
    private static void TransportCases(List<BadInputCase> cases)
    {
        Get(cases, "URL of 10 KB", "/v1/churn-risk?stage=" + new string('a', 10_000));
        Get(cases, "customer path of 9 KB", "/v1/customers/" + new string('C', 9_000));
        cases.Add(new BadInputCase("URL of 100 KB (past Kestrel's own limit)", "GET", "/v1/churn-risk?stage=" + new string('a', 100_000), ServerAnswersBare: true));
        cases.Add(new BadInputCase("one header of 40 KB", "GET", "/v1/churn-risk", Headers: new Dictionary<string, string> { ["X-Note"] = new string('h', 40_000) }));
        cases.Add(new BadInputCase("headers of 200 KB (past Kestrel's own limit)", "GET", "/v1/churn-risk",
            Headers: Enumerable.Range(0, 25).ToDictionary(i => $"X-Note-{i}", _ => new string('h', 8_000)), ServerAnswersBare: true));
        cases.Add(new BadInputCase("over 100 headers", "GET", "/v1/churn-risk",
            Headers: Enumerable.Range(0, 120).ToDictionary(i => $"X-N{i}", i => "v"), ServerAnswersBare: true));
        foreach (var (name, raw) in new[]
        {
            // (An unknown HTTP version, HTTP/9.9, is left out: Kestrel answers it 505 Version Not Supported itself, as RFC 9110 says.)
            ("request line garbage", "BLAH\r\n\r\n"), ("request line without a version", "GET /v1/churn-risk\r\nHost: x\r\n\r\n"),
            ("request line with spaces in the path", "GET /v1/customers/a b c HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("header without a colon", "GET /v1/churn-risk HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
            ("no Host header on HTTP/1.1", "GET /v1/churn-risk HTTP/1.1\r\n\r\n"),
            ("two Host headers", "GET /v1/churn-risk HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            ("Content-Length not a number", "POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}"),
            ("chunked body with a bad chunk size", "POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"),
            ("Content-Length and chunked together", "POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            ("a header name with a space", "GET /v1/churn-risk HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\n\r\n"),
            ("a raw null byte in the path", "GET /v1/customers/C\u00001 HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("absolute-form target of another host", "GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: x\r\n\r\n"),
        })
        {
            // Kestrel refuses these while parsing, before any middleware; a few reach the pipeline (which answers 4xx problem+json).
            cases.Add(new BadInputCase(name, "RAW", "(raw)", Raw: Encoding.Latin1.GetBytes(raw.Contains("Connection:", StringComparison.Ordinal) ? raw : raw.Replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", StringComparison.Ordinal)),
                ServerAnswersBare: true));
        }
    }
}
