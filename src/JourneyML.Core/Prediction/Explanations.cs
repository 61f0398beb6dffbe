using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>One customer's score and why: the factors raising it and those lowering it, strongest first, in words.</summary>
public sealed record Explanation(string CustomerId, float Probability, IReadOnlyList<Factor> Raising, IReadOnlyList<Factor> Lowering);

/// <summary>
/// "Why is this score high?" for one row of a feature table, both ways: what a customer-success conversation starts from.
/// A snapshot keeps only the top factors raising a score; this gives the whole picture for one customer, including a
/// row changed by a what-if (<see cref="Scoring.WhatIf"/>).
/// </summary>
public static class Explanations
{
    public static Explanation Explain(BinaryModel model, FeatureTable table, int row, int count = 5)
    {
        var (probabilities, contributions) = model.PredictWithContributions(table, [row]);
        var vectorizer = model.Vectorizer;
        return new Explanation(table.CustomerIds[row], probabilities[0],
            FactorText.Top(table, row, vectorizer, contributions[0], count, model.Info.Task),
            FactorText.Top(table, row, vectorizer, contributions[0], count, model.Info.Task, raising: false));
    }
}
