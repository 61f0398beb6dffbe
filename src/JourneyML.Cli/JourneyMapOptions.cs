using System.CommandLine;
using JourneyML.Core.Journeys;

namespace JourneyML.Cli;

/// <summary>
/// The journey map's analysis options, defined once for every command that builds a map (<c>journey</c>, <c>retrain</c>,
/// <c>demo</c>): the funnel's conversion windows and the designed journey the customers are held against.
/// </summary>
internal static class JourneyMapOptions
{
    public static readonly Option<int[]> Window = new("--window")
    {
        Description = "Conversion windows of the journey map's funnel in days (repeat or list: --window 30 90). Default: 30 and 90.",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [.. JourneyAnalysisOptions.DefaultWindowDays],
    };

    public static readonly Option<FileInfo?> Designed = new("--designed")
    {
        Description = "A designed journey for the journey map to hold customers against: JSON { \"moves\": [ { \"from\": \"MQL\", \"to\": \"SQL\" }, ... ] }. Default: the path order of stages.json.",
    };

    /// <summary>Adds both options to a command.</summary>
    public static void AddTo(Command command)
    {
        command.Options.Add(Window);
        command.Options.Add(Designed);
    }

    public static int[] WindowDays(ParseResult parse) => parse.GetValue(Window)!;

    public static string? DesignedFile(ParseResult parse) => parse.GetValue(Designed)?.FullName;
}
