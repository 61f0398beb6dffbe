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
    public static SchemaDefinition Schema(int width)
    {
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    /// <summary>A data view over the given rows of a table (vectors built as ML.NET pulls them).</summary>
    public static IDataView View(MLContext ml, BoundVectorizer vectorizer, IReadOnlyList<int> rows, float[]? labels)
    {
        int width = vectorizer.Vectorizer.Width;
        return ml.Data.LoadFromEnumerable(Rows(vectorizer, rows, labels, width), Schema(width));
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
