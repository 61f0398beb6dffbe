using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Survival;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench time-to-churn</c>: scoring the survival curves (churn within 30 ... 180 days and the median
/// time to churn) of every customer with the champion's survival model; the aim is 1,000,000 curves in under 30 s. A
/// smaller feature table is tiled (its rows repeated) up to <c>--customers</c>, so a million curves need no
/// million-customer export: a curve's cost is its customer's vector and trees, whichever customer it is.
/// </summary>
internal sealed class BenchTimeToChurnCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Curves scored: the feature table's rows repeated up to this many.", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<int> s_from = new("--from") { Description = "Customers generated (seed 1) whose feature table is tiled up to --customers, unless --data is given (at most --customers).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<DirectoryInfo?> s_data = new("--data") { Description = "Data folder whose feature table is tiled (default: generate --from customers into out/bench)." };
    private static readonly Option<DirectoryInfo?> s_models = new("--models") { Description = "Registry whose champion has a survival model (default: out/bench/models-100000; 'bench train --data DIR' writes DIR/bench-models)." };
    private static readonly Option<bool> s_expansion = new("--expansion") { Description = "Also time the curves the old way (each customer's features copied once per period) for comparison." };
    private static readonly Option<int> s_factors = new("--factors") { Description = "Also time the top factors in words of this many of the curves (what a snapshot writes; 0: none).", DefaultValueFactory = _ => 0 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchTimeToChurnCommand() : base("time-to-churn", "Time scoring every customer's survival curve and median time to churn with the champion's survival model.")
    {
        Options.Add(s_customers);
        Options.Add(s_from);
        Options.Add(s_data);
        Options.Add(s_models);
        Options.Add(s_expansion);
        Options.Add(s_factors);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            int from = Math.Min(customers, parse.GetValue(s_from));
            if (customers < 1 || from < 1)
            {
                throw new ArgumentException("--customers and --from must be at least 1");
            }
            var data = parse.GetValue(s_data)?.FullName ?? await BenchCommand.EnsureData(from, cancellationToken);
            var registry = new ModelRegistry(parse.GetValue(s_models)?.FullName ?? CommonOptions.Repo("out", "bench", "models-100000"));
            var models = registry.LoadChampion() ?? throw new ArgumentException($"no champion in {registry.Root}: run 'bench train' first");
            var survival = models.Survival ?? throw new ArgumentException($"the champion in {registry.Root} has no survival model: {string.Join("; ", models.Metadata.NotTrained)}");
            var source = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data }, NullLogger.Instance, cancellationToken: cancellationToken).Table;
            var table = Tile(source, customers);
            string tiled = table.RowCount == source.RowCount ? "" : $" (a {source.RowCount:N0}-customer feature table tiled {(double)table.RowCount / source.RowCount:0.#} times)";
            // Every row as paying: the bench times curves, whatever share of the generated customers pays today.
            var status = Enumerable.Repeat(CustomerStatus.Customer, table.RowCount).ToArray();
            Console.Error.WriteLine($"load average before: {BenchCommand.LoadAverage()}");
            var (scored, seconds, cpuSeconds) = Timed(() => TimeToChurn.Score(survival, table, status)!);
            Console.Error.WriteLine($"load average after: {BenchCommand.LoadAverage()}");
            int withMedian = scored.MedianDays.Count(m => !float.IsNaN(m));
            var inv = CultureInfo.InvariantCulture;
            string path = survival.Model.WalksTrees ? "one vector per customer, its period slots set per period" : "each customer's features copied per period (ML.NET scores the hazard)";
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | time-to-churn curves ({1} hazard, 6 periods each, {2}; median time to churn) | {3:N0} customers{4} | {5:F2} s ({6:F2} s CPU; {7:N0} curves/s; {8:N0} with a median within 180 days) | aim: 1,000,000 under 30 s | {9:N0} MB | {10}; load {11} |",
                DateTime.UtcNow, survival.Model.Info.Spec.Trainer, path, table.RowCount, tiled, seconds, cpuSeconds, table.RowCount / Math.Max(seconds, 1e-9), withMedian,
                BenchCommand.PeakMb(), BenchCommand.Machine(), BenchCommand.LoadAverage());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            var rows = Enumerable.Range(0, table.RowCount).ToArray();
            if (parse.GetValue(s_expansion))
            {
                var (_, old, oldCpu) = Timed(() => survival.CurvesByExpansion(table, rows));
                await BenchCommand.Record(parse.GetValue(s_results), string.Format(inv,
                    "| {0:yyyy-MM-dd} | time-to-churn curves, the features copied per period (before) | {1:N0} customers{2} | {3:F2} s ({4:F2} s CPU; {5:N0} curves/s) | for comparison | {6:N0} MB | load {7} |",
                    DateTime.UtcNow, table.RowCount, tiled, old, oldCpu, table.RowCount / Math.Max(old, 1e-9), BenchCommand.PeakMb(), BenchCommand.LoadAverage()), cancellationToken);
            }
            if (parse.GetValue(s_factors) is > 0 and var withFactors)
            {
                await TimeFactors(survival, table, Math.Min(withFactors, table.RowCount), parse.GetValue(s_results), cancellationToken);
            }
            return ExitCodes.Success;
        }));
    }

    /// <summary>The top factors in words of the first rows (what a snapshot writes beside each curve), timed apart from the curves.</summary>
    private static async Task TimeFactors(HazardModel survival, FeatureTable table, int count, FileInfo? results, CancellationToken cancellationToken)
    {
        var status = Enumerable.Range(0, table.RowCount).Select(r => r < count ? CustomerStatus.Customer : CustomerStatus.Lead).ToArray();
        var (_, curves, _) = Timed(() => TimeToChurn.Score(survival, table, status)!);
        var (_, withFactors, cpu) = Timed(() => TimeToChurn.Score(survival, table, status, topFactors: 3)!);
        await BenchCommand.Record(results, string.Format(CultureInfo.InvariantCulture,
            "| {0:yyyy-MM-dd} | time-to-churn top factors in words (3 per curve, English and Japanese; the first period's contributions) | {1:N0} customers | {2:F2} s beyond the curves ({3:F2} s CPU in all; {4:N0} customers/s) | snapshot cost | {5:N0} MB | load {6} |",
            DateTime.UtcNow, count, withFactors - curves, cpu, count / Math.Max(withFactors - curves, 1e-9), BenchCommand.PeakMb(), BenchCommand.LoadAverage()), cancellationToken);
    }

    private static (T Result, double Seconds, double CpuSeconds) Timed<T>(Func<T> run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = run();
        return (result, watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>The table's rows repeated in order up to <paramref name="rows"/> (or its first rows when it has more), ids made unique; the table itself when it has exactly as many.</summary>
    internal static FeatureTable Tile(FeatureTable table, int rows)
    {
        if (rows == table.RowCount)
        {
            return table;
        }
        int n = table.RowCount;
        T[] Repeat<T>(T[] values) => [.. Enumerable.Range(0, rows).Select(i => values[i % n])];
        return new FeatureTable([.. Enumerable.Range(0, rows).Select(i => i < n ? table.CustomerIds[i] : $"{table.CustomerIds[i % n]}~{i / n}")],
            [.. table.Columns.Select(c => c switch
            {
                NumericColumn numeric => (FeatureColumn)FeatureColumn.Numeric(c.Name, c.Description, Repeat(numeric.Values)),
                CategoricalColumn categorical => FeatureColumn.Categorical(c.Name, c.Description, Repeat(categorical.Values)),
                _ => throw new InvalidOperationException($"feature '{c.Name}': a column kind the bench cannot tile"),
            })])
        {
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
    }
}
