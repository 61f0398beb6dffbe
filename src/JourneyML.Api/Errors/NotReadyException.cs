namespace JourneyML.Api.Errors;

/// <summary>What the call needs is not there yet (no champion, no snapshot): answered 503 with the reason and what to do.</summary>
public sealed class NotReadyException(string message) : Exception(message)
{
    public static NotReadyException NoChampion() =>
        new("no champion model is being served yet: train one ('journeyml retrain', or POST /v1/jobs/retrain) and it is picked up within seconds");

    public static NotReadyException NoSnapshot() =>
        new("no scoring snapshot yet: score the customers ('journeyml score', 'journeyml retrain', or POST /v1/jobs/retrain)");
}
