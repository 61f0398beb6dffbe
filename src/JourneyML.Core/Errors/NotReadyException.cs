namespace JourneyML.Core.Errors;

/// <summary>What the call needs is not there yet (no champion model, no scoring snapshot); the message says what to run first.</summary>
public class NotReadyException(string message, Exception? innerException = null) : JourneyException(message, innerException);
