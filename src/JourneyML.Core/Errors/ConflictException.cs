namespace JourneyML.Core.Errors;

/// <summary>The request is valid, but the registry's state does not allow it now (for example nothing to roll back to).</summary>
public class ConflictException(string message, Exception? innerException = null) : JourneyException(message, innerException);
