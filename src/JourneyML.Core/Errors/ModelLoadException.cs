namespace JourneyML.Core.Errors;

/// <summary>A model version exists but cannot be loaded (damaged or missing files): it is refused, and the champion stays as it was.</summary>
public sealed class ModelLoadException(string version, string reason, Exception? innerException = null)
    : ConflictException($"model {version} failed to load ({reason}); the champion is unchanged", innerException)
{
    public string Version { get; } = version;
    public string Reason { get; } = reason;
}
