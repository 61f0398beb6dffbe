using JourneyML.Core.Prediction;

namespace JourneyML.Core.Uplift;

/// <summary>How intervention effects and uplift are estimated (see docs/models.md, "Interventions and uplift").</summary>
public sealed record UpliftOptions
{
    /// <summary>
    /// An intervention "at the as-of date" is one in [T, T + this many days): what CS did about the list of T. Its
    /// effect is read on churn within the horizon (T, T + H]; features see only what came before T.
    /// </summary>
    public int ContactWindowDays { get; init; } = 14;

    /// <summary>Propensities below this or above 1 minus it are trimmed from the observational estimate (no overlap there).</summary>
    public double Trim { get; init; } = 0.05;

    /// <summary>Folds of the cross-fitting: each customer's nuisance models are fitted on the other folds' accounts.</summary>
    public int Folds { get; init; } = 2;

    /// <summary>Share of accounts held out for the Qini curve; the uplift model is fitted on the rest.</summary>
    public double HoldoutShare { get; init; } = 0.3;

    /// <summary>Fewer treated or comparison customers than this: the effect is "too small to say", not a number.</summary>
    public int MinPerArm { get; init; } = 30;

    /// <summary>Account resamples of the holdout difference's bootstrap (used where customers share accounts).</summary>
    public int Resamples { get; init; } = 1000;

    public int Seed { get; init; } = 1;

    /// <summary>
    /// The learner of the propensity and outcome models: the candidate sweep's L2 logistic regression at a fixed penalty,
    /// stable on the few hundred treated customers a kind usually has (see docs/models.md).
    /// </summary>
    public CandidateSpec Learner { get; init; } = new(CandidateSpec.LogisticRegression, new Dictionary<string, double> { ["l2"] = 1, ["l1"] = 0 });

    /// <summary>The learner of the per-customer uplift model's two outcome models (the T-learner); null: <see cref="Learner"/>.</summary>
    public CandidateSpec? UpliftLearner { get; init; }
}
