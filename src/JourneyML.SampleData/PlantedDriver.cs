namespace JourneyML.SampleData;

/// <summary>Where a planted signal lives in the export.</summary>
public enum PlantedSource
{
    /// <summary>An extra column of the customers table (industry, seats, referral source...).</summary>
    Attribute,

    /// <summary>The <c>value</c> of one event type (session minutes, ticket severity...).</summary>
    EventValue,

    /// <summary>A column JourneyML maps itself (plan): a control that is a feature already.</summary>
    MappedColumn,
}

/// <summary>
/// One signal the generator planted in a world's true churn or conversion probability, recorded in ground_truth.json so
/// a measurement can check that the models find it among their drivers.
/// </summary>
/// <param name="Task">"churn" or "conversion".</param>
/// <param name="Column">The customers column (attribute) or the event type as the export writes it (event value).</param>
/// <param name="CanonicalType">For an event value, the canonical event type the mapping gives that event (login, ticket_opened...).</param>
/// <param name="Direction">The planted effect in words, for example "paid_social raises churn risk".</param>
public sealed record PlantedDriver(string Task, PlantedSource Source, string Column, string? CanonicalType, string Direction)
{
    /// <summary>Words a feature built from an event's value carries in its name (the feature step names them; this is the loose contract).</summary>
    private static readonly string[] s_valueWords = ["value", "minutes", "severity", "duration", "amount"];

    public string Describe() => Source switch
    {
        PlantedSource.EventValue => $"value of {Column} ({CanonicalType})",
        PlantedSource.MappedColumn => $"{Column} (mapped column)",
        _ => $"attribute {Column}",
    };

    /// <summary>
    /// Whether a feature name carries this signal: an attribute's or mapped column's name appears in it; an event value's
    /// feature names the event (its export name, canonical type or family) and a value word (minutes, severity, value...).
    /// </summary>
    public bool Matches(string feature)
    {
        var name = feature.ToLowerInvariant();
        if (Source != PlantedSource.EventValue)
        {
            return name.Contains(Column.ToLowerInvariant(), StringComparison.Ordinal);
        }
        var eventWords = new List<string> { Column.ToLowerInvariant() };
        if (CanonicalType is { } canonical)
        {
            eventWords.Add(canonical);
            eventWords.Add(canonical.Split('_')[0]); // the family: login, ticket, webinar
        }
        if (CanonicalType == "login")
        {
            eventWords.Add("session");
            eventWords.Add("usage");
        }
        return eventWords.Any(w => name.Contains(w, StringComparison.Ordinal)) && s_valueWords.Any(w => name.Contains(w, StringComparison.Ordinal));
    }
}
