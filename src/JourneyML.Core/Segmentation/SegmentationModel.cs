using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace JourneyML.Core.Segmentation;

/// <summary>
/// Everything needed to put a customer in a segment: the features and their scaling, the centroids and the stable
/// id and name of each segment. Immutable, so one instance serves any number of threads.
/// </summary>
public sealed class SegmentationModel
{
    /// <summary>
    /// The ML.NET k-means model that version 1 of <see cref="DescriptionFileName"/> was written with; read only to check
    /// such a version's two files agree. Since version 2 the centroids in the description are the whole model.
    /// </summary>
    public const string LegacyModelFileName = "segments.zip";
    public const string DescriptionFileName = "segments.json";

    /// <summary>Version 2: JourneyML's own k-means; the centroids in segments.json are the model (no segments.zip).</summary>
    internal const int FileVersion = 2;

    private readonly SegmentFeatureScale[] _scales;
    private readonly float[][] _centroids;
    private readonly CentroidKernel _kernel;
    private readonly float[]?[] _standardisedCounts;
    private readonly int[] _segmentIds;

    internal SegmentationModel(SegmentFeatureScale[] scales, float[][] centroids, int[] segmentIds, string[] segmentNames)
    {
        if (centroids.Length != segmentIds.Length || segmentIds.Length != segmentNames.Length)
        {
            throw new ArgumentException("one id and one name per centroid");
        }
        _scales = scales;
        _centroids = centroids;
        _kernel = new CentroidKernel(centroids, scales.Length);
        _standardisedCounts = [.. scales.Select(s => s.StandardisedCounts())];
        FeatureNames = scales.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToArray();
        SegmentIds = segmentIds;
        _segmentIds = segmentIds;
        SegmentNames = segmentNames;
    }

    /// <summary>The same names in Japanese, in the order of <see cref="SegmentIds"/>; null for a model trained before them (readers fall back to <see cref="SegmentNames"/>).</summary>
    public IReadOnlyList<string>? SegmentNamesJapanese { get; private init; }

    /// <summary>Segment <paramref name="c"/>'s name in a language: the Japanese one where asked for and written, the English one otherwise.</summary>
    public string SegmentNameIn(int c, bool japanese) =>
        japanese && SegmentNamesJapanese is { } ja && ja[c].Length > 0 ? ja[c] : SegmentNames[c];

    /// <summary>The columns the segments are found on (a categorical column once, however many levels it has).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Stable id of each cluster: the same id means the same group of customers across retrains.</summary>
    public IReadOnlyList<int> SegmentIds { get; }

    public IReadOnlyList<string> SegmentNames { get; }

    internal IReadOnlyList<SegmentFeatureScale> Scales => _scales;

    /// <summary>Centroids in the standardised space of this model, in the order of <see cref="SegmentIds"/>.</summary>
    internal IReadOnlyList<float[]> Centroids => _centroids;

    internal SegmentationModel WithNames(string[] names, string[]? japanese = null) =>
        new(_scales, _centroids, SegmentIds.ToArray(), names) { SegmentNamesJapanese = japanese };

    /// <summary>Rows per chunk of an assignment: chunks run on every core, each writing only its own rows' segments.</summary>
    internal const int AssignChunk = 8_192;

    /// <summary>The segment id of every row of a table that has this model's features.</summary>
    public int[] Assign(FeatureTable table)
    {
        var columns = _scales.Select(s => s.Values(table)).ToArray();
        return InChunks(table.RowCount, (from, to, result) => AssignRange(columns, from, to, result, standardised: false));
    }

    /// <summary>
    /// The segment id of every row given already standardised, one column per coordinate of <see cref="Scales"/> (the
    /// benchmark hands scikit-learn the same floats): the assignment alone, without reading and scaling the raw features.
    /// </summary>
    internal int[] AssignStandardised(IReadOnlyList<float[]> columns)
    {
        if (columns.Count != _scales.Length || columns.Any(c => c.Length != columns[0].Length))
        {
            throw new ArgumentException($"{columns.Count} columns of equal length expected {_scales.Length}");
        }
        var copied = columns.ToArray();
        return InChunks(copied[0].Length, (from, to, result) => AssignRange(copied, from, to, result, standardised: true));
    }

    private static int[] InChunks(int rows, Action<int, int, int[]> range)
    {
        var result = new int[rows];
        int chunks = (rows + AssignChunk - 1) / AssignChunk;
        if (chunks <= 2)
        {
            // A live prediction's few rows: starting parallel work would cost more than the rows.
            range(0, rows, result);
            return result;
        }
        Parallel.For(0, chunks, c => range(c * AssignChunk, Math.Min(rows, (c + 1) * AssignChunk), result));
        return result;
    }

    /// <summary>
    /// One pass over a range of rows, a block of rows at a time in buffers of the block's size (nothing allocated per row):
    /// each column's block standardised into the block's own column (log-scaled counts straight from a table of their
    /// standardised values, the rest eight at a time), then the nearest centroid of eight rows at a time, the rows down the
    /// vector lanes, on the centroids training used, so a training row gets the segment it was fitted in.
    /// </summary>
    private void AssignRange(float[][] columns, int from, int to, int[] result, bool standardised)
    {
        const int Block = 256;
        int d = _scales.Length;
        Span<float> block = d <= 32 ? stackalloc float[Block * d] : new float[Block * d];
        Span<int> nearest = stackalloc int[Block];
        for (int start = from; start < to; start += Block)
        {
            int count = Math.Min(Block, to - start);
            for (int j = 0; j < d; j++)
            {
                var values = columns[j].AsSpan(start, count);
                if (standardised)
                {
                    values.CopyTo(block.Slice(j * Block, count));
                }
                else
                {
                    _scales[j].Standardise(values, block.Slice(j * Block, count), _standardisedCounts[j]);
                }
            }
            _kernel.Nearest(block, Block, count, nearest);
            for (int i = 0; i < count; i++)
            {
                result[start + i] = _segmentIds[nearest[i]];
            }
        }
    }

