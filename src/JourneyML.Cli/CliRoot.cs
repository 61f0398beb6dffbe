using System.CommandLine;
using JourneyML.Cli.Commands;

namespace JourneyML.Cli;

/// <summary>The command tree, built in one place: Program runs it, and the docs tests parse the README's commands and read every command's help from it.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand("JourneyML: behavioural segments, churn risk, lead scores and journey maps from your customer data.")
        {
            new DemoCommand(),
            new GenerateCommand(),
            new ValidateCommand(),
            new FeaturesCommand(),
            new TrainCommand(),
            new ScoreCommand(),
            new RetrainCommand(),
            new ModelsCommand(),
            new SegmentsCommand(),
            new JourneyCommand(),
            new BenchCommand(),
        };
        root.Options.Add(CommonOptions.Verbose);
        return root;
    }
}
