using System.Collections.Concurrent;
using System.Text;
using JourneyML.Core.Monitoring;

namespace JourneyML.Core.Tests;

/// <summary>The progress reporter as a log shows it: counts, totals and time left, only for steps that run long enough.</summary>
public sealed class ProgressReporterTests
{
    [Fact]
    public async Task A_long_step_writes_lines_with_its_counts_and_time_left_and_a_done_line_at_the_end()
    {
        var lines = new Lines();
        using var reporter = new ProgressReporter(lines, ProgressDisplay.Log, TimeSpan.FromMilliseconds(5));
        var step = reporter.Start("building features as of 2026-04-01", total: 1_000, unit: "events");
        // Two workers adding at once, as the partitions' readers do: no count is lost.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 250; i++)
            {
                step.Add(1);
            }
        })));
        var line = await lines.WaitFor(l => l.Contains("500 of 1,000 events (50%)", StringComparison.Ordinal));
        Assert.Matches(@"^\[\d\d:\d\d:\d\d PRG\] building features as of 2026-04-01: 500 of 1,000 events \(50%\), [\d.]+ (s|min), about [\d.]+ (s|min) left$", line);
        step.Dispose();
        var done = await lines.WaitFor(l => l.Contains("done", StringComparison.Ordinal));
        Assert.Matches(@"building features as of 2026-04-01: done, 500 events, [\d.]+ s", done);
    }

    [Fact]
    public void A_step_that_ends_before_the_interval_writes_nothing()
    {
        var lines = new Lines();
        using (var reporter = new ProgressReporter(lines, ProgressDisplay.Log, TimeSpan.FromHours(1)))
        {
            using var step = reporter.Start("reading customers");
            step.Add(300);
        }
        Assert.Empty(lines.All);
    }

    [Fact]
    public async Task Milestones_give_a_share_but_no_time_left()
    {
        var lines = new Lines();
        using var reporter = new ProgressReporter(lines, ProgressDisplay.Log, TimeSpan.FromMilliseconds(5));
        using var training = reporter.Start("training");
        training.SetFraction(0.3, steady: false);
        using var churn = reporter.Start("churn");
        var line = await lines.WaitFor(l => l.Contains("training: 30%", StringComparison.Ordinal));
        Assert.Contains(" › churn: ", line);
        Assert.DoesNotContain("left", line);
    }

    /// <summary>A writer that keeps each line and lets a test wait for one (never for a fixed time).</summary>
    private sealed class Lines : TextWriter
    {
        private readonly BlockingCollection<string> _lines = [];
        private readonly ConcurrentQueue<string> _all = new();

        public override Encoding Encoding => Encoding.UTF8;
        public IReadOnlyCollection<string> All => _all;

        public override void WriteLine(string? value)
        {
            _all.Enqueue(value ?? "");
            _lines.Add(value ?? "");
        }

        public override void Write(char value) => throw new InvalidOperationException("log mode writes whole lines");

        public Task<string> WaitFor(Func<string, bool> wanted) => Task.Run(() =>
        {
            using var limit = new CancellationTokenSource(Waits.Limit);
            foreach (var line in _lines.GetConsumingEnumerable(limit.Token))
            {
                if (wanted(line))
                {
                    return line;
                }
            }
            throw new InvalidOperationException("the writer was closed");
        });
    }
}
