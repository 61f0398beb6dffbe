using System.CommandLine;
using JourneyML.Cli;
using JourneyML.Tools.Benchmarks;
using Microsoft.Extensions.Logging;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench peer-task</c>: JourneyML's side of one step of <c>bench peers</c>, in a process of its own. Not for direct use.</summary>
internal sealed class BenchPeerTaskCommand : Command
{
    private static readonly Option<string> s_task = new("--task") { Description = "The step: " + string.Join(", ", PeerTask.All), Required = true };
    private static readonly Option<FileInfo> s_table = new("--table") { Description = "The shared benchmark table (CSV).", Required = true };
    private static readonly Option<DirectoryInfo?> s_data = new("--data") { Description = "The generated data folder." };
    private static readonly Option<DirectoryInfo?> s_registry = new("--registry") { Description = "Registry for the journey map's champion." };
    private static readonly Option<int> s_k = new("--k") { Description = "Segments for k-means (default: the planted number)." };
    private static readonly Option<FileInfo> s_out = new("--out") { Description = "Where the measurement goes (JSON).", Required = true };
    private static readonly Option<FileInfo> s_predictions = new("--predictions") { Description = "Where the predictions go (float32 per row).", Required = true };

    public BenchPeerTaskCommand() : base("peer-task", "One JourneyML step of 'bench peers', measured in its own process.")
    {
        Hidden = true;
        Options.Add(s_task);
        Options.Add(s_table);
        Options.Add(s_data);
        Options.Add(s_registry);
        Options.Add(s_k);
        Options.Add(s_out);
        Options.Add(s_predictions);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var measurement = PeerTasks.Run(new PeerTaskOptions
            {
                Task = parse.GetValue(s_task)!,
                TablePath = parse.GetValue(s_table)!.FullName,
                DataDirectory = parse.GetValue(s_data)?.FullName,
                RegistryPath = parse.GetValue(s_registry)?.FullName,
                PredictionsPath = parse.GetValue(s_predictions)!.FullName,
                K = parse.GetValue(s_k),
            }, loggers.CreateLogger("bench"), cancellationToken);
            measurement.Save(parse.GetValue(s_out)!.FullName);
            return ExitCodes.Success;
        }));
    }
}
