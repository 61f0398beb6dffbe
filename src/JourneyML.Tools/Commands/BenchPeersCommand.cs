using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench peers</c>: JourneyML against scikit-learn on the same generated data, the same rows and the same
/// machine in one run, each step in a fresh process per side, alternating sides from run to run; medians side by side.
/// </summary>
internal sealed class BenchPeersCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data (seed 1).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<int> s_runs = new("--runs") { Description = "Runs of every step on each side; medians are reported.", DefaultValueFactory = _ => 3 };
    private static readonly Option<FileInfo?> s_results = new("--results")
    {
        Description = "Markdown results file to add the tables to, in its 'Against peers' section (for example tests/JourneyML.Benchmarks/RESULTS.md).",
    };
    private static readonly Option<DirectoryInfo?> s_work = new("--work")
    {
        Description = "Working folder for the shared table, predictions and the data. Default: out/bench/peers-<customers>, data in out/bench/data-<customers>.",
    };
    private static readonly Option<string> s_python = new("--python")
    {
        Description = "Python with Debian's python3-sklearn and python3-pandas (the python3 on PATH may be another build that does not see them).",
        DefaultValueFactory = _ => "/usr/bin/python3",
    };
    private static readonly Option<string[]> s_skip = new("--skip")
    {
        Description = "Steps to leave out (features, segments, segment-k, gbm, logistic, sweep, journey, survival: R's coxph against the survival model, uplift: a scikit-learn T-learner against the uplift step), for example the sweep at 1,000,000 customers to stay within a time budget.",
        AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<string> s_openMpWait = new("--openmp-wait")
    {
        Description = "OMP_WAIT_POLICY for both sides' processes: 'passive' (default; OpenMP's spinning collapses under other load on a small shared machine) or 'default' (leave it unset).",
        DefaultValueFactory = _ => "passive",
    };
    private static readonly Option<int> s_journeyMax = new("--journey-max-customers")
    {
        Description = "Measure the journey map only up to this many customers (its stage timelines rebuild the features at every step).",
        DefaultValueFactory = _ => 200_000,
    };

    private static readonly Option<int?> s_tileFrom = new("--tile-from")
    {
        Description = "Build the table from a generated export of this many customers and repeat its rows (new customer and account ids) up to --customers: " +
            "the k-means and classifier rows at 1,000,000 customers without a 1,000,000-customer events export. The steps that read the events " +
            "(features, sweep, journey, survival) are left out; the output says the table was repeated.",
    };

    /// <summary>Steps that read the events export (or rebuild features from it): left out when the table is repeated.</summary>
    private static readonly string[] s_eventSteps = [PeerTask.Features, PeerTask.Sweep, PeerTask.Journey, SurvivalPeer.Step, UpliftPeer.Step];

    private static readonly Option<int> s_upliftCustomers = new("--uplift-customers")
    {
        Description = "Contacts of the uplift comparison's own world (generated with planted interventions). Default: --customers, at most 100,000.",
    };

    public BenchPeersCommand() : base("peers", "Compare JourneyML with scikit-learn (k-means, gradient boosting, logistic regression) on the same data and machine; record time, throughput, peak memory and quality.")
    {
        Options.Add(s_customers);
        Options.Add(s_runs);
        Options.Add(s_results);
        Options.Add(s_work);
        Options.Add(s_python);
        Options.Add(s_journeyMax);
        Options.Add(s_skip);
        Options.Add(s_openMpWait);
        Options.Add(s_tileFrom);
        Options.Add(s_upliftCustomers);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            int runs = parse.GetValue(s_runs);
            if (customers < 100 || runs < 1)
            {
                throw new ArgumentException("--customers must be at least 100 and --runs at least 1");
            }
            var skip = (parse.GetValue(s_skip) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
            var unknown = skip.Where(step => !PeerTask.All.Contains(step) && step != SurvivalPeer.Step && step != UpliftPeer.Step).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException($"--skip: unknown step(s) {string.Join(", ", unknown)}; the steps are {string.Join(", ", PeerTask.All.Append(SurvivalPeer.Step).Append(UpliftPeer.Step))}");
            }
            int? tileFrom = parse.GetValue(s_tileFrom);
            if (tileFrom is { } from)
            {
                if (from < 100 || from > customers)
                {
                    throw new ArgumentException($"--tile-from must be at least 100 and at most --customers ({customers:N0})");
                }
                skip.UnionWith(s_eventSteps);
            }
            var openMpWait = parse.GetValue(s_openMpWait)!.ToLowerInvariant();
            if (openMpWait is not ("passive" or "default"))
            {
                throw new ArgumentException("--openmp-wait must be 'passive' or 'default'");
            }
            var workOption = parse.GetValue(s_work)?.FullName;
            var work = workOption ?? CommonOptions.Repo("out", "bench", $"peers-{customers}");
            Directory.CreateDirectory(work);
            var script = CommonOptions.Repo("tests", "JourneyML.Benchmarks", "peers", "peers.py");
            var python = parse.GetValue(s_python)!;
            var peerVersions = await CheckPeer(python, script, cancellationToken);
            Console.Error.WriteLine($"Peer: {peerVersions}");

            int generated = tileFrom ?? customers;
            var data = await BenchCommand.EnsureData(generated, cancellationToken, workOption is null ? null : Path.Combine(work, "data"));
            Console.Error.WriteLine("Building the features and writing the table both sides read ...");
            var asOf = new GeneratorOptions().ReferenceAsOf;
            var features = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, AsOf = asOf }, NullLogger.Instance, cancellationToken: cancellationToken);
            var truth = GroundTruth.TryLoad(data)?.AlignTo(features.Table.CustomerIds)
                ?? throw new InvalidOperationException($"{data} has no ground truth: the benchmark needs generated data");
            var table = features.Table;
            if (tileFrom is not null)
            {
                (table, truth) = PeerBenchTable.Tile(table, truth, customers);
                Console.Error.WriteLine($"Repeated the {features.Table.RowCount:N0} customers' rows up to {customers:N0} (--tile-from); left out: {string.Join(", ", s_eventSteps)}");
            }
            var tablePath = Path.Combine(work, "table.csv");
            var bench = PeerBenchTable.Write(table, truth, tablePath);
            long events = features.Summary.EventsBeforeAsOf + features.Summary.EventsOnOrAfterAsOf;
            int k = bench.PlantedK;
            double oracleAuc = ClassificationMetrics.RocAuc([.. bench.HoldoutRows.Select(r => bench.OracleChurn[r])], [.. bench.HoldoutRows.Select(r => bench.ChurnLabels[r])]);
            Console.Error.WriteLine($"{bench.Table.RowCount:N0} customers, {events:N0} events; churn: {bench.TrainRows.Length:N0} train, {bench.HoldoutRows.Length:N0} holdout; k = {k}");

            var registry = Path.Combine(work, "models");
            bool journey = customers <= parse.GetValue(s_journeyMax);
            var results = new List<PeerResult>();
            var loads = new List<double>();
            for (int run = 1; run <= runs; run++)
            {
                loads.Add(LoadAverage());
                Console.Error.WriteLine($"Run {run} of {runs} (load average {loads[^1]:F2})");
                // Odd runs start with JourneyML, even runs with the peer: drift in the machine's load hits both sides alike.
                bool journeyMlFirst = run % 2 == 1;
                foreach (var task in PeerTask.All)
                {
                    if ((task == PeerTask.Journey && !journey) || skip.Contains(task))
                    {
                        continue;
                    }
                    bool[] sides = PeerTask.WithPeer.Contains(task) ? (journeyMlFirst ? [true, false] : [false, true]) : [true];
                    foreach (bool isJourneyMl in sides)
                    {
                        var step = new Step(task, run, work, tablePath, data, registry, k, openMpWait == "passive" ? "PASSIVE" : null);
                        var measurement = isJourneyMl ? await RunJourneyMl(step, cancellationToken) : await RunPeer(step, python, script, cancellationToken);
                        var result = PeerResult.Of(run, measurement, bench);
                        results.Add(result);
                        var quality = result.Auc is { } auc ? string.Create(CultureInfo.InvariantCulture, $"  AUC {auc:F4} PR-AUC {result.PrAuc:F4}")
                            : result.Ari is { } ari ? string.Create(CultureInfo.InvariantCulture, $"  ARI {ari:F4}") : "";
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {measurement.Side,-12} {task,-9} fit {measurement.FitSeconds,8:F2} s  score {measurement.ScoreSeconds,7:F2} s  peak {measurement.PeakMb,6:F0} MB{quality}"));
                    }
                }
            }
            // Time to churn against R's coxph: the same person-period data and split, after the runs (one fit each side).
            string? survival = null;
            if (!skip.Contains(SurvivalPeer.Step))
            {
                Console.Error.WriteLine("Time to churn: JourneyML's survival model and R's coxph on the same as-of dates and split ...");
                survival = SurvivalPeer.Compare(data, Path.Combine(work, "survival")).ToMarkdown();
            }
            // Uplift against a scikit-learn T-learner: a world of its own with planted interventions, one fit each side.
            string? uplift = null;
            if (!skip.Contains(UpliftPeer.Step))
            {
                int upliftCustomers = parse.GetValue(s_upliftCustomers) is > 0 and var u ? u : Math.Min(customers, 100_000);
                Console.Error.WriteLine($"Uplift: JourneyML's uplift step and a scikit-learn T-learner on {upliftCustomers:N0} contacts with planted interventions ...");
                uplift = UpliftPeer.Compare(upliftCustomers, Path.Combine(work, $"uplift-{upliftCustomers}"), python, openMpWait == "passive" ? "PASSIVE" : null).ToMarkdown();
            }
            loads.Add(LoadAverage());

            var report = new PeerBenchReport
            {
                Customers = bench.Table.RowCount,
                Events = events,
                Runs = runs,
                K = k,
                TrainRows = bench.TrainRows.Length,
                HoldoutRows = bench.HoldoutRows.Length,
                OracleAuc = oracleAuc,
                Machine = BenchCommand.Machine(),
                PeerVersions = peerVersions,
                Date = DateTime.UtcNow,
                Command = string.Create(CultureInfo.InvariantCulture, $"dotnet run -c Release --project src/JourneyML.Tools -- bench peers --customers {customers} --runs {runs}")
                    + (skip.Count > 0 ? " --skip " + string.Join(',', PeerTask.All.Where(skip.Contains)) : "")
                    + (openMpWait == "passive" ? "" : " --openmp-wait default")
                    + (tileFrom is { } tiled ? string.Create(CultureInfo.InvariantCulture, $" --tile-from {tiled}") : ""),
                TiledFrom = tileFrom,
                LoadAverages = loads,
                Results = results,
                OpenMpWait = openMpWait,
                Skipped = [.. PeerTask.All.Where(skip.Contains)],
                JourneySkipped = journey ? null : string.Create(CultureInfo.InvariantCulture,
                    $"above --journey-max-customers {parse.GetValue(s_journeyMax):N0} (the stage timelines rebuild the features at every step; see the journey map section)"),
            };
            var markdown = report.ToMarkdown() + (survival is null ? "" : "\n" + survival) + (uplift is null ? "" : "\n" + uplift);
            Console.WriteLine(markdown);
            if (parse.GetValue(s_results) is { } resultsFile)
            {
                var existing = resultsFile.Exists
                    ? await File.ReadAllTextAsync(resultsFile.FullName, cancellationToken)
                    : "# Benchmark results\n\n## Run log\n\n| date | what | size | time | throughput | peak memory | machine |\n|---|---|---|---:|---:|---:|---|\n";
                await File.WriteAllTextAsync(resultsFile.FullName, PeerBenchReport.InsertIntoResults(existing, markdown), cancellationToken);
                Console.Error.WriteLine($"added to {resultsFile.FullName}");
            }
            return ExitCodes.Success;
        }));
    }

    private sealed record Step(string Task, int Run, string Work, string Table, string Data, string Registry, int K, string? OpenMpWait)
    {
        public string Prefix(string side) => Path.Combine(Work, $"run{Run}-{Task}-{side}");

        /// <summary>The same environment for both sides: LightGBM (JourneyML) and scikit-learn both run on GCC's OpenMP.</summary>
        public ProcessStartInfo Environment(ProcessStartInfo start)
        {
            if (OpenMpWait is not null)
            {
                start.Environment["OMP_WAIT_POLICY"] = OpenMpWait;
            }
            else
            {
                start.Environment.Remove("OMP_WAIT_POLICY");
            }
            return start;
        }
    }

    private static async Task<PeerMeasurement> RunJourneyMl(Step step, CancellationToken cancellationToken)
    {
        var prefix = step.Prefix("journeyml");
        await RunProcess(step.Environment(BenchCommand.SelfStartInfo(
        [
            "bench", "peer-task", "--task", step.Task, "--table", step.Table, "--data", step.Data, "--registry", step.Registry,
            "--k", step.K.ToString(CultureInfo.InvariantCulture), "--out", prefix + ".json", "--predictions", prefix + ".f32",
        ])), $"JourneyML {step.Task}", cancellationToken);
        return PeerMeasurement.Load(prefix + ".json");
    }

    private static async Task<PeerMeasurement> RunPeer(Step step, string python, string script, CancellationToken cancellationToken)
    {
        var prefix = step.Prefix("peer");
        await RunProcess(step.Environment(new ProcessStartInfo(python,
        [
            script, "--task", step.Task, "--table", step.Table, "--k", step.K.ToString(CultureInfo.InvariantCulture),
            "--out", prefix + ".json", "--predictions", prefix + ".f32",
        ])), $"scikit-learn {step.Task}", cancellationToken);
        return PeerMeasurement.Load(prefix + ".json");
    }

    /// <summary>Runs one side's step; what it prints goes to standard error, so standard output stays the tables.</summary>
    private static async Task RunProcess(ProcessStartInfo start, string what, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("    " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("    " + e.Data); };
        if (!process.Start())
        {
            throw new InvalidOperationException($"{what}: could not start {start.FileName}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit code {process.ExitCode}); its output is above");
        }
    }

    /// <summary>Asks the peer script for its library versions; a missing scikit-learn is a clear failure, never a silent skip.</summary>
    private static async Task<string> CheckPeer(string python, string script, CancellationToken cancellationToken)
    {
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"the peer script {script} is missing");
        }
        var start = new ProcessStartInfo(python, [script, "--task", "check"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run {python} ({ex.Message}): the peer benchmark needs Debian's python3 with python3-sklearn and python3-pandas " +
                "(apt-get install -y python3-sklearn python3-pandas libopenblas0-pthread; .ci/run installs them)");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the scikit-learn peer cannot run under {python}: {(await error).Trim()}\n" +
                    "Install Debian's packages: apt-get install -y python3-sklearn python3-pandas libopenblas0-pthread (.ci/run installs them).");
            }
            return (await output).Trim();
        }
    }

    private static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
