using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>The configured folders as full paths (relative ones are relative to the content root).</summary>
public sealed class ServingPaths(IOptions<RegistryOptions> registry, IOptions<ServingOptions> serving, IHostEnvironment environment)
{
    public string Registry { get; } = Resolve(environment, registry.Value.Path);
    public string Data { get; } = Resolve(environment, serving.Value.DataPath);
    public IReadOnlyList<string> DataRoots { get; } = [Resolve(environment, serving.Value.DataPath), .. serving.Value.DataRoots.Select(r => Resolve(environment, r))];

    private static string Resolve(IHostEnvironment environment, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path));

    /// <summary>
    /// A data folder named in a request, accepted only when it is one of the allowed roots or inside one (after
    /// resolving '..' and links' names), so a request cannot make the service read an arbitrary folder.
    /// </summary>
    public string? AllowedDataFolder(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return null;
        }
        foreach (var root in DataRoots)
        {
            var full = Path.GetFullPath(Path.IsPathRooted(requested) ? requested : Path.Combine(root, requested));
            var withSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            if (full == root || full.StartsWith(withSeparator, StringComparison.Ordinal))
            {
                return full;
            }
        }
        return null;
    }
}
