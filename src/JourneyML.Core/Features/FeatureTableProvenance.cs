using System.Text.Json;
using System.Text.Json.Serialization;
using Parquet;

namespace JourneyML.Core.Features;

/// <summary>
/// What a feature table <c>journeyml features</c> wrote was built from and how, stored with it (in the Parquet file's
/// metadata; beside a CSV as <c>NAME.csv.journeyml.json</c>), so <c>train --features</c> and <c>score --features</c> can
/// reuse it only for the run it fits: the same export, as-of date, horizon, invalid-row policy and feature plan.
/// </summary>
/// <param name="BuilderVersion">The feature builder's version when the table was written (<see cref="CurrentBuilderVersion"/>).</param>
/// <param name="DataFingerprint">The export's input files (names, sizes and their first and last bytes) and mapping, hashed.</param>
/// <param name="TableFingerprint">The table's ids, values and labels, hashed: an edited file, or a CSV beside another run's description, is caught.</param>
/// <param name="ContentValueKinds">The content event types whose value features the plan writes (a plan input only the events can tell).</param>
/// <param name="InvalidRows">Rows skipped while the table was built (with --skip-invalid), reported again by the run that reuses it.</param>
/// <param name="RepeatPurchases">The plan writes the order counts (the export holds repeat purchases: another plan input only the events can tell).</param>
public sealed record FeatureTableProvenance(
    int BuilderVersion,
    DateTime AsOf,
    int HorizonDays,
    DateTime DataAsOf,
    string DataFingerprint,
    string TableFingerprint,
    bool SkipInvalid,
    bool UsageValues,
    bool SeverityValues,
    IReadOnlyList<string> ContentValueKinds,
    int SignedUpOnOrAfterAsOf,
    long EventsBeforeAsOf,
    long EventsOnOrAfterAsOf,
    bool LabelsComplete,
    long InvalidRows,
    bool RepeatPurchases = false)
{
    /// <summary>
    /// Bump when a feature's computation changes under the same name, so a table written before is rebuilt rather than
    /// mixed with new models; a feature added, removed or redescribed is caught by the plan check without a bump.
    /// </summary>
    public const int CurrentBuilderVersion = 1;

    /// <summary>The Parquet key-value metadata entry holding it.</summary>
    public const string MetadataKey = "journeyml.provenance";

    /// <summary>The file beside a CSV table holding it.</summary>
    public static string SidecarPath(string csvPath) => csvPath + ".journeyml.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>
    /// The provenance stored with a table, or null when it has none (a table from another tool, or from a JourneyML before
    /// tables carried it). Throws naming the file when the stored description is unreadable.
    /// </summary>
    public static FeatureTableProvenance? Read(string path)
    {
        string? json;
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            json = Task.Run(() => ParquetMetadataAsync(path)).GetAwaiter().GetResult();
        }
        else
        {
            var sidecar = SidecarPath(path);
            json = File.Exists(sidecar) ? File.ReadAllText(sidecar) : null;
        }
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<FeatureTableProvenance>(json, s_json);
        }
        catch (JsonException e)
        {
            throw new Data.DataFileException(Path.GetFileName(path), $"its description of how it was built is unreadable ({e.Message}); rebuild it with 'journeyml features'");
        }
    }

    private static async Task<string?> ParquetMetadataAsync(string path)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(stream);
            return reader.CustomMetadata.TryGetValue(MetadataKey, out var json) ? json : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new Data.DataFileException(Path.GetFileName(path), $"not a readable Parquet file ({e.Message})");
        }
    }
}
