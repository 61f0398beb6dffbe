namespace JourneyML.Core.Errors;

/// <summary>
/// What the caller gave is wrong: an option or request value, a version string, a date window, a mapping or the data
/// itself (<see cref="Data.DataValidationException"/> and <see cref="Data.DataFileException"/> are kinds of it).
/// </summary>
public class InvalidInputException(string message, Exception? innerException = null) : JourneyException(message, innerException);
