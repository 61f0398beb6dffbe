namespace JourneyML.Core.Journeys;

/// <summary>
/// Where a run's journey maps live in the registry: <c>journeys/all</c> for everyone, <c>journeys/segment-N</c> for a
/// segment, <c>journeys/account-ID</c> for an account's buying group; each folder holds the map as JSON, HTML and Markdown
/// (what changed is measured against the map there before). The journey run writes there, the API serves from there.
/// </summary>
public static class JourneyMapFolders
{
    public const string JsonFile = "journey-map.json";
    public const string HtmlFile = "journey-map.html";
    public const string MarkdownFile = "journey-map.md";

    /// <summary>The folder of the map for everyone, a segment, or an account (the account wins when both are given, as in a run).</summary>
    public static string For(string registryRoot, int? segment = null, string? account = null) =>
        Path.Combine(registryRoot, "journeys", account is { } a ? $"account-{Safe(a)}" : segment is { } s ? $"segment-{s}" : "all");

    // Account ids come from the user's data: only letters, digits, '-' and '_' reach a folder name.
    private static string Safe(string id) => new([.. id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
