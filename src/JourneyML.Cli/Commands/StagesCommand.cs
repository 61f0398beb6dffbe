using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml stages suggest</c>: a stages.json that fits the export in front of it.</summary>
internal sealed class StagesCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<FileInfo?> s_mapping = CommonOptions.Mapping();
    private static readonly Option<FileInfo> s_out = new("--out", "-o")
    {
        Description = "Stage config to write (put it in the registry folder as stages.json to use it in every run).",
        DefaultValueFactory = _ => new FileInfo(StageModel.DefaultFileName),
    };
    private static readonly Option<bool> s_force = new("--force")
    {
        Description = "Overwrite the --out file when it exists (by default an existing stage config is never replaced).",
    };

    public StagesCommand() : base("stages", "Stage configs: suggest stages that fit an export.")
    {
        var suggest = new Command("suggest",
            "Read what the export holds (lead-funnel events, trials, renewals and cancellations, repeat purchases, accounts of several contacts) and write a stages.json that fits " +
            "(a B2B funnel, a product-led business, a B2C subscription or a repeat-purchase retailer), each stage with why it is there and thresholds from the data.")
        {
            s_data, s_mapping, s_out, s_force,
        };
        suggest.SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            var output = parse.GetValue(s_out)!.FullName;
            if (File.Exists(output) && !parse.GetValue(s_force))
            {
                throw new InvalidInputException($"{output} exists: give another --out, or --force to replace it");
            }
            var dataset = Dataset.Open(parse.GetValue(s_data)!.FullName, new ValidationReport(), parse.GetValue(s_mapping)?.FullName);
            var events = EventTimeline.Build(dataset, withChannels: false, cancellationToken: cancellationToken);
            var suggestion = StageSuggestion.Suggest(events, cancellationToken: cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            AtomicFile.WriteAllText(output, suggestion.ToJson());
            foreach (var line in suggestion.Lines())
            {
                Console.WriteLine(line);
            }
            Console.WriteLine($"Written to {output}");
            return ExitCodes.Success;
        }));
        Subcommands.Add(suggest);
    }
}
