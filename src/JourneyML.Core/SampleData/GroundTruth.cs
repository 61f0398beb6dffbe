using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.SampleData;

/// <summary>
/// The truth the generator planted, aligned to a feature table's rows: planted segment, true churn and conversion
/// probabilities. Training runs on generated data report how well the models recover it.
/// </summary>
public sealed record GroundTruth(int[] Segment, float[] ChurnProbability, float[] ConversionProbability)
{
    /// <summary>Reads ground_truth.csv or ground_truth.parquet from a data folder; null when the folder has none.</summary>
    public static GroundTruth? TryLoad(string dataDirectory, FeatureTable table)
    {
        var path = new[] { "ground_truth.parquet", "ground_truth.csv" }.Select(f => Path.Combine(dataDirectory, f)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }
        var index = new Dictionary<string, int>(table.RowCount, StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            index[table.CustomerIds[r]] = r;
        }
        var segment = new int[table.RowCount];
        Array.Fill(segment, -1);
        var churn = new float[table.RowCount];
        var conversion = new float[table.RowCount];
        Array.Fill(churn, float.NaN);
        Array.Fill(conversion, float.NaN);
        using var reader = TableReader.Open(path);
        foreach (var chunk in reader.ReadAll(["customer_id", "segment_id", "churn_probability", "conversion_probability"]))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                if (chunk.GetString(0, i) is not { } id || !index.TryGetValue(id, out int r))
                {
                    continue;
                }
                segment[r] = chunk.TryGetOptionalDouble(1, i, out var s) && !double.IsNaN(s) ? (int)s : -1;
                churn[r] = chunk.TryGetOptionalDouble(2, i, out var c) ? (float)c : float.NaN;
                conversion[r] = chunk.TryGetOptionalDouble(3, i, out var v) ? (float)v : float.NaN;
            }
        }
        return new GroundTruth(segment, churn, conversion);
    }
}
