using System.Diagnostics;
using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using Microsoft.ML;

namespace JourneyML.Core.Survival;

public sealed record SurvivalOptions
{
    public int Seed { get; init; } = 1;
    /// <summary>As-of dates stepped back from the data's end, 30 days apart (each one a feature pass over the events).</summary>
    public int AsOfDates { get; init; } = 8;

    /// <summary>
    /// The as-of dates for a dataset of this many customers: 8, and past <see cref="ManyCustomers"/> 6 (the fewest that
    /// still follow customers 180 days). Each date is a feature pass over every event, the costliest part of a large
    /// survival training once the fit is held to <see cref="MaxPersonPeriods"/>; 6 dates of that many customers give the
    /// budget many times over.
    /// </summary>
    public static int AsOfDatesFor(int customers) => customers > ManyCustomers ? SurvivalCurve.Periods : 8;

    public const int ManyCustomers = 25_000;
    /// <summary>Share of the customers (whole accounts) held out for the metrics.</summary>
    public double HoldoutShare { get; init; } = 0.2;
    /// <summary>Share of the training customers the two candidates are compared on.</summary>
    public double SelectionShare { get; init; } = 0.2;
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Features the hazard model must not see (Mode B: the duration and event columns themselves).</summary>
    public IReadOnlySet<string>? Exclude { get; init; }
    /// <summary>The candidates compared; default: the sweep's logistic regression and its early-stopped LightGBM.</summary>
    public IReadOnlyList<CandidateSpec>? Candidates { get; init; }
    /// <summary>Where the time goes (as-of features, person-periods, each candidate, the refit, the holdout metrics); none measured when null.</summary>
    public PhaseTimings? Phases { get; init; }
    /// <summary>
    /// Person-period rows the hazard model fits on at most: beyond it every event period is kept and the others are
    /// sampled, the model corrected for the sampling (<see cref="PeriodSample"/>). 60,000 is about 3,500 customers
    /// followed over 8 as-of dates: past it more rows sharpen a hazard little and cost fitting time in proportion.
    /// </summary>
    public int MaxPersonPeriods { get; init; } = 60_000;
    /// <summary>
    /// L2 strengths the logistic hazard tries; null: the sweep's whole grid on data within <see cref="MaxPersonPeriods"/>,
    /// and on a sample (at least that many rows, where the weakest and strongest ends of the grid do not win) its middle
    /// four (<see cref="SampledL2Grid"/>).
    /// </summary>
    public IReadOnlyList<double>? L2Grid { get; init; }

    public static IReadOnlyList<double> SampledL2Grid { get; } = [0.1, 1, 10, 100];
}

/// <summary>One hazard candidate and its mean log loss per person-period on the selection customers (lower is better).</summary>
public sealed record HazardCandidate(string Candidate, double SelectionLogLoss, double Seconds, bool Chosen);

/// <summary>What a survival training learns: the model, how it was chosen, and its holdout metrics.</summary>
public sealed record SurvivalResult(HazardModel Model, IReadOnlyList<HazardCandidate> Candidates, string SelectionReason, SurvivalMetrics Holdout,
    IReadOnlyList<DateTime> AsOfDates, int PersonPeriods, int TrainCustomers, int HoldoutCustomers, double[] KaplanMeier, double Seconds)
{
    /// <summary>The fitting alone (both candidates, the comparison and the refit), without the holdout metrics and their bootstrap.</summary>
    public double FitSeconds { get; init; }
    /// <summary>The person-periods the model was fitted on: every one, or a case-control sample of them (<see cref="PeriodSample"/>).</summary>
    public PeriodSample Sample { get; init; } = PeriodSample.All;
    /// <summary>Person-period rows the fit saw (the sample's rows; all of the training rows when not sampled).</summary>
    public int FittedPersonPeriods { get; init; }
}

/// <summary>
/// Trains the discrete-time hazard model: person-period rows (a customer paying at an as-of date, each following 30-day
/// period until it churns or the data ends), a logistic and a gradient-boosted hazard fitted with the sweep's own fitting
/// (tuned L2, early-stopped rounds) and picked on held-out log likelihood, refitted on the training customers, and measured
/// on held-out customers (whole accounts) against what happened to them.
/// </summary>
public static class SurvivalTraining
{
    /// <summary>The fewest churns and paying customers a survival model is trained on.</summary>
    public const int MinimumChurns = 10;

