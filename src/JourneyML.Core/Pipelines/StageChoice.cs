using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>
/// Which stages a run uses, and the one place a suggestion is stored. The registry's stages.json wins; without one, the
/// first run that has the data at hand (train, score, journey, retrain, demo) suggests stages for it and stores them in
/// the registry folder as <see cref="StageModel.SuggestedFileName"/>; every later run, and the API (which scores without
/// the data), reads that file, so the batch and the API use the same stages. Delete the file to suggest again (after the
/// business changed); write a stages.json to name your own.
/// </summary>
internal static class StageChoice
{
    /// <summary>The stages for a run; <paramref name="events"/> (or <paramref name="dataset"/>, read only when a suggestion is needed) is the data at hand, null for a ready feature table.</summary>
    public static StageModel ForRun(string registryRoot, StageSignals signals, Dataset? dataset, EventTimeline? events, ILogger logger, CancellationToken cancellationToken)
    {
        EnsureSuggested(registryRoot, dataset, events, logger, cancellationToken);
        var stages = StageModel.ForRegistry(registryRoot, signals);
        logger.LogInformation("stages: {Source}", stages.Source);
        return stages;
    }

    /// <summary>Whether the registry has neither stages.json nor a stored suggestion, so a run with the data at hand reads its events to suggest stages.</summary>
    public static bool NeedsSuggestion(string registryRoot) =>
        !File.Exists(Path.Combine(registryRoot, StageModel.DefaultFileName)) && !File.Exists(Path.Combine(registryRoot, StageModel.SuggestedFileName));

    /// <summary>Suggests and stores stages when the registry has neither stages.json nor a stored suggestion and the data is at hand; true when it wrote one.</summary>
    public static bool EnsureSuggested(string registryRoot, Dataset? dataset, EventTimeline? events, ILogger logger, CancellationToken cancellationToken)
    {
        if (!NeedsSuggestion(registryRoot) || (dataset is null && events is null))
        {
            return false;
        }
        var timeline = events ?? EventTimeline.Build(dataset!, withChannels: false, cancellationToken: cancellationToken);
        var suggestion = StageSuggestion.Suggest(timeline, cancellationToken: cancellationToken);
        Directory.CreateDirectory(registryRoot);
        var path = Path.Combine(registryRoot, StageModel.SuggestedFileName);
        // Atomic, and the same data gives the same file: two runs racing here write the same stages.
        AtomicFile.WriteAllText(path, suggestion.ToJson());
        logger.LogInformation("No {StagesJson} in the registry: stages suggested for {Shape} and stored in {Path} ({Stages}); every later run and the API use them",
            StageModel.DefaultFileName, suggestion.For.For, path, string.Join(", ", suggestion.Stages.Select(s => s.Name)));
        return true;
    }
}
