namespace JourneyML.Core.Errors;

/// <summary>Something the caller named is not there: a model version, a segment, an account, a customer.</summary>
/// <param name="subject">What was looked for, in words ("model version", "segment"), for a title such as "Unknown segment".</param>
public sealed class NotFoundException(string subject, string message) : JourneyException(message)
{
    public string Subject { get; } = subject;
}
