using JourneyML.Tools.Commands;

namespace JourneyML.Tools.Tests.Benchmarks;

public sealed class WrkTests
{
    private const string Output = """
        Running 25s test @ http://127.0.0.1:18731/v1/predictions
          2 threads and 8 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     4.91ms    7.97ms  94.38ms   88.95%
            Req/Sec     1.68k   829.28     4.32k    72.03%
          Latency Distribution
             50%    1.71ms
             75%    4.96ms
             90%   13.97ms
             99%   37.11ms
          83547 requests in 25.01s, 75.30MB read
          Socket errors: connect 0, read 2, write 0, timeout 1
          Non-2xx or 3xx responses: 12
        Requests/sec:   3340.44
        Transfer/sec:      3.01MB
        """;

    [Fact]
    public void Wrk_s_report_gives_throughput_percentiles_requests_and_errors()
    {
        var result = Wrk.Parse(Output);
        Assert.Equal(3340.44, result.RequestsPerSecond);
        Assert.Equal(83547, result.Requests);
        Assert.Equal("1.71ms", result.P50);
        Assert.Equal("37.11ms", result.P99);
        Assert.Equal(12, result.Non2xx);
        Assert.Equal("connect 0, read 2, write 0, timeout 1", result.SocketErrors);
        Assert.Throws<InvalidOperationException>(() => Wrk.Parse("unable to connect to 127.0.0.1:1 Connection refused"));
    }

    [Fact]
    public void The_script_posts_the_body_as_one_lua_string()
    {
        var script = Wrk.PostScript("{\"customerId\":\"a\\\"b\",\"features\":{\"plan\":\"pro\"}}");
        Assert.Contains("wrk.method = \"POST\"", script);
        Assert.Contains("wrk.body = \"{\\\"customerId\\\":\\\"a\\\\\\\"b\\\",\\\"features\\\":{\\\"plan\\\":\\\"pro\\\"}}\"", script);
    }
}
