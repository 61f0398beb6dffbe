using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Uplift;

/// <summary>
/// The three models a doubly robust estimate rests on, fitted with the candidate sweep's own fitting
/// (<see cref="ClassifierTraining.FitOnce"/>): the propensity e(x) = P(treated | x), and the churn risk without (μ0) and
/// with (μ1) the intervention. Each is fitted on one set of rows and predicted on another (cross-fitting).
/// </summary>
internal sealed class Nuisance
{
    private readonly BinaryModel? _propensity;
    private readonly BinaryModel _untreated;
    private readonly BinaryModel _treated;
    private readonly FeatureTable _table;

    private Nuisance(FeatureTable table, BinaryModel? propensity, BinaryModel untreated, BinaryModel treated)
    {
        _table = table;
        _propensity = propensity;
        _untreated = untreated;
        _treated = treated;
    }

    /// <summary>Null when a group to fit on is too small or has a single outcome (no model can be fitted).</summary>
    /// <param name="train">Positions in the exposure's rows to fit on.</param>
    /// <param name="withPropensity">False for a randomised design: the propensity is the design's share, not a model.</param>
    public static Nuisance? Fit(FeatureTable table, Exposure exposure, IReadOnlyList<int> train, bool withPropensity, UpliftOptions options,
        CandidateSpec? outcomeLearner = null)
    {
        var learner = outcomeLearner ?? options.Learner;
        var treated = train.Where(i => exposure.Treated[i]).Select(i => exposure.Rows[i]).ToArray();
        var untreated = train.Where(i => !exposure.Treated[i]).Select(i => exposure.Rows[i]).ToArray();
        var churn = table.Labels[LabelNames.Churn];
        if (!Fittable(treated, churn) || !Fittable(untreated, churn))
        {
            return null;
        }
        BinaryModel? propensity = null;
        if (withPropensity)
        {
            var assigned = new float[table.RowCount];
            Array.Fill(assigned, float.NaN);
            foreach (int i in train)
            {
                assigned[exposure.Rows[i]] = exposure.Treated[i] ? 1 : 0;
            }
            propensity = ClassifierTraining.FitOnce(Relabel(table, assigned), PredictionTask.Churn, [.. train.Select(i => exposure.Rows[i])], options.Learner, options.Seed);
        }
        return new Nuisance(table, propensity,
            ClassifierTraining.FitOnce(table, PredictionTask.Churn, untreated, learner, options.Seed),
            ClassifierTraining.FitOnce(table, PredictionTask.Churn, treated, learner, options.Seed));
    }

    private static bool Fittable(int[] rows, float[] churn) =>
        rows.Length >= 10 && rows.Any(r => churn[r] > 0.5f) && rows.Any(r => churn[r] < 0.5f);

    /// <summary>The same features with another label in the churn slot (the propensity model learns treatment, not churn).</summary>
    private static FeatureTable Relabel(FeatureTable table, float[] label) => new(table.CustomerIds, table.Columns)
    {
        AccountIds = table.AccountIds,
        Status = table.Status,
        Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = label },
        AsOf = table.AsOf,
        HorizonDays = table.HorizonDays,
    };

    /// <summary>Propensities of the given table rows (NaN per row without a propensity model).</summary>
    public float[] Propensity(IReadOnlyList<int> rows) => _propensity?.Predict(_table, rows) ?? [.. rows.Select(_ => float.NaN)];

    /// <summary>Churn risk within the horizon without the intervention, of the given table rows.</summary>
    public float[] RiskWithout(IReadOnlyList<int> rows) => _untreated.Predict(_table, rows);

    /// <summary>Churn risk within the horizon with the intervention, of the given table rows.</summary>
    public float[] RiskWith(IReadOnlyList<int> rows) => _treated.Predict(_table, rows);
}
