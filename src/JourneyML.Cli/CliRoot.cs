using System.CommandLine;
using JourneyML.Cli.Commands;
using JourneyML.Core.Pipelines;

namespace JourneyML.Cli;

/// <summary>The command tree, built in one place: Program runs it, and the docs tests parse the README's commands and read every command's help from it.</summary>
internal static class CliRoot
{
    public static RootCommand Create() => Create(oracle: null);

    /// <summary>
    /// The same tree for a tool host (journeyml-tools) with its own commands added, and an oracle for <c>train</c>: the
    /// known truth of a data folder (null where it has none). The product passes none: a real export has no oracle.
    /// </summary>
    public static RootCommand Create(Func<string, KnownTruth?>? oracle, params Command[] toolCommands)
    {
        var root = new RootCommand("JourneyML: behavioural segments, churn risk, lead scores and journey maps from your customer data.")
        {
            new DemoCommand(),
            new ValidateCommand(),
            new FeaturesCommand(),
            new TrainCommand(oracle),
            new ScoreCommand(),
            new RetrainCommand(),
            new ModelsCommand(),
            new SegmentsCommand(),
            new JourneyCommand(),
            new StagesCommand(),
        };
        foreach (var command in toolCommands)
        {
            root.Subcommands.Add(command);
        }
        root.Options.Add(CommonOptions.Verbose);
        return root;
    }

    /// <summary>Parses and runs a tree: parse errors are listed with a pointer to the help, and exit with the named code.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }
            Console.Error.WriteLine($"Run '{root.Name} --help' for the commands and options.");
            return ExitCodes.InvalidArguments;
        }
        using var progress = CliProgress.Install();
        return await parse.InvokeAsync();
    }
}
