using System.CommandLine;
using System.Globalization;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml models list|show|promote|rollback</c>: the registry by hand.</summary>
internal sealed class ModelsCommand : Command
{
    private static readonly Option<DirectoryInfo> s_registry = CommonOptions.Registry(recursive: true);
    private static readonly Argument<string> s_version = new("version") { Description = "A model version (yyyyMMdd-HHmmss-xxxxxxxx-xxxx; older versions have no last part)." };

    public ModelsCommand() : base("models", "List, inspect, promote or roll back model versions in the registry.")
    {
        Options.Add(s_registry);
        var list = new Command("list", "Every complete model version, newest first; the champion marked.");
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            var registry = Registry(parse);
            var champion = ChampionOrWarning(registry);
            var versions = registry.List();
            if (versions.Count == 0)
            {
                Console.WriteLine($"No model versions in {registry.Root}.");
            }
            foreach (var m in versions)
            {
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} {1}  {2,-14} as of {3:yyyy-MM-dd}  churn AUC {4}  lead AUC {5}  {6} segments{7}",
                    m.Version == champion ? "*" : " ", m.Version, m.Mode.Name(), m.AsOf, F(m.Churn?.Holdout.Auc), F(m.Lead?.Holdout.Auc),
                    m.Segmentation.ChosenK, m.Promotion is { Promoted: false } p ? "  (not promoted: " + p.Reason + ")" : ""));
            }
            return ExitCodes.Success;
        }));
        var show = new Command("show", "A version's metadata (JSON) and where its report is.") { s_version };
        show.SetAction(parse => CommandRunner.Run(() =>
        {
            var registry = Registry(parse);
            var version = parse.GetValue(s_version)!;
            var directory = registry.VersionDirectory(version);
            if (registry.Find(version) is null)
            {
                Console.Error.WriteLine($"Model version {version} not found in {registry.Root}.");
                return ExitCodes.InvalidArguments;
            }
            Console.WriteLine(File.ReadAllText(Path.Combine(directory, ModelRegistry.MetadataFile)));
            Console.WriteLine($"Report: {Path.Combine(directory, "report.html")}");
            return ExitCodes.Success;
        }));
        var promote = new Command("promote", "Make a version the champion (whatever the gate said) once every file matches its manifest and its models load; one that does not is refused. Also repairs a damaged champion.json.") { s_version };
        promote.SetAction(parse => CommandRunner.Run(() =>
        {
            var pointer = Registry(parse).PromoteLoadable(parse.GetValue(s_version)!, "promoted by hand (journeyml models promote)", DateTime.UtcNow);
            Console.WriteLine($"Champion is now {pointer.Version}.");
            if (pointer.Repaired)
            {
                Console.WriteLine($"The damaged {ModelRegistry.ChampionFile} was replaced (kept as {ModelRegistry.ChampionFile}.damaged); the champion history before it is lost, so there is nothing to roll back to yet.");
            }
            return ExitCodes.Success;
        }));
        var rollback = new Command("rollback", "Bring back the previous champion, once its models load.");
        rollback.SetAction(parse => CommandRunner.Run(() =>
        {
            var pointer = Registry(parse).RollbackLoadable(DateTime.UtcNow);
            Console.WriteLine($"Champion is now {pointer.Version} ({pointer.Reason}).");
            return ExitCodes.Success;
        }));
        Subcommands.Add(list);
        Subcommands.Add(show);
        Subcommands.Add(promote);
        Subcommands.Add(rollback);
    }

    /// <summary>The champion's version; a damaged pointer is said, and the list still shown: it is where the version to repair it with is found.</summary>
    private static string? ChampionOrWarning(ModelRegistry registry)
    {
        try
        {
            return registry.Champion()?.Version;
        }
        catch (NotReadyException e)
        {
            Console.Error.WriteLine($"Warning: {e.Message}");
            return null;
        }
    }

    private static ModelRegistry Registry(ParseResult parse) => new(parse.GetValue(s_registry)!.FullName);

    private static string F(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "  -  ";
}
