using Microsoft.ML;
using Microsoft.ML.Data;

namespace JourneyML.Core.Prediction;

/// <summary>A training or scoring row as ML.NET sees it: the default Label and Features columns.</summary>
internal sealed class VectorRow
{
    public bool Label { get; set; }
    public float[] Features { get; set; } = [];
}

/// <summary>What scoring reads back: the raw score (calibrated by <see cref="PlattCalibration"/>) and, when explaining, the contributions.</summary>
internal sealed class ScoreRow
{
    public float Score { get; set; }
}

internal sealed class ExplainedRow
{
    public float Score { get; set; }
    public float[] FeatureContributions { get; set; } = [];
}

/// <summary>Builds ML.NET data views over feature rows without materialising them all as objects.</summary>
internal static class VectorData
{
    /// <param name="categoricalRanges">
    /// First and last slot of each one-hot block, as ML.NET's CategoricalSlotRanges annotation: what lets LightGBM split a
    /// categorical natively (<see cref="CandidateSpec.CategoricalSplitKey"/>); other trainers and scoring ignore it.
    /// </param>
    public static SchemaDefinition Schema(int width, int[]? categoricalRanges = null)
    {
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        var features = schema[nameof(VectorRow.Features)];
        features.ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        if (categoricalRanges is { Length: > 0 })
        {
            features.AddAnnotation("CategoricalSlotRanges", new VBuffer<int>(categoricalRanges.Length, categoricalRanges),
                new VectorDataViewType(NumberDataViewType.Int32, categoricalRanges.Length));
        }
        return schema;
    }

    /// <summary>The slot ranges of the vectorizer's categoricals with two or more categories (a single slot is a plain 0/1 feature).</summary>
    public static int[] CategoricalRanges(FeatureVectorizer vectorizer)
    {
        var ranges = new List<int>();
        var slots = vectorizer.Slots;
        for (int start = 0; start < slots.Count;)
        {
            int end = start;
            while (slots[start].Kind == SlotKind.Category && end + 1 < slots.Count && slots[end + 1].Kind == SlotKind.Category
                && slots[end + 1].Feature == slots[start].Feature)
            {
                end++;
            }
            if (end > start)
            {
                ranges.Add(start);
                ranges.Add(end);
            }
            start = end + 1;
        }
        return [.. ranges];
    }

    /// <summary>A data view over the given rows of a table (vectors built as ML.NET pulls them).</summary>
    public static IDataView View(MLContext ml, BoundVectorizer vectorizer, IReadOnlyList<int> rows, float[]? labels)
    {
        int width = vectorizer.Vectorizer.Width;
        return ml.Data.LoadFromEnumerable(Rows(vectorizer, rows, labels, width), Schema(width, CategoricalRanges(vectorizer.Vectorizer)));
    }

    public static IDataView View(MLContext ml, IReadOnlyList<float[]> vectors, int width) =>
        ml.Data.LoadFromEnumerable(vectors.Select(v => new VectorRow { Features = v }), Schema(width));

    private static IEnumerable<VectorRow> Rows(BoundVectorizer vectorizer, IReadOnlyList<int> rows, float[]? labels, int width)
    {
        foreach (int r in rows)
        {
            yield return new VectorRow { Label = labels is not null && labels[r] > 0.5f, Features = vectorizer.Transform(r) };
        }
    }
}
