using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Data;
using JourneyML.Core.Pipelines;

namespace JourneyML.SampleData;

/// <summary>
/// The truth the generator planted, read back from a generated folder's ground-truth file as the oracle a training run
/// (or a benchmark) is handed to report how well the models recover it.
/// </summary>
public static class GroundTruth
{
    /// <summary>Reads ground_truth.parquet or ground_truth.csv from a data folder; null when the folder has none.</summary>
    public static KnownTruth? TryLoad(string dataDirectory)
    {
        var path = new[] { "ground_truth.parquet", "ground_truth.csv" }.Select(f => Path.Combine(dataDirectory, f)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }
        var customers = new Dictionary<string, KnownCustomerTruth>(StringComparer.Ordinal);
        using var reader = TableReader.Open(path);
        foreach (var chunk in reader.ReadAll(["customer_id", "segment_id", "churn_probability", "conversion_probability"]))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                if (chunk.GetString(0, i) is not { } id)
                {
                    continue;
                }
                customers[id] = new KnownCustomerTruth(
                    chunk.TryGetOptionalDouble(1, i, out var s) && !double.IsNaN(s) ? (int)s : null,
                    chunk.TryGetOptionalDouble(2, i, out var c) ? c : null,
                    chunk.TryGetOptionalDouble(3, i, out var v) ? v : null);
            }
        }
        return new KnownTruth(customers);
    }

    /// <summary>
    /// The drivers planted in a generated world (ground_truth.json's <c>plantedDrivers</c>): which attribute and event-value
    /// signals move the true probabilities, and which way. Empty for the B2B world, whose truth lives in behaviour alone.
    /// </summary>
    public static IReadOnlyList<PlantedDriver> PlantedDrivers(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "ground_truth.json");
        if (!File.Exists(path))
        {
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("plantedDrivers", out var drivers)
            ? drivers.Deserialize(GroundTruthJson.Default.IReadOnlyListPlantedDriver) ?? []
            : [];
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<PlantedDriver>))]
internal sealed partial class GroundTruthJson : JsonSerializerContext;
