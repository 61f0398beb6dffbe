using System.Globalization;

namespace JourneyML.Core.Prediction;

/// <summary>
/// The churn risk at or above which a paying customer is At-risk, derived from the model at training (stored in
/// metadata.json), with how the list it makes did on the holdout: its share of the paying customers, its precision (the
/// share of listed customers who churned) and recall (the share of churners it listed), each with a 95% Wilson interval.
/// </summary>
/// <param name="Rule">"twice-base-rate" (the rule of <see cref="Derive"/>) or "top-5-percent" (its fallback when too few customers reach it).</param>
/// <param name="Threshold">The churn risk cut: At-risk when the risk is at least this.</param>
/// <param name="BaseRate">The share of holdout paying customers who churned within the horizon.</param>
/// <param name="TargetPrecision">Twice the base rate (at most halfway from it to 1): the risk the rule asks of each listed customer.</param>
/// <param name="HoldoutCustomers">Paying customers in the holdout.</param>
/// <param name="Listed">Holdout customers at or above the cut.</param>
/// <param name="ListedChurners">Of those, how many churned.</param>
/// <param name="Churners">Holdout customers who churned.</param>
/// <param name="RiskPercentiles">The holdout's churn risk at each percentile 1..99: turns a top-N rule into a cut where no population is at hand (a live prediction).</param>
public sealed record AtRiskCut(
    string Rule,
    double Threshold,
    double BaseRate,
    double TargetPrecision,
    int HoldoutCustomers,
    int Listed,
    int ListedChurners,
    int Churners,
    IReadOnlyList<double> RiskPercentiles)
{
    /// <summary>Fewest holdout customers a list must hold before its precision counts: below it one churner moves it by 20 points.</summary>
    public const int MinimumList = 5;

    public double Share => HoldoutCustomers == 0 ? 0 : (double)Listed / HoldoutCustomers;
    public double Precision => Listed == 0 ? 0 : (double)ListedChurners / Listed;
    public double Recall => Churners == 0 ? 0 : (double)ListedChurners / Churners;
    public double PrecisionLow95 => Wilson(ListedChurners, Listed).Low;
    public double PrecisionHigh95 => Wilson(ListedChurners, Listed).High;
    public double RecallLow95 => Wilson(ListedChurners, Churners).Low;
    public double RecallHigh95 => Wilson(ListedChurners, Churners).High;

    /// <summary>
    /// The rule, as a CS lead would put it to their VP: a paying customer is At-risk when the model gives them at
    /// least twice the churn risk of the average paying customer (the base rate). Risks are calibrated, so "twice" is
    /// a real doubling of the chance to leave, and a call spent on such a customer goes at least twice as far as one on
    /// a customer picked at random. The cut depends on the base rate only, not on how the holdout happened to rank,
    /// so the holdout precision and recall reported with it are honest, out-of-sample figures. A fixed risk (0.4) does
    /// not travel: calibrated risks sit near the base rate, which differs by business (20% here, 3% there), so one
    /// number lists almost nobody in one business and half the base in another. Twice the base rate is capped halfway
    /// between it and 1, so a business where most customers churn still gets a list. Calibration can squeeze risks
    /// towards the base rate; when fewer than 5% of the holdout (or <see cref="MinimumList"/> customers) reach the
    /// cut, the riskiest 5% are At-risk instead, so CS always has a list to work, and the report says which rule held.
    /// </summary>
    public static AtRiskCut Derive(ReadOnlySpan<float> risks, ReadOnlySpan<float> churned)
    {
        int n = risks.Length;
        int churners = 0;
        foreach (var label in churned)
        {
            churners += label > 0.5f ? 1 : 0;
        }
        double baseRate = n == 0 ? 0 : (double)churners / n;
        double target = Math.Min(2 * baseRate, (1 + baseRate) / 2);
        int fewest = Math.Min(n, Math.Max(MinimumList, (int)Math.Ceiling(0.05 * n)));
        string rule = "twice-base-rate";
        double cut = target;
        if (Count(risks, churned, cut).Listed < fewest)
        {
            rule = "top-5-percent";
            var order = ClassificationMetrics.RankDescending(risks);
            cut = n == 0 ? target : risks[order[fewest - 1]];
        }
        var (listed, listedChurners) = Count(risks, churned, cut);
        return new AtRiskCut(rule, cut, baseRate, target, n, listed, listedChurners, churners, Percentiles(risks));
    }

    private static (int Listed, int Churners) Count(ReadOnlySpan<float> risks, ReadOnlySpan<float> churned, double cut)
    {
        int listed = 0, listedChurners = 0;
        for (int i = 0; i < risks.Length; i++)
        {
            if (risks[i] >= cut)
            {
                listed++;
                listedChurners += churned[i] > 0.5f ? 1 : 0;
            }
        }
        return (listed, listedChurners);
    }

    /// <summary>
    /// The model's cut on a scoring run, where no outcome is known yet: how many paying customers it lists, and their
    /// mean calibrated risk (the run's expected churn rate). The cut itself stays as trained, so the snapshot, live
    /// predictions and the journey map agree on who is At-risk; a run whose mean risk has moved far from the training
    /// base rate says so, and retraining on fresh data moves the cut with it.
    /// </summary>
    public static AtRiskRun ForRun(ReadOnlySpan<float> risks, double cut)
    {
        int n = 0, listed = 0;
        double sum = 0;
        foreach (var risk in risks)
        {
            if (float.IsNaN(risk))
            {
                continue;
            }
            n++;
            sum += risk;
            listed += risk >= cut ? 1 : 0;
        }
        return new AtRiskRun(cut, n == 0 ? 0 : sum / n, n, listed);
    }

    /// <summary>
    /// The cut that lists about the <paramref name="top"/> riskiest of <paramref name="population"/> customers, read
    /// off the holdout's risk percentiles: what a top-N stage rule means where only one customer is in front of it.
    /// </summary>
    public double TopCut(int top, int population)
    {
        if (RiskPercentiles.Count == 0 || population <= 0)
        {
            return Threshold;
        }
        double keep = Math.Clamp(1 - (double)top / population, 0.01, 0.99);
        return RiskPercentiles[(int)Math.Round(keep * 100) - 1];
    }

    /// <summary>One line for the CLI summary, the training report and the scoring report.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var (pl, ph) = Wilson(ListedChurners, Listed);
        var (rl, rh) = Wilson(ListedChurners, Churners);
        string rule = Rule == "twice-base-rate"
            ? string.Create(inv, $"twice the base rate of {BaseRate:0.0%}: each listed customer is at least twice as likely to churn as the average paying customer")
            : string.Create(inv, $"the riskiest 5%: fewer than 5% of the holdout reached twice the base rate of {BaseRate:0.0%}, so the list is the top of the ranking");
        return string.Create(inv,
            $"churn risk >= {Threshold:0.000} ({rule}); on the holdout it listed {Listed:N0} of {HoldoutCustomers:N0} paying customers ({Share:0.0%}): " +
            $"precision {Precision:0.0%} ({pl:0.0%}-{ph:0.0%}), recall {Recall:0.0%} ({rl:0.0%}-{rh:0.0%}) of {Churners:N0} churners (95% Wilson intervals)") +
            (Listed < 30 ? "; fewer than 30 listed, so these figures are rough" : "");
    }

    /// <summary>The 95% Wilson score interval (<see cref="HoldoutIntervals.Wilson"/>); nothing known, 0 to 1, when there are no trials.</summary>
    public static (double Low, double High) Wilson(int successes, int trials)
    {
        if (trials == 0)
        {
            return (0, 1);
        }
        var w = HoldoutIntervals.Wilson(successes, trials);
        return (w.Low, w.High);
    }

    private static double[] Percentiles(ReadOnlySpan<float> risks)
    {
        if (risks.Length == 0)
        {
            return [];
        }
        var sorted = risks.ToArray();
        Array.Sort(sorted);
        var result = new double[99];
        for (int p = 1; p <= 99; p++)
        {
            result[p - 1] = sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p / 100.0 * sorted.Length))];
        }
        return result;
    }
}

