using System.CommandLine;
using JourneyML.Cli;
using JourneyML.Tools.BadInput;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench bad-input</c>: fires the bad-input catalogue (<see cref="BadInputProbe"/>) at a running API
/// and prints how many kinds were answered 4xx, 5xx and 2xx; exit 1 when any was not answered 4xx.
/// </summary>
internal sealed class BenchBadInputCommand : Command
{
    private static readonly Option<string> s_url = new("--url")
    {
        Description = "The running API, for example http://127.0.0.1:5000 (start it with 'dotnet run --project src/JourneyML.Api').", Required = true,
    };
    private static readonly Option<string?> s_key = new("--api-key")
    {
        Description = "The service's Security:ApiKey, so keyed write calls are tried with invalid bodies too (without it they are tried unkeyed only).",
    };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Append the totals line to this file (the results file)." };

    public BenchBadInputCommand() : base("bad-input", "Fire many kinds of bad input at a running API and count the answers: every one should be 4xx.")
    {
        Options.Add(s_url);
        Options.Add(s_key);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            if (!Uri.TryCreate(parse.GetValue(s_url), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new Core.Errors.InvalidInputException("--url: an absolute http(s) URL of the running API, for example http://127.0.0.1:5080");
            }
            var results = await BadInputProbe.RunAsync(url, parse.GetValue(s_key), cancellationToken);
            var summary = BadInputProbe.Summary(results);
            Console.Write(summary);
            if (parse.GetValue(s_results) is { } file)
            {
                await BenchCommand.Record(file, summary.Split('\n')[0], cancellationToken);
            }
            return results.All(r => r.ClientError) ? ExitCodes.Success : ExitCodes.Failure;
        }));
    }
}
