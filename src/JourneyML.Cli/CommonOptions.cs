using System.CommandLine;
using System.Globalization;

namespace JourneyML.Cli;

/// <summary>Options several commands share, defined once.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Log debug detail to standard error.", Recursive = true };

    public static Option<DirectoryInfo> Data(string defaultPath) => new("--data", "-d")
    {
        Description = "Folder of the export: customers, events and optional outcomes (CSV or Parquet), with an optional journeyml.json mapping.",
        DefaultValueFactory = _ => new DirectoryInfo(defaultPath),
    };

    public static Option<FileInfo?> Mapping() => new("--mapping")
    {
        Description = "Mapping file naming your columns and event types (default: journeyml.json in the data folder).",
    };

    public static Option<string?> AsOf() => new("--as-of")
    {
        Description = "As-of date T (UTC, yyyy-MM-dd): features use events strictly before T. Default: the data's as-of date minus the horizon.",
    };

    public static Option<int> Horizon() => new("--horizon")
    {
        Description = "Horizon H in days: labels look at (T, T+H].",
        DefaultValueFactory = _ => 90,
    };

    /// <param name="recursive">For a command with subcommands: the option is given after the subcommand and applies to each.</param>
    public static Option<DirectoryInfo> Registry(bool recursive = false) => new("--registry")
    {
        Description = "Model registry folder (versions, champion pointer, snapshots).",
        DefaultValueFactory = _ => new DirectoryInfo(Repo("models")),
        Recursive = recursive,
    };

    public static Option<bool> SkipInvalid() => new("--skip-invalid")
    {
        Description = "Skip invalid rows and count them in the run's report, instead of failing (the default).",
    };

    public static Option<string> Layout() => new("--layout")
    {
        Description = "Columns of the CSV: journeyml (JourneyML's own), hubspot (a HubSpot contact import) or salesforce (a Salesforce Data Import Wizard file).",
        DefaultValueFactory = _ => "journeyml",
    };

    public static Option<bool> Excel() => new("--excel")
    {
        Description = "Write the CSV for Excel: UTF-8 with a byte-order mark and CRLF line ends, so Japanese and other non-ASCII text opens as written.",
    };

    /// <summary>The CSV format the <c>--layout</c> and <c>--excel</c> options ask for.</summary>
    public static Core.Scoring.ExportFormat ExportFormat(ParseResult parse, Option<string> layout, Option<bool> excel) =>
        new(Core.Scoring.ExportFormat.ParseLayout(parse.GetValue(layout), "--layout"), parse.GetValue(excel));

    /// <summary>--encoding for a ready feature table (mode B has no mapping file to name it in).</summary>
    public static Option<string?> TableEncoding() => new("--encoding")
    {
        Description = "Text encoding of a CSV feature table: utf-8, utf-16, shift_jis (cp932) or another .NET name. Default: detected (byte order mark, else UTF-8, else Shift_JIS).",
    };

    /// <summary>--delimiter for a ready feature table.</summary>
    public static Option<string?> TableDelimiter() => new("--delimiter")
    {
        Description = "Field delimiter of a CSV feature table: \",\", \";\", \"|\" or tab. Default: detected from the header row.",
    };

    /// <summary>How a ready feature table's CSV is read, from --encoding and --delimiter; a bad name is an invalid argument.</summary>
    public static Core.Data.CsvFormat TableFormat(ParseResult parse, Option<string?> encoding, Option<string?> delimiter) =>
        Core.Data.CsvFormat.FromOptions(parse.GetValue(encoding), parse.GetValue(delimiter));

    /// <summary>Parses a UTC date or date-time; throws a clear error naming the option.</summary>
    public static DateTime? ParseDate(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        if (Core.Data.TimeParser.TryParse(text, null, out var value))
        {
            return value;
        }
        throw new Core.Errors.InvalidInputException($"{option}: '{text}' is not a date (expected yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ)");
    }

    public static string Repo(params string[] parts) => Path.Combine([RepoRoot.Value, .. parts]);

    /// <summary>The repository root (where JourneyML.sln is), so the embedded defaults work from any working folder inside it.</summary>
    private static readonly Lazy<string> RepoRoot = new(() =>
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "JourneyML.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return Directory.GetCurrentDirectory();
    });

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
