using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Survival;

/// <summary>
/// The survival model of a version: a classifier of "churns in this 30-day period, having paid at its start" over a
/// customer's point-in-time features and the period, whose per-period hazards multiply into the survival curve.
/// Thread-safe for scoring as <see cref="BinaryModel"/> is.
/// </summary>
public sealed class HazardModel
{
    /// <summary>The model's file name in a version folder (survival.zip + survival.json).</summary>
    public const string FileName = "survival";

    internal HazardModel(BinaryModel model) => Model = model;

    /// <summary>The hazard classifier (trainer, vectorizer; its probability is the hazard of a period).</summary>
    public BinaryModel Model { get; }

    /// <summary>The survival curve of each of the given rows of a feature table (its as-of date is the curve's start).</summary>
    public SurvivalCurve[] Curves(FeatureTable table, IReadOnlyList<int> rows)
    {
        var curves = new SurvivalCurve[rows.Count];
        // In blocks: each row becomes one row per period, so a million customers at once would copy every feature six times over.
        for (int from = 0; from < rows.Count; from += BlockRows)
        {
            var block = rows.Skip(from).Take(BlockRows).ToArray();
            var hazards = Model.Predict(PersonPeriods.Expand(table, block), Enumerable.Range(0, block.Length * SurvivalCurve.Periods).ToArray());
            for (int i = 0; i < block.Length; i++)
            {
                curves[from + i] = SurvivalCurve.FromHazards(hazards.AsSpan(i * SurvivalCurve.Periods, SurvivalCurve.Periods));
            }
        }
        return curves;
    }

    /// <summary>Customers expanded to their periods at a time (6 x 50,000 person-period rows).</summary>
    private const int BlockRows = 50_000;

    public void Save(string directory) => Model.Save(directory, FileName);

    /// <summary>The survival model of a version folder, or null when the version has none (trained before it existed, or without paying customers).</summary>
    public static HazardModel? TryLoad(string directory) =>
        File.Exists(Path.Combine(directory, FileName + ".json")) ? new HazardModel(BinaryModel.Load(directory, FileName)) : null;
}
