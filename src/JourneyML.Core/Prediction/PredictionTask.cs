using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>
/// What a classifier predicts: churn of paying customers (churn risk), or conversion of leads (lead score). Each task
/// learns one label over one population; it reads and is written as its name ("churn", "lead").
/// </summary>
[JsonConverter(typeof(PredictionTaskJsonConverter))]
public readonly record struct PredictionTask
{
    private PredictionTask(string name, string label, CustomerStatus population)
    {
        Name = name;
        Label = label;
        Population = population;
    }

    /// <summary>Churn within the horizon, of customers paying at the as-of date.</summary>
    public static PredictionTask Churn { get; } = new("churn", LabelNames.Churn, CustomerStatus.Customer);
    /// <summary>Conversion (a purchase) within the horizon, of leads at the as-of date.</summary>
    public static PredictionTask Lead { get; } = new("lead", LabelNames.Conversion, CustomerStatus.Lead);

    public string Name { get; }
    /// <summary>The label it learns (<see cref="LabelNames"/>).</summary>
    public string Label { get; }
    /// <summary>The status of the customers it applies to (<see cref="CustomerStatus"/>).</summary>
    public CustomerStatus Population { get; }

    /// <summary>The task whose label this is: conversion is the lead task, anything else churn.</summary>
    public static PredictionTask ForLabel(string label) => label == LabelNames.Conversion ? Lead : Churn;

    public static PredictionTask Parse(string name) => name switch
    {
        "churn" => Churn,
        "lead" => Lead,
        _ => throw new FormatException($"unknown task '{name}' (churn or lead)"),
    };

    public override string ToString() => Name;
}

internal sealed class PredictionTaskJsonConverter : JsonConverter<PredictionTask>
{
    public override PredictionTask Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PredictionTask.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, PredictionTask value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