/// <summary>The model's At-risk cut on one scoring run (<see cref="AtRiskCut.ForRun"/>): how many it lists, and the run's mean churn risk.</summary>
public sealed record AtRiskRun(double Threshold, double MeanRisk, int Customers, int Listed)
{
    /// <summary>One line for the CLI and the run's report, with the holdout figures of the training cut when known.</summary>
    public string Describe(AtRiskCut? training)
    {
        var inv = CultureInfo.InvariantCulture;
        string share = Customers == 0 ? "" : string.Create(inv, $" ({(double)Listed / Customers:0.0%})");
        string moved = training is not null && training.BaseRate > 0 && (MeanRisk < training.BaseRate / 2 || MeanRisk > training.BaseRate * 2)
            ? string.Create(inv, $"; the mean churn risk of those scored, {MeanRisk:0.0%}, is far from the training base rate of {training.BaseRate:0.0%}: retrain on fresh data to move the cut with it")
            : string.Create(inv, $"; the mean churn risk of those scored is {MeanRisk:0.0%}");
        return string.Create(inv, $"At-risk: churn risk >= {Threshold:0.000} (the model's cut): {Listed:N0} of {Customers:N0} paying customers{share}") + moved +
            (training is null ? "" : "; at training, " + training.Describe());
    }
}