    /// <summary>The feature tables of the as-of dates: the data's end minus 30, 60, ... days, each with a 30-day horizon; none before the data starts.</summary>
    public static IReadOnlyList<FeatureTable> AsOfTables(Dataset dataset, FeaturePlan? plan, SurvivalOptions options, CancellationToken cancellationToken)
    {
        using var phase = options.Phases?.Measure("as-of features");
        // One pass over the events for every date (BehaviourFeatures.BuildAt): the read is the costly part, not the counting.
        return Followed(BehaviourFeatures.BuildAt(dataset, AsOfFeatureOptions(dataset, plan, options), cancellationToken: cancellationToken));
    }

    /// <summary>The feature options of the as-of dates (<see cref="AsOfTables"/>), for a run that builds them with other dates in one pass.</summary>
    public static IReadOnlyList<FeatureOptions> AsOfFeatureOptions(Dataset dataset, FeaturePlan? plan, SurvivalOptions options)
    {
        var end = dataset.DataAsOf.Date;
        return [.. Enumerable.Range(1, options.AsOfDates).Select(k => end.AddDays(-SurvivalCurve.PeriodDays * k))
            .TakeWhile(d => dataset.Mapping.DataStart is not { } start || d > start)
            .Select(d => new FeatureOptions { AsOf = d, HorizonDays = SurvivalCurve.PeriodDays, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, Plan = plan })];
    }

    /// <summary>The tables of <see cref="AsOfFeatureOptions"/>' dates, latest first, that the history uses: back from the end until a date before any event or without a paying customer.</summary>
    public static IReadOnlyList<FeatureTable> Followed(IEnumerable<(FeatureTable Table, FeatureBuildSummary Summary)> built) =>
        [.. built.TakeWhile(b => b.Summary.EventsBeforeAsOf > 0 && b.Table.Status?.Any(s => s == CustomerStatus.Customer) != false).Select(b => b.Table)];

    /// <summary>Trains on behaviour logs (the as-of tables of <see cref="AsOfTables"/>); null with the reason when the data cannot support it.</summary>
    public static (SurvivalResult? Result, string? Reason) TrainOnAsOfDates(IReadOnlyList<FeatureTable> tables, SurvivalOptions options, CancellationToken cancellationToken) =>
        tables.Count == 0
            ? (null, "no survival model: no as-of date 30 days or more before the data's end has paying customers")
            : Train(PersonPeriods.FromLandmarks(tables), [.. tables.Select(t => t.AsOf ?? default)], options, cancellationToken);

    /// <summary>Trains on a ready table's duration and event columns (Mode B).</summary>
    public static (SurvivalResult? Result, string? Reason) TrainOnDurations(FeatureTable table, float[] durations, float[] events, SurvivalOptions options,
        CancellationToken cancellationToken)
    {
        var rows = Enumerable.Range(0, table.RowCount).Where(r => float.IsFinite(durations[r]) && durations[r] > 0 && !float.IsNaN(events[r])).ToArray();
        return Train(PersonPeriods.FromDurations(table, rows, durations, events), [], options, cancellationToken);
    }

