namespace JourneyML.Core.Errors;

/// <summary>
/// A failure the user can act on: its message says what went wrong and, where it helps, what to do. Its type says which
/// kind of failure it is, so the CLI maps it to an exit code and the API to a status code without reading the message.
/// Anything else that escapes Core is a bug.
/// </summary>
public abstract class JourneyException(string message, Exception? innerException = null) : Exception(message, innerException);
