using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using JourneyML.Core.Uplift;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>The training run's intervention step: each kind's effect and uplift per segment, when the export has an interventions table.</summary>
internal static class InterventionRun
{
    public static InterventionMetadata? Estimate(LoadedFeatures loaded, FeatureTable table, SegmentationResult segmentation, ILogger logger)
    {
        if (loaded.Dataset?.Interventions is not { } interventions || table.AsOf is not { } asOf || !table.Labels.ContainsKey(LabelNames.Churn))
        {
            return null;
        }
        var options = new UpliftOptions();
        var segments = segmentation.Assignments.Select(a => (string?)a.ToString(CultureInfo.InvariantCulture)).ToArray();
        var result = InterventionEffects.Estimate(table, interventions, loaded.Dataset.Customers, options, segments);
        foreach (var kind in result.Kinds)
        {
            var e = kind.Effect;
            logger.LogInformation("Intervention {Kind}: {Design}, {Treated} treated, {Comparison} compared: {Effect}", kind.Kind, e.Design, e.Treated, e.Comparison,
                e.Effect is { } v ? $"{v:+0.000;-0.000} (95% {e.Interval!.Low:+0.000;-0.000} to {e.Interval.High:+0.000;-0.000}); naive {e.Naive:+0.000;-0.000}" : e.TooSmall);
        }
        return new InterventionMetadata(asOf, table.HorizonDays ?? 0, options.ContactWindowDays, options.Trim, result.Kinds)
        {
            SegmentNames = segmentation.Profiles.ToDictionary(p => p.SegmentId.ToString(CultureInfo.InvariantCulture), p => p.Name),
            SegmentNamesJapanese = segmentation.Profiles.ToDictionary(p => p.SegmentId.ToString(CultureInfo.InvariantCulture), p => p.NameIn(japanese: true)),
        };
    }
}
