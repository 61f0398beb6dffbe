using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>One customer's score and why: the factors raising it and those lowering it, strongest first, in words.</summary>
public sealed record Explanation(string CustomerId, float Probability, IReadOnlyList<Factor> Raising, IReadOnlyList<Factor> Lowering);

/// <summary>A customer's score before and after some of their feature values were changed, and the changed row.</summary>
public sealed record WhatIfResult(string CustomerId, float Before, float After, IReadOnlyDictionary<string, float> Changes, FeatureTable Changed)
{
    public float Difference => After - Before;
}

/// <summary>
/// Explanations and what-ifs for one customer: "why is this score high?" and "what would it be if logins had not
/// dropped?". A what-if changes feature values on a copy of the customer's row and scores it again with the same
/// model: the model is not retrained, and the other features keep their values even where in reality they would move
/// together (logins in 30 days and the login trend, for example), so change related features together.
/// </summary>
public static class WhatIf
{
    /// <summary>The score of one row with its strongest factors each way.</summary>
    public static Explanation Explain(BinaryModel model, FeatureTable table, int row, int count = 5)
    {
        var (probabilities, contributions) = model.PredictWithContributions(table, [row]);
        var features = model.Vectorizer.Features;
        return new Explanation(table.CustomerIds[row], probabilities[0],
            FactorText.Top(table, row, features, contributions[0], count),
            FactorText.Top(table, row, features, contributions[0], count, raising: false));
    }

    /// <summary>A one-row table: the given row with the changed numeric values. The original table is left as it is.</summary>
    public static FeatureTable Apply(FeatureTable table, int row, IReadOnlyDictionary<string, float> changes)
    {
        if (row < 0 || row >= table.RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"row {row} is outside the table's {table.RowCount} rows");
        }
        foreach (var name in changes.Keys)
        {
            var column = table.Find(name) ?? throw new ArgumentException($"no feature '{name}' in the table");
            if (column.Kind != FeatureKind.Numeric)
            {
                throw new ArgumentException($"'{name}' is a category, not a number");
            }
        }
        var columns = table.Columns.Select(c => c.Kind == FeatureKind.Numeric
            ? FeatureColumn.Numeric(c.Name, c.Description, [Changed(c, row, changes)])
            : FeatureColumn.Categorical(c.Name, c.Description, [c.Categories![row]])).ToList();
        return new FeatureTable([table.CustomerIds[row]], columns)
        {
            AccountIds = table.AccountIds is { } accounts ? [accounts[row]] : null,
            Status = table.Status is { } status ? [status[row]] : null,
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
    }

    /// <summary>The row scored as it is and with the changes.</summary>
    public static WhatIfResult Predict(BinaryModel model, FeatureTable table, int row, IReadOnlyDictionary<string, float> changes)
    {
        var changed = Apply(table, row, changes);
        float before = model.Predict(table, [row])[0];
        float after = model.Predict(changed, [0])[0];
        return new WhatIfResult(table.CustomerIds[row], before, after, changes, changed);
    }

    private static float Changed(FeatureColumn column, int row, IReadOnlyDictionary<string, float> changes)
    {
        foreach (var (name, value) in changes)
        {
            if (name.Equals(column.Name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return column.Numbers![row];
    }
}
