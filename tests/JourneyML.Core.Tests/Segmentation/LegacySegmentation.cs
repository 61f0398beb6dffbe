using System.Text.Json.Nodes;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace JourneyML.Core.Tests.Segmentation;

/// <summary>
/// A segmentation folder as builds before the own k-means wrote it (segments.json version 1 beside segments.zip, ML.NET's
/// k-means on the standardised vector), to prove registries written then still load.
/// </summary>
internal static class LegacySegmentation
{
    private const string InputColumn = "Standardised";

    private sealed class Row
    {
        public float[] Standardised { get; set; } = [];
    }

    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
    }

    /// <summary>Fits ML.NET's k-means with the model's k on the table, writes both files; returns ML.NET's cluster (0-based) of each row.</summary>
    public static int[] Write(string directory, FeatureTable table, SegmentationModel model)
    {
        var scales = model.Scales;
        var columns = scales.Select(s => s.Values(table)).ToArray();
        var rows = Enumerable.Range(0, table.RowCount)
            .Select(r => new Row { Standardised = [.. Enumerable.Range(0, scales.Count).Select(j => scales[j].Standardise(columns[j][r]))] }).ToList();
        var ml = new MLContext(1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[InputColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, scales.Count);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var kMeans = ml.Transforms.CopyColumns("Features", InputColumn)
            .Append(ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options { FeatureColumnName = "Features", NumberOfClusters = model.SegmentIds.Count, NumberOfThreads = 1 }))
            .Fit(data);
        ml.Model.Save(kMeans, data.Schema, Path.Combine(directory, SegmentationModel.LegacyModelFileName));

        var centroids = SegmentationModel.KMeansCentroids(kMeans);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, SegmentationModel.DescriptionFileName)))!;
        json["version"] = 1;
        var segments = json["segments"]!.AsArray();
        for (int c = 0; c < segments.Count; c++)
        {
            segments[c]!["centroid"] = new JsonArray([.. centroids[c].Select(v => JsonValue.Create(v))]);
        }
        File.WriteAllText(Path.Combine(directory, SegmentationModel.DescriptionFileName), json.ToJsonString());

        return [.. ml.Data.CreateEnumerable<Prediction>(kMeans.Transform(data), reuseRowObject: false).Select(p => (int)p.PredictedLabel - 1)];
    }

    public static string ShiftFirstCentroid(string json)
    {
        var node = JsonNode.Parse(json)!;
        var centroid = node["segments"]![0]!["centroid"]!.AsArray();
        centroid[0] = centroid[0]!.GetValue<float>() + 0.5f;
        return node.ToJsonString();
    }
}
