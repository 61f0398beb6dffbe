using System.CommandLine;
using JourneyML.Cli;
using JourneyML.Cli.Commands;

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
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }
    Console.Error.WriteLine("Run 'journeyml --help' for the commands and options.");
    return ExitCodes.InvalidArguments;
}
return await parse.InvokeAsync();
