using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Api.Serving;

namespace JourneyML.Api.Workspace;

/// <summary>One activity signal of the customer page: the snapshot's feature, the event type it counts, and its window.</summary>
public sealed record ActivitySignal(string Feature, string EventType, int Days);

/// <summary>
/// The export's own names for JourneyML's event types (journeyml.json's events.types in the service's data folder: ログイン
/// for login), so the customer page names activity as the user's export does. Read again when the file changes; without a
/// mapping, or one that does not load, the page uses its own words for each type.
/// </summary>
public sealed class EventNames(ServingPaths paths, ILogger<EventNames> logger)
{
    public static IReadOnlyList<ActivitySignal> Signals { get; } =
    [
        new(FeatureNames.Logins30d, "login", 30),
        new(FeatureNames.Tickets30d, "ticket_opened", 30),
        new(FeatureNames.Escalations90d, "ticket_escalated", 90),
        new(FeatureNames.PricingViews14d, "pricing_page_view", 14),
        new(FeatureNames.PageViews30d, "page_view", 30),
        new(FeatureNames.EmailOpens30d, "email_open", 30),
        new(FeatureNames.Downloads90d, "download", 90),
        new(FeatureNames.Webinars90d, "webinar_attended", 90),
    ];

    private readonly Lock _gate = new();
    private (DateTime Stamp, IReadOnlyDictionary<string, IReadOnlyList<string>> Names) _cached = (DateTime.MinValue, new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>The export's names for an event type (empty when it uses JourneyML's own).</summary>
    public IReadOnlyList<string> Of(string eventType) => Current().TryGetValue(eventType, out var names) ? names : [];

    private IReadOnlyDictionary<string, IReadOnlyList<string>> Current()
    {
        var file = new FileInfo(Path.Combine(paths.Data, DataMapping.DefaultFileName));
        var stamp = file.Exists ? file.LastWriteTimeUtc : DateTime.MinValue;
        lock (_gate)
        {
            if (stamp != _cached.Stamp)
            {
                _cached = (stamp, Read(file));
            }
            return _cached.Names;
        }
    }

    private Dictionary<string, IReadOnlyList<string>> Read(FileInfo file)
    {
        if (!file.Exists)
        {
            return [];
        }
        try
        {
            return DataMapping.Load(file.FullName).Events.Types
                .Where(t => !string.Equals(t.Key, t.Value, StringComparison.OrdinalIgnoreCase))
                .GroupBy(t => t.Value, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(t => t.Key).Order(StringComparer.Ordinal)], StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is DataFileException or IOException or UnauthorizedAccessException or Core.Errors.InvalidInputException)
        {
            logger.LogWarning("The data folder's mapping file cannot be read; the workspace names events in its own words: {Reason}", e.Message);
            return [];
        }
    }
}
