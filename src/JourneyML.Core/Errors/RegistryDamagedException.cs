namespace JourneyML.Core.Errors;

/// <summary>
/// A registry file that every caller relies on cannot be read (a truncated or hand-edited <c>champion.json</c>): not the
/// caller's mistake, and not fixed by asking again. Promoting a version repairs the champion pointer. A kind of
/// <see cref="NotReadyException"/> (no model serves until it is repaired), so callers that know only that one still
/// answer with the message and no stack trace; the API answers 503.
/// </summary>
/// <param name="file">The file's name inside the registry (never its full path: the message may reach an answer).</param>
public sealed class RegistryDamagedException(string file, string reason, Exception? innerException = null)
    : NotReadyException($"the registry's {file} is damaged ({reason}): nothing new is loaded from it until a version is promoted; "
        + "repair it with 'journeyml models promote <version>' (the versions: 'journeyml models list')", innerException)
{
    public string File { get; } = file;
}
