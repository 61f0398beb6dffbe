using System.Globalization;
using System.Text.Json;

namespace JourneyML.Core.Journeys;

/// <summary>What changed since the previous map: conversion up or down, stages growing or shrinking, new bottlenecks.</summary>
public static class JourneyChanges
{
    public static IReadOnlyList<string> Between(JourneyMap previous, JourneyMap current)
    {
        var inv = CultureInfo.InvariantCulture;
        var changes = new List<(double Weight, string Text)>();
        foreach (var (step, rate) in current.Kpis.StageConversion)
        {
            if (previous.Kpis.StageConversion.TryGetValue(step, out var before) && Math.Abs(rate - before) >= 0.03)
            {
                changes.Add((Math.Abs(rate - before), $"{step} conversion {(rate > before ? "up" : "down")} from {before.ToString("0%", inv)} to {rate.ToString("0%", inv)}"));
            }
        }
        foreach (var stage in current.Stages)
        {
            var before = previous.Stages.FirstOrDefault(s => s.Stage == stage.Stage);
            if (before is null)
            {
                changes.Add((1, $"{stage.Stage} is a new stage"));
                continue;
            }
            int delta = stage.CustomersNow - before.CustomersNow;
            if (Math.Abs(delta) >= 10 && Math.Abs(delta) >= 0.1 * Math.Max(before.CustomersNow, 1))
            {
                changes.Add((Math.Abs(delta) / (double)Math.Max(current.Kpis.Customers, 1), $"{stage.Stage} {(delta > 0 ? "grew" : "shrank")} from {before.CustomersNow:N0} to {stage.CustomersNow:N0} customers"));
            }
            if (stage.StuckLongerThanP90 >= 5 && stage.StuckLongerThanP90 >= 2 * Math.Max(before.StuckLongerThanP90, 1))
            {
                changes.Add((stage.StuckLongerThanP90 / (double)Math.Max(current.Kpis.Customers, 1), $"new bottleneck in {stage.Stage}: {stage.StuckLongerThanP90:N0} customers stuck past p90 (was {before.StuckLongerThanP90:N0})"));
            }
        }
        return [.. changes.OrderByDescending(c => c.Weight).Select(c => c.Text)];
    }

    /// <summary>The map last written to a folder, if any (its JSON).</summary>
    public static JourneyMap? Previous(string directory)
    {
        var path = Path.Combine(directory, JourneyMapFolders.JsonFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), JourneyJson.Default.JourneyMap);
        }
        catch (JsonException)
        {
            return null; // an unreadable earlier map is no comparison
        }
    }
}