    /// <summary>The segment of one customer (serving); a feature that is absent counts as missing, and so does every categorical one (numbers only here).</summary>
    public int Assign(IReadOnlyDictionary<string, float> features)
    {
        Span<float> row = stackalloc float[_scales.Length];
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = _scales[j].Standardise(_scales[j].Level is null && features.TryGetValue(_scales[j].Name, out float v) ? v : float.NaN);
        }
        return SegmentIds[Nearest(row)];
    }

    internal int Nearest(ReadOnlySpan<float> row) => _kernel.Nearest(row);

    /// <summary>Writes segments.json: scaling, centroids, ids and names, all a segmentation needs to assign a customer.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var file = new SegmentationFile(
            Version: FileVersion,
            Features: _scales.Select(s => new SegmentationFileFeature(s.Name, s.Log, s.Mean, s.Std, s.Level)).ToList(),
            Segments: SegmentIds.Select((id, c) => new SegmentationFileSegment(id, SegmentNames[c], _centroids[c], SegmentNamesJapanese?[c])).ToList());
        File.WriteAllText(Path.Combine(directory, DescriptionFileName), JsonSerializer.Serialize(file, SegmentationFileJson.Default.SegmentationFile));
    }

    public static SegmentationModel Load(string directory)
    {
        string jsonPath = Path.Combine(directory, DescriptionFileName);
        var file = JsonSerializer.Deserialize(File.ReadAllText(jsonPath), SegmentationFileJson.Default.SegmentationFile)
            ?? throw new InvalidDataException($"{jsonPath} is empty");
        if (file.Version is < 1 or > FileVersion)
        {
            throw new InvalidDataException($"{jsonPath} has version {file.Version}; this build reads versions 1 to {FileVersion}");
        }
        var scales = file.Features.Select(f => new SegmentFeatureScale(f.Name, f.Log, f.Mean, f.Std) { Level = f.Level }).ToArray();
        var centroids = file.Segments.Select(s => s.Centroid).ToArray();
        if (centroids.Any(c => c.Length != scales.Length))
        {
            throw new InvalidDataException($"{jsonPath}: a centroid does not have one value per feature");
        }
        if (file.Version == 1)
        {
            CheckLegacyModel(directory, centroids);
        }
        return new SegmentationModel(scales, centroids, file.Segments.Select(s => s.Id).ToArray(), file.Segments.Select(s => s.Name).ToArray())
        {
            // A file written before the Japanese names has none; one missing name falls back to the English one.
            SegmentNamesJapanese = file.Segments.Any(s => s.NameJa is not null) ? file.Segments.Select(s => s.NameJa ?? "").ToArray() : null,
        };
    }

    /// <summary>
    /// A version-1 folder holds the ML.NET k-means model beside the description, written together; centroids that disagree
    /// mean the files come from different model versions. Assignment then uses the description's centroids, as it always did.
    /// </summary>
    private static void CheckLegacyModel(string directory, float[][] centroids)
    {
        var kMeans = new MLContext().Model.Load(Path.Combine(directory, LegacyModelFileName), out _);
        var zipCentroids = KMeansCentroids(kMeans);
        bool same = zipCentroids.Length == centroids.Length
            && zipCentroids.Zip(centroids).All(p => p.First.Zip(p.Second).All(v => Math.Abs(v.First - v.Second) < 1e-4f));
        if (!same)
        {
            throw new InvalidDataException($"{LegacyModelFileName} and {DescriptionFileName} in {directory} do not describe the same segmentation");
        }
    }

    internal static float[][] KMeansCentroids(ITransformer model)
    {
        var last = ((IEnumerable<ITransformer>)model).Last();
        // A model loaded from disk types its predictor only as IPredictorProducing; the covariant interface reaches it either way.
        var parameters = ((ISingleFeaturePredictionTransformer<object>)last).Model as KMeansModelParameters
            ?? throw new InvalidDataException("the segmentation model does not end in a k-means model");
        VBuffer<float>[] centroids = [];
        parameters.GetClusterCentroids(ref centroids, out int k);
        return centroids.Take(k).Select(c => c.DenseValues().ToArray()).ToArray();
    }
}

internal sealed record SegmentationFile(int Version, List<SegmentationFileFeature> Features, List<SegmentationFileSegment> Segments);

/// <param name="Level">For a categorical column: the level this coordinate indicates; absent for a numeric feature.</param>
internal sealed record SegmentationFileFeature(string Name, bool Log, double Mean, double Std, string? Level = null);

/// <param name="NameJa">The name in Japanese; absent in files written before it.</param>
internal sealed record SegmentationFileSegment(int Id, string Name, float[] Centroid, string? NameJa = null);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SegmentationFile))]
internal sealed partial class SegmentationFileJson : JsonSerializerContext;
