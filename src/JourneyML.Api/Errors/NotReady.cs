using JourneyML.Core.Errors;

namespace JourneyML.Api.Errors;

/// <summary>The service's own "not ready yet" answers (503), saying what to run first in the words of a service operator.</summary>
public static class NotReady
{
    public static NotReadyException NoChampion() =>
        new("no champion model is being served yet: train one ('journeyml retrain', or POST /v1/jobs/retrain) and it is picked up within seconds");

    public static NotReadyException NoSnapshot() =>
        new("no scoring snapshot yet: score the customers ('journeyml score', 'journeyml retrain', or POST /v1/jobs/retrain)");
}
