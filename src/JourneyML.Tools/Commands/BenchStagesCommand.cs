using System.CommandLine;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.SampleData;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench stages</c>: the default stages' timelines rebuilt on a generated world against the stage path
/// the generator planted: the share of customer-days in agreement and the backward moves, with and without exit conditions.
/// </summary>
internal sealed class BenchStagesCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data.", DefaultValueFactory = _ => 2_000 };
    private static readonly Option<string> s_world = new("--world") { Description = "The generated world (b2b-saas, subscription, small, product-led or retail).", DefaultValueFactory = _ => "b2b-saas" };
    private static readonly Option<int> s_step = new("--step") { Description = "Days between stage evaluations.", DefaultValueFactory = _ => 7 };
    private static readonly Option<DirectoryInfo?> s_data = new("--data") { Description = "A folder the generator wrote (with stage_paths) to measure instead of generating one." };
    private static readonly Option<FileInfo?> s_stages = new("--stages") { Description = "A stages.json to measure instead of the default stages (stage names read as the default's, or a suggested subscription's)." };
    private static readonly Option<FileInfo?> s_moves = new("--moves") { Description = "CSV file to write every rebuilt backward move to (with exit conditions): customer, date, from, to and the planted stage then." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchStagesCommand() : base("stages", "Hold the default stages' timelines against the generator's planted stage paths: customer-days in agreement and backward moves, with and without exit conditions.")
    {
        Options.Add(s_customers);
        Options.Add(s_world);
        Options.Add(s_step);
        Options.Add(s_data);
        Options.Add(s_stages);
        Options.Add(s_moves);
        Options.Add(s_results);
        s_world.AcceptOnlyFromAmong([.. Enum.GetValues<GeneratorWorld>().Select(GeneratorWorlds.NameOf)]);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var world = GeneratorWorlds.Parse(parse.GetValue(s_world)!);
            int step = parse.GetValue(s_step);
            var given = parse.GetValue(s_data)?.FullName;
            var data = given ?? CommonOptions.Repo("out", "bench", $"stages-{GeneratorWorlds.NameOf(world)}-{customers}");
            if (given is null && !File.Exists(Path.Combine(data, "stage_paths.csv")))
            {
                Console.Error.WriteLine($"Generating {customers:N0} customers of the {GeneratorWorlds.NameOf(world)} world into {data} ...");
                new SampleGenerator(new GeneratorOptions { Customers = customers, Seed = 1, World = world }).Generate(data, cancellationToken: cancellationToken);
            }
            var (with, without) = StageAgreementRun.Run(data, step, parse.GetValue(s_stages)?.FullName, cancellationToken);
            Console.WriteLine($"{(given ?? $"{GeneratorWorlds.NameOf(world)}, {customers:N0} customers")}, {(parse.GetValue(s_stages) is { } file ? file.Name : "default stages")} evaluated every {step} days over the last 365 days (no models: At-risk left out)");
            foreach (var (name, result) in new[] { ("with exit conditions", with), ("without (each date on its own)", without) })
            {
                Console.WriteLine(name + ":");
                foreach (var line in StageAgreement.Describe(result))
                {
                    Console.WriteLine("  " + line);
                }
            }
            if (parse.GetValue(s_moves) is { } moves)
            {
                await File.WriteAllLinesAsync(moves.FullName, ["customer_id,date,from,to,planted", .. with.RebuiltBackward.Select(m =>
                    string.Create(CultureInfo.InvariantCulture, $"{m.CustomerId},{m.Date:yyyy-MM-dd},{m.From},{m.To},{m.Planted}"))], cancellationToken);
            }
            var row = string.Format(CultureInfo.InvariantCulture,
                "| {0:yyyy-MM-dd} | default stages against the planted paths ({1}, every {2} days, 365 days) | {3} | agreement {4:P1} (without exit conditions {5:P1}) | backward moves {6:F2}x planted (without {7:F2}x) | {8} |",
                DateTime.UtcNow, GeneratorWorlds.NameOf(world), step, given ?? $"{customers:N0} customers", with.Agreement, without.Agreement, with.BackwardRatio, without.BackwardRatio, BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}
