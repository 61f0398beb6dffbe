using System.Globalization;
using System.Text.RegularExpressions;

namespace JourneyML.Docs.Tests.Readme;

/// <summary>
/// One command line from the README, and how the tests treat it: run (the CLI as a process, in order, in a scratch
/// folder), or only parsed against the CLI's command tree, with the reason. A line with <c>--project src/JourneyML.Tools</c>
/// is a journeyml-tools command (the product's tree plus generate and bench): run and parsed as that program.
/// </summary>
internal sealed partial record ReadmeCommand(int Line, string Text, string[]? CliArguments, int ExpectedExitCode, string? ParsedOnlyBecause)
{
    /// <summary><see cref="JourneyCli.Product"/> or <see cref="JourneyCli.ToolsProgram"/>.</summary>
    public string Program { get; init; } = JourneyCli.Product;

    public bool IsTools => Program == JourneyCli.ToolsProgram;

    /// <summary>Anything with a path under here is the reader's own data: parsed, never run.</summary>
    public const string ReadersDataRoot = "/data/";

    /// <summary>Largest generated sample worth running in a test.</summary>
    public const int MaxGeneratedCustomers = 5000;

    public bool Runs => ParsedOnlyBecause is null;

    [GeneratedRegex(@"^(?:/usr/bin/)?dotnet run(?: -c (?:Release|Debug))? --project src/JourneyML\.(Cli|Tools) -- (.*)$")]
    private static partial Regex CliLine();

    [GeneratedRegex(@"\(exit code (\d+)\)")]
    private static partial Regex ExitCode();

    [GeneratedRegex(@"^dotnet test(\s.*)?$|^\./test\.sh(\s.*)?$|^\.ci/run$")]
    private static partial Regex TestRun();

    /// <summary>A line of a bash block: the command, and a comment after "  #" that may give the expected exit code.</summary>
    public static ReadmeCommand? FromBashLine(string line, int number)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed.StartsWith('#'))
        {
            return null;
        }
        int comment = trimmed.IndexOf(" #", StringComparison.Ordinal);
        var command = (comment < 0 ? trimmed : trimmed[..comment]).Trim();
        var note = comment < 0 ? "" : trimmed[comment..];
        int exitCode = ExitCode().Match(note) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (TestRun().IsMatch(command))
        {
            return new ReadmeCommand(number, command, null, 0, "it is the test run itself");
        }
        return FromCommand(command, number, exitCode);
    }

    /// <summary>A cron line: the command after the five time fields, without "cd DIR &amp;&amp;" and output redirection.</summary>
    public static ReadmeCommand? FromCronLine(string line, int number)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed.StartsWith('#'))
        {
            return null;
        }
        var fields = trimmed.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6)
        {
            throw new FormatException($"line {number}: a cron line has five time fields and a command: {trimmed}");
        }
        var command = Regex.Replace(fields[5], @"^cd \S+ && ", "");
        command = Regex.Replace(command, @"\s+2>&1\s*$", "");
        command = Regex.Replace(command, @"\s+>>?\s*\S+\s*$", "");
        return FromCommand(command.Trim(), number, 0);
    }

    /// <summary>A systemd unit line: ExecStart's command; other lines are settings.</summary>
    public static ReadmeCommand? FromUnitLine(string line, int number)
    {
        var trimmed = line.Trim();
        return trimmed.StartsWith("ExecStart=", StringComparison.Ordinal) ? FromCommand(trimmed["ExecStart=".Length..], number, 0) : null;
    }

    private static ReadmeCommand FromCommand(string command, int number, int exitCode)
    {
        var cli = CliLine().Match(command);
        if (!cli.Success)
        {
            return new ReadmeCommand(number, command, null, exitCode, null);
        }
        var args = ShellWords.Split(cli.Groups[2].Value);
        return new ReadmeCommand(number, command, args, exitCode, ParsedOnly(args))
        {
            Program = cli.Groups[1].Value == "Tools" ? JourneyCli.ToolsProgram : JourneyCli.Product,
        };
    }

    private static string? ParsedOnly(string[] args)
    {
        if (args.Any(a => a.StartsWith(ReadersDataRoot, StringComparison.Ordinal)))
        {
            return $"a path under {ReadersDataRoot} is the reader's own data";
        }
        switch (args.FirstOrDefault())
        {
            case "demo":
                return "JourneyML.Cli.Tests runs it twice (DataCommandTests.Demo_runs_on_the_committed_sample)";
            case "bench":
                return "a benchmark is minutes of work by design";
            case "train" or "score" when args.Contains("--feature-table"):
                return "JourneyML.Cli.Tests trains and scores a feature table end to end (ModelCommandTests)";
            case "generate":
                int at = Array.FindIndex(args, a => a is "--customers" or "-n");
                if (at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out int customers) && customers > MaxGeneratedCustomers)
                {
                    return $"more than {MaxGeneratedCustomers:N0} customers take too long for a test";
                }
                break;
        }
        return null;
    }
}
