using System.Text.Json.Serialization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>What one position of the model's feature vector holds.</summary>
public enum SlotKind
{
    /// <summary>A numeric feature's value (missing values replaced by the training median).</summary>
    Value,
    /// <summary>1 when the numeric feature was missing: a customer without a measurable trend is not one with a flat trend.</summary>
    Missing,
    /// <summary>One-hot: 1 when the categorical feature has this category.</summary>
    Category,
}

public sealed record VectorSlot(string Feature, SlotKind Kind, string? Category = null)
{
    public string Name => Kind switch
    {
        SlotKind.Value => Feature,
        SlotKind.Missing => Feature + "_missing",
        _ => $"{Feature}={Category}",
    };
}

/// <param name="ConstantWhenPresent">Every training row that had a value had the same one: only whether it was present tells customers apart, so its value is no reason.</param>
public sealed record NumericSpec(string Feature, float Median, bool HasMissing, bool ConstantWhenPresent = false);

/// <param name="ConstantWhenPresent">Every training row that had a category had the same one (the rest had none): the category is no reason.</param>
public sealed record CategoricalSpec(string Feature, IReadOnlyList<string> Categories, bool ConstantWhenPresent = false);

/// <summary>
/// Turns feature rows into the dense vectors the ML.NET trainers take: numeric features with the training median
/// for missing values plus a missing indicator where training saw any, categoricals one-hot over the categories
/// seen in training (at most <see cref="MaxCategories"/>, the rest as "other"). Fitted on training rows only and
/// saved with the model, so serving builds exactly the same vector.
/// </summary>
public sealed class FeatureVectorizer
{
    public const int MaxCategories = 20;
    public const string OtherCategory = "(other)";

    [JsonConstructor]
    public FeatureVectorizer(IReadOnlyList<NumericSpec> numerics, IReadOnlyList<CategoricalSpec> categoricals)
    {
        Numerics = numerics;
        Categoricals = categoricals;
        var slots = new List<VectorSlot>();
        foreach (var n in numerics)
        {
            slots.Add(new VectorSlot(n.Feature, SlotKind.Value));
            if (n.HasMissing)
            {
                slots.Add(new VectorSlot(n.Feature, SlotKind.Missing));
            }
        }
        foreach (var c in categoricals)
        {
            slots.AddRange(c.Categories.Select(category => new VectorSlot(c.Feature, SlotKind.Category, category)));
        }
        Slots = slots;
        Features = [.. numerics.Select(n => n.Feature).Concat(categoricals.Select(c => c.Feature))];
        ConstantWhenPresent = new HashSet<string>(numerics.Where(n => n.ConstantWhenPresent).Select(n => n.Feature)
            .Concat(categoricals.Where(c => c.ConstantWhenPresent).Select(c => c.Feature)), StringComparer.Ordinal);
    }

    public IReadOnlyList<NumericSpec> Numerics { get; }
    public IReadOnlyList<CategoricalSpec> Categoricals { get; }

    [JsonIgnore]
    public IReadOnlyList<VectorSlot> Slots { get; }

    /// <summary>The features the vector is made of, in order: each a group of slots for explanations and importance.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Features { get; }

    [JsonIgnore]
    public int Width => Slots.Count;

    /// <summary>
    /// The features whose value was the same for every training row that had one (see <see cref="NumericSpec.ConstantWhenPresent"/>):
    /// the model learnt only their missingness, so a present value explains nothing about a customer.
    /// </summary>
    [JsonIgnore]
    public IReadOnlySet<string> ConstantWhenPresent { get; }

