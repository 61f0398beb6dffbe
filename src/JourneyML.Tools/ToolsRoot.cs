using System.CommandLine;
using JourneyML.Cli;
using JourneyML.SampleData;
using JourneyML.Tools.Commands;

namespace JourneyML.Tools;

/// <summary>
/// The tools' command tree: the product's (<see cref="CliRoot"/>) plus <c>generate</c> and <c>bench</c>. Its <c>train</c>
/// is the product's, handed the generator's ground truth as the oracle, so a run on generated data also reports how
/// well the models recover the planted truth.
/// </summary>
internal static class ToolsRoot
{
    public static RootCommand Create() => CliRoot.Create(GroundTruth.TryLoad, new GenerateCommand(), new BenchCommand());
}
