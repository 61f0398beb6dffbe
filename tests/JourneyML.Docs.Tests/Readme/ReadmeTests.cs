using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JourneyML.Cli;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;
using JourneyML.Tools;
using Xunit.Abstractions;

namespace JourneyML.Docs.Tests.Readme;

/// <summary>
/// Every command and code sample in the README is run or checked here, so the README cannot drift from the code
/// (the convention is written down in the README's last section).
/// </summary>
public sealed class ReadmeTests(ITestOutputHelper log)
{
    private static readonly string s_readme = File.ReadAllText(Repo.Path("README.md"));
    // 'sh' blocks are the API examples: JourneyML.Api.Tests runs them against the API (ReadmeApiExamplesTests).
    private static readonly string[] s_checkedKinds = ["bash", "cron", "ini", "json", "text", "sh"];

    private static IReadOnlyList<CodeBlock> Blocks => Markdown.CodeBlocks(s_readme);

    [Fact]
    public void Every_code_block_is_of_a_kind_these_tests_check()
    {
        foreach (var block in Blocks)
        {
            Assert.True(s_checkedKinds.Contains(block.Language),
                $"README line {block.Line}: a '{block.Language}' block; the docs tests check {string.Join(", ", s_checkedKinds)} blocks (teach them this kind, or use one of those)");
        }
    }

    [Fact]
    public void Every_command_in_a_bash_block_runs_in_order_with_its_exit_code_or_parses()
    {
        var commands = Blocks.Where(b => b.Language == "bash")
            .SelectMany(b => b.Lines().Select(l => ReadmeCommand.FromBashLine(l.Text, l.Line)))
            .OfType<ReadmeCommand>().ToList();
        Assert.NotEmpty(commands);
        var sandbox = JourneyCli.Sandbox();
        var failures = new List<string>();
        foreach (var command in commands)
        {
            if (command.CliArguments is null && command.Runs)
            {
                failures.Add($"README line {command.Line}: '{command.Text}' is neither a journeyml command nor the test run; the docs tests cannot check it");
                continue;
            }
            if (!command.Runs)
            {
                log.WriteLine($"line {command.Line}: parsed only ({command.ParsedOnlyBecause}): {command.Text}");
                if (command.CliArguments is { } parsedArgs)
                {
                    failures.AddRange(ParseErrors(command, parsedArgs));
                }
                continue;
            }
            var started = DateTime.UtcNow;
            var result = JourneyCli.RunProgramIn(command.Program, sandbox, command.CliArguments!);
            log.WriteLine($"line {command.Line}: exit {result.ExitCode} in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {command.Text}");
            if (result.ExitCode != command.ExpectedExitCode)
            {
                failures.Add($"README line {command.Line}: '{command.Text}' exited with {result.ExitCode}, expected {command.ExpectedExitCode}\n{Tail(result.Output)}\n{Tail(result.Error)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures) + $"\n(the scratch folder is kept: {sandbox})");
        Directory.Delete(sandbox, recursive: true);
    }

    [Fact]
    public void The_scheduled_jobs_commands_parse()
    {
        var commands = Blocks.Where(b => b.Language == "cron").SelectMany(b => b.Lines().Select(l => ReadmeCommand.FromCronLine(l.Text, l.Line)))
            .Concat(Blocks.Where(b => b.Language == "ini").SelectMany(b => b.Lines().Select(l => ReadmeCommand.FromUnitLine(l.Text, l.Line))))
            .OfType<ReadmeCommand>().ToList();
        Assert.Equal(2, commands.Count);
        foreach (var command in commands)
        {
            Assert.True(command.CliArguments is not null, $"README line {command.Line}: not a journeyml command: {command.Text}");
            Assert.Equal("retrain", command.CliArguments![0]);
            Assert.Empty(ParseErrors(command, command.CliArguments));
        }
    }

    [Fact]
    public void The_mapping_example_is_the_crm_exports_mapping_and_stage_configs_load()
    {
        var mapping = JsonNode.Parse(File.ReadAllText(Repo.Path("data-samples", "crm-export", "journeyml.json")));
        var features = FeatureNames.Definitions.Select(d => d.Name).ToList();
        int mappings = 0, stages = 0;
        foreach (var block in Blocks.Where(b => b.Language == "json"))
        {
            var json = JsonNode.Parse(block.Content)!;
            if (json["stages"] is not null)
            {
                StageModel.Parse(block.Content, $"README line {block.Line}", features);
                stages++;
            }
            else
            {
                Assert.True(JsonNode.DeepEquals(mapping, json), $"README line {block.Line}: the mapping example differs from data-samples/crm-export/journeyml.json");
                mappings++;
            }
        }
        Assert.Equal(1, mappings);
        Assert.Equal(1, stages);
    }

    [Fact]
    public void The_exit_codes_the_readme_lists_are_the_clis()
    {
        var text = Regex.Replace(s_readme, @"\s+", " ");
        Assert.Contains($"Exit codes: {ExitCodes.Success} success, {ExitCodes.Failure} unexpected failure or a step that cannot run now", text, StringComparison.Ordinal);
        Assert.Contains($"{ExitCodes.InvalidArguments} invalid arguments or something named that is not there", text, StringComparison.Ordinal);
        Assert.Contains($"{ExitCodes.InvalidData} invalid input data (nothing written), {ExitCodes.StorageFailure} a file could not be read or written", text, StringComparison.Ordinal);
        Assert.Contains($"{ExitCodes.BelowFloor} `train`/`retrain` done but a model fails the promotion floor", text, StringComparison.Ordinal);
        Assert.Contains($"{ExitCodes.Cancelled} cancelled.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readmes_test_command_sets_up_a_fresh_machine_and_is_what_ci_runs()
    {
        // The "Two commands" block: the second line is the test command a new user types on a machine with only the SDK.
        var twoCommands = Blocks.First(b => b.Language == "bash");
        var testLine = twoCommands.Content.Split('\n').Select(l => l.Split("  #")[0].Trim()).Where(l => l.Length > 0).ElementAt(1);
        Assert.Equal("./test.sh", testLine);
        var testScript = File.ReadAllText(Repo.Path("test.sh"));
        Assert.Contains("apt-get install", testScript, StringComparison.Ordinal);
        Assert.Contains("exec dotnet test \"$@\"", testScript, StringComparison.Ordinal);
        var ci = File.ReadAllLines(Repo.Path(".ci", "run")).Where(l => !l.TrimStart().StartsWith('#')).ToArray();
        Assert.Contains(ci, l => l.TrimStart().StartsWith("./test.sh", StringComparison.Ordinal));
        Assert.DoesNotContain(ci, l => l.TrimStart().StartsWith("dotnet test", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/models.md")]
    [InlineData("notebooks/README.md")]
    public void Links_to_files_in_the_repository_resolve(string document)
    {
        var path = Repo.Path(document.Split('/'));
        var folder = Path.GetDirectoryName(path)!;
        foreach (var target in Markdown.RelativeLinks(File.ReadAllText(path)))
        {
            var resolved = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target)));
            Assert.True(File.Exists(resolved) || Directory.Exists(resolved), $"{document}: the link to '{target}' leads nowhere");
        }
    }

    private static IEnumerable<string> ParseErrors(ReadmeCommand command, string[] args) =>
        (command.IsTools ? ToolsRoot.Create() : CliRoot.Create()).Parse(args).Errors.Select(e => $"README line {command.Line}: '{command.Text}' does not parse: {e.Message}");

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));
}