    /// <summary>Learns medians and categories from the training rows. Features constant on those rows carry no information and are left out.</summary>
    public static FeatureVectorizer Fit(FeatureTable table, IReadOnlyList<int> rows, IReadOnlySet<string>? exclude = null)
    {
        var numerics = new List<NumericSpec>();
        var categoricals = new List<CategoricalSpec>();
        foreach (var column in table.Columns)
        {
            if (exclude?.Contains(column.Name) == true)
            {
                continue;
            }
            if (column is NumericColumn numeric)
            {
                var present = new List<float>(rows.Count);
                foreach (int r in rows)
                {
                    float v = numeric.Values[r];
                    if (!float.IsNaN(v))
                    {
                        present.Add(v);
                    }
                }
                bool hasMissing = present.Count < rows.Count;
                if (present.Count == 0 || (!hasMissing && present.Min() == present.Max()))
                {
                    continue;
                }
                present.Sort();
                numerics.Add(new NumericSpec(column.Name, present[present.Count / 2], hasMissing, present[0] == present[^1]));
            }
            else if (column is CategoricalColumn categorical)
            {
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (int r in rows)
                {
                    var v = categorical.Values[r] ?? "";
                    counts[v] = counts.GetValueOrDefault(v) + 1;
                }
                if (counts.Count < 2)
                {
                    continue;
                }
                var kept = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Take(MaxCategories).Select(kv => kv.Key).ToList();
                if (counts.Count > MaxCategories)
                {
                    kept.Add(OtherCategory);
                }
                categoricals.Add(new CategoricalSpec(column.Name, kept, counts.Count == 2 && counts.ContainsKey("")));
            }
        }
        return new FeatureVectorizer(numerics, categoricals);
    }

    /// <summary>Binds the vectorizer to a table's columns once, for fast row-by-row transforms.</summary>
    public BoundVectorizer Bind(FeatureTable table)
    {
        var numbers = Numerics.Select(n => table.NumbersOrNull(n.Feature)
            ?? throw new InvalidOperationException($"the feature table has no numeric feature '{n.Feature}' that the model needs")).ToArray();
        var categories = Categoricals.Select(c => table.CategoriesOrNull(c.Feature)
            ?? throw new InvalidOperationException($"the feature table has no categorical feature '{c.Feature}' that the model needs")).ToArray();
        return new BoundVectorizer(this, numbers, categories);
    }

    /// <summary>One customer given as feature name to value (serving). Missing numbers are NaN or absent; categories as text.</summary>
    public float[] Transform(IReadOnlyDictionary<string, float> numbers, IReadOnlyDictionary<string, string?> categories)
    {
        var vector = new float[Width];
        int slot = 0;
        foreach (var n in Numerics)
        {
            float v = numbers.TryGetValue(n.Feature, out var x) ? x : float.NaN;
            vector[slot++] = float.IsNaN(v) ? n.Median : v;
            if (n.HasMissing)
            {
                vector[slot++] = float.IsNaN(v) ? 1 : 0;
            }
        }
        foreach (var c in Categoricals)
        {
            var value = categories.TryGetValue(c.Feature, out var s) ? s ?? "" : "";
            slot = OneHot(c, value, vector, slot);
        }
        return vector;
    }

    internal static int OneHot(CategoricalSpec spec, string value, Span<float> vector, int slot)
    {
        int hit = -1;
        for (int k = 0; k < spec.Categories.Count; k++)
        {
            if (string.Equals(spec.Categories[k], value, StringComparison.Ordinal))
            {
                hit = k;
                break;
            }
        }
        if (hit < 0 && spec.Categories.Count > 0 && spec.Categories[^1] == OtherCategory)
        {
            hit = spec.Categories.Count - 1;
        }
        for (int k = 0; k < spec.Categories.Count; k++)
        {
            vector[slot + k] = k == hit ? 1 : 0;
        }
        return slot + spec.Categories.Count;
    }
}

/// <summary>A vectorizer bound to one table's columns.</summary>
public sealed class BoundVectorizer(FeatureVectorizer vectorizer, float[][] numbers, string?[][] categories)
{
    public FeatureVectorizer Vectorizer { get; } = vectorizer;

    public void Transform(int row, Span<float> vector)
    {
        int slot = 0;
        var numerics = Vectorizer.Numerics;
        for (int i = 0; i < numerics.Count; i++)
        {
            float v = numbers[i][row];
            bool missing = float.IsNaN(v);
            vector[slot++] = missing ? numerics[i].Median : v;
            if (numerics[i].HasMissing)
            {
                vector[slot++] = missing ? 1 : 0;
            }
        }
        var categoricals = Vectorizer.Categoricals;
        for (int i = 0; i < categoricals.Count; i++)
        {
            slot = FeatureVectorizer.OneHot(categoricals[i], categories[i][row] ?? "", vector, slot);
        }
    }

    public float[] Transform(int row)
    {
        var vector = new float[Vectorizer.Width];
        Transform(row, vector);
        return vector;
    }
}