    internal static (SurvivalResult? Result, string? Reason) Train(PersonPeriodData data, IReadOnlyList<DateTime> asOfDates, SurvivalOptions options,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        int churns = data.Starts.Count(s => s.Observed.Churned);
        if (churns < MinimumChurns || data.Starts.Count - churns < MinimumChurns)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"no survival model: {churns:N0} churns among {data.Starts.Count:N0} paying customers followed (at least {MinimumChurns} churns and {MinimumChurns} still paying needed)"));
        }
        var holdoutUnits = HoldoutUnits(data, options);
        bool Held(int table, int row) => holdoutUnits.Contains(data.Unit(table, row));
        var stacking = options.Phases?.Measure("person-period rows");
        var units = data.Rows.Select(r => data.Unit(r.Table, r.Row)).ToArray();
        var training = Enumerable.Range(0, data.Rows.Count).Where(i => !holdoutUnits.Contains(units[i])).ToArray();
        int trainChurns = training.Count(i => data.Rows[i].Churned);
        var selectionUnits = Split(training.Select(i => units[i]), options.SelectionShare, options.Seed + 1);
        if (trainChurns < MinimumChurns || selectionUnits.Count == 0 || training.All(i => selectionUnits.Contains(units[i])))
        {
            return (null, $"no survival model: too few customers to hold some out ({churns:N0} churns in all)");
        }
        // At scale the fit sees a fixed budget of person-periods, the events kept and the rest sampled (PeriodSample):
        // only those rows are stacked, so neither the copying nor the fitting grows with the customers.
        var sample = PeriodSample.For(trainChurns, training.Length - trainChurns, options.MaxPersonPeriods);
        var kept = training.Where(i => sample.Keeps(i, data.Rows[i].Churned, options.Seed)).ToArray();
        var stacked = PersonPeriods.Stack(data.Tables, [.. kept.Select(i => data.Rows[i])], unit: (table, row) => data.Unit(table, row));
        var labels = stacked.Labels[LabelNames.Churn];
        var train = Enumerable.Range(0, kept.Length).ToArray();
        var fit = train.Where(i => !selectionUnits.Contains(units[kept[i]])).ToArray();
        var select = train.Where(i => selectionUnits.Contains(units[kept[i]])).ToArray();
        if (select.Length == 0 || fit.Length == 0 || fit.Count(i => labels[i] > 0.5f) == 0)
        {
            return (null, $"no survival model: too few customers to hold some out ({churns:N0} churns in all)");
        }

        var vectorizer = FeatureVectorizer.Fit(stacked, train, options.Exclude);
        var bound = vectorizer.Bind(stacked);
        stacking?.Dispose();
        var candidates = options.Candidates ?? DefaultCandidates();
        var compared = new List<(CandidateSpec Fitted, double Loss, double Seconds)>();
        foreach (var spec in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            using var candidatePhase = options.Phases?.Measure("candidate " + spec.Describe());
            var ml = new MLContext(options.Seed);
            var fitted = CandidateFitting.Fit(ml, spec, fit, labels, rows => ml.Data.Cache(VectorData.View(ml, bound, rows, labels)), options.Seed,
                accounts: stacked.AccountIds, l2Grid: options.L2Grid ?? (sample.Samples ? SurvivalOptions.SampledL2Grid : null));
            var model = Wrap(ml, fitted, vectorizer, sample);
            compared.Add((fitted.Fitted, LogLoss(model.Predict(stacked, select), [.. select.Select(i => labels[i])], sample), clock.Elapsed.TotalSeconds));
        }
        int best = 0;
        for (int c = 1; c < compared.Count; c++)
        {
            best = compared[c].Loss < compared[best].Loss - 1e-6 ? c : best;
        }
        // Refit on every training customer with what the chosen candidate settled on (its rounds or its penalty).
        var refitPhase = options.Phases?.Measure("refit");
        var finalMl = new MLContext(options.Seed);
        var final = CandidateFitting.Fit(finalMl, compared[best].Fitted, train, labels, rows => finalMl.Data.Cache(VectorData.View(finalMl, bound, rows, labels)), options.Seed);
        var hazard = new HazardModel(Wrap(finalMl, final, vectorizer, sample));
        double fitSeconds = watch.Elapsed.TotalSeconds;
        refitPhase?.Dispose();

        var (metrics, baseline) = options.Phases is { } phases ? phases.Measure("holdout metrics", () => Evaluate(hazard, data, Held, options.Seed)) : Evaluate(hazard, data, Held, options.Seed);
        var reported = compared.Select((c, i) => new HazardCandidate(candidates[i].Describe(), c.Loss, c.Seconds, i == best)).ToList();
        var others = string.Join(", ", reported.Where(r => !r.Chosen).Select(r => r.Candidate + " " + r.SelectionLogLoss.ToString("F4", CultureInfo.InvariantCulture)));
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"{compared[best].Fitted.Describe()} has the lowest log loss per person-period on the selection customers ({compared[best].Loss:F4}; {others})");
        int holdoutStarts = data.Starts.Count(s => Held(s.Table, s.Row));
        return (new SurvivalResult(hazard, reported, reason, metrics, asOfDates, data.Rows.Count, data.Starts.Count - holdoutStarts, holdoutStarts,
            [.. SurvivalCurve.Days.Select(d => baseline.At(d))], watch.Elapsed.TotalSeconds) { FitSeconds = fitSeconds, Sample = sample, FittedPersonPeriods = kept.Length }, null);
    }

    /// <summary>The units (accounts, or customers) held out for the metrics: the same split a peer is measured on.</summary>
    internal static HashSet<string> HoldoutUnits(PersonPeriodData data, SurvivalOptions options) =>
        Split(data.Starts.Select(s => data.Unit(s.Table, s.Row)), options.HoldoutShare, options.Seed);

    /// <summary>The held-out customers' curves from their as-of dates against what was observed; the baseline is the training customers' Kaplan–Meier.</summary>
    private static (SurvivalMetrics Metrics, KaplanMeier Baseline) Evaluate(HazardModel hazard, PersonPeriodData data, Func<int, int, bool> held, int seed)
    {
        var trainStarts = data.Starts.Where(s => !held(s.Table, s.Row)).Select(s => s.Observed).ToList();
        var baseline = KaplanMeier.Survival(trainStarts);
        var holdout = data.Starts.Where(s => held(s.Table, s.Row)).ToList();
        var curves = new SurvivalCurve[holdout.Count];
        foreach (var group in holdout.Select((s, i) => (s, i)).GroupBy(x => x.s.Table))
        {
            var members = group.ToList();
            var predicted = hazard.Curves(data.Tables[group.Key], [.. members.Select(m => m.s.Row)]);
            for (int m = 0; m < members.Count; m++)
            {
                curves[members[m].i] = predicted[m];
            }
        }
        var clusters = holdout.Select(s => data.Unit(s.Table, s.Row)).ToList();
        return (SurvivalScores.Compute(curves, [.. holdout.Select(s => s.Observed)], baseline, clusters, seed), baseline);
    }

    /// <summary>
    /// The sweep's logistic regression (tuned L2; without the classifiers' L1 search, which nearly doubles the linear
    /// candidate's fits on person-period rows where the boosted hazard is the usual choice) and its early-stopped
    /// LightGBM: the two hazard candidates.
    /// </summary>
    private static List<CandidateSpec> DefaultCandidates()
    {
        var sweep = CandidateSpec.DefaultSweep;
        var logistic = sweep.FirstOrDefault(c => c.Trainer == CandidateSpec.LogisticRegression)?.WithoutTunedL1()
            ?? new CandidateSpec(CandidateSpec.LogisticRegression, new Dictionary<string, double> { [CandidateSpec.TunedL2Key] = 1 });
        var boosted = sweep.FirstOrDefault(c => c.Trainer == CandidateSpec.LightGbm && c.Hyperparameters.ContainsKey(CandidateSpec.EarlyStoppingKey))
            ?? sweep.First(c => c.Trainer == CandidateSpec.LightGbm);
        return [logistic, boosted];
    }

    /// <summary>
    /// The hazard as the trainer itself models it: logistic regression's score is the log-odds; ML.NET's LightGBM learns
    /// with its sigmoid parameter 0.5, so its probability is the logistic of half its raw score (the logistic of the whole
    /// score doubles every log-odds: confident hazards, a far worse log likelihood).
    /// </summary>
    /// <remarks>On a case-control sample (<paramref name="sample"/>) the sample's offset turns the fitted log-odds back into the population's.</remarks>
    private static BinaryModel Wrap(MLContext ml, FittedCandidate fitted, FeatureVectorizer vectorizer, PeriodSample sample) =>
        new(ml, fitted.Model, new BinaryModelInfo(PredictionTask.Churn, LabelNames.Churn, fitted.Fitted, vectorizer,
            new PlattCalibration(fitted.Fitted.Trainer == CandidateSpec.LightGbm ? LightGbmSigmoid : 1, sample.Offset))
        {
            CalibrationMethod = CalibrationMethod.None,
        });

    /// <summary>ML.NET's default LightGBM sigmoid parameter (LightGbmBinaryTrainer.Options.Sigmoid).</summary>
    private const double LightGbmSigmoid = 0.5;

    /// <summary>Mean log loss per person-period of the population: each sampled row weighted by the rows it stands for.</summary>
    internal static double LogLoss(float[] probabilities, float[] truth, PeriodSample sample)
    {
        double loss = 0, weights = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], 1e-7, 1 - 1e-7);
            bool churned = truth[i] > 0.5f;
            double w = sample.Weight(churned);
            loss -= w * (churned ? Math.Log(p) : Math.Log(1 - p));
            weights += w;
        }
        return loss / Math.Max(1, weights);
    }

    /// <summary>The units whose stable hash falls in the lowest <paramref name="share"/>: the same customers held out from run to run.</summary>
    private static HashSet<string> Split(IEnumerable<string> units, double share, int seed)
    {
        var distinct = units.Distinct(StringComparer.Ordinal).OrderBy(u => ClassifierTraining.StableHash(u, seed)).ThenBy(u => u, StringComparer.Ordinal).ToList();
        return [.. distinct.Take((int)Math.Round(distinct.Count * share))];
    }
}
