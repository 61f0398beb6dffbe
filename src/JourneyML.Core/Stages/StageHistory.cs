using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Stages;

/// <summary>One stay in a stage: entered at, left at (null while the customer is still in it).</summary>
public sealed record StageStay(string Stage, DateTime EnteredAt, DateTime? LeftAt);

/// <summary>
/// Each customer's stage timeline rebuilt from the events: the stage model evaluated at a series of dates (weekly by
/// default), each with features from events strictly before that date (and the model's scores at that date when a
/// model is given), consecutive equal stages joined into stays. Journeys are not linear: backward moves, stalls and
/// loops stay in the timeline as they happened. Times are at the step's resolution.
/// </summary>
/// <remarks>
/// The events are read once and grouped per customer in time order (<see cref="EventTimeline"/>); each customer's
/// windows then slide from date to date (<see cref="RollingFeatures"/>), computing only the features the rules and the
/// models read, and a score is computed only for the rows where it can change the stage. The result is the one the
/// plain way gives (<see cref="BuildPerStep"/>: the whole feature step once per date), which a property test checks.
/// </remarks>
public static class StageHistory
{
    public static IReadOnlyDictionary<string, IReadOnlyList<StageStay>> Build(Dataset dataset, StageModel stages, DateTime from, DateTime to,
        int stepDays = 7, LoadedModels? models = null, CancellationToken cancellationToken = default)
    {
        Check(dataset, from, to, stepDays);
        return Build(EventTimeline.Build(dataset, withChannels: false, cancellationToken: cancellationToken), stages, from, to, stepDays, models, cancellationToken);
    }

    /// <summary>The timelines from events already grouped per customer (a journey map reads them once for timelines, touchpoints and cohorts).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<StageStay>> Build(EventTimeline timeline, StageModel stages, DateTime from, DateTime to,
        int stepDays = 7, LoadedModels? models = null, CancellationToken cancellationToken = default) =>
        Build(timeline, stages, from, to, stepDays, models, allFeatures: false, out _, cancellationToken);

    /// <param name="allFeatures">Have <paramref name="rolling"/> give every feature from the last date on (the dates before compute only those the rules and models read).</param>
    /// <param name="rolling">The features as slid to the last date: advancing them a few days more is cheaper than starting again.</param>
    internal static IReadOnlyDictionary<string, IReadOnlyList<StageStay>> Build(EventTimeline timeline, StageModel stages, DateTime from, DateTime to,
        int stepDays, LoadedModels? models, bool allFeatures, out RollingFeatures rolling, CancellationToken cancellationToken)
    {
        var dates = Check(timeline.Dataset, from, to, stepDays);
        var rules = new CompiledStages(stages);
        var churnModel = rules.ReadsChurnRisk ? models?.Churn : null;
        var leadModel = rules.ReadsLeadScore ? models?.Lead : null;
        var behaviour = FeatureNames.Definitions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var categorical = new HashSet<string>([FeatureNames.Plan, FeatureNames.Role, FeatureNames.Region], StringComparer.Ordinal);
        // A rule on anything but a numeric behaviour feature reads "unknown", as it does on a feature table without it.
        var wanted = rules.Signals.Where(s => behaviour.Contains(s) && !categorical.Contains(s))
            .Concat(churnModel?.Vectorizer.Features ?? []).Concat(leadModel?.Vectorizer.Features ?? [])
            .Distinct(StringComparer.Ordinal).ToList();
        rolling = new RollingFeatures(timeline, wanted);
        var customers = timeline.Dataset.Customers;
        int n = customers.Count;
        // The stage of every customer at every date; -1 before they signed up.
        var stageAt = new short[dates.Count][];
        // Where each customer is and since when: a stage's stay rules and minimum stay read it.
        var entered = new DateTime[n];
        using var shown = Monitoring.ProgressReporter.Current.Start("stage timelines", dates.Count, "dates");
        for (int step = 0; step < dates.Count; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            shown.Add(1);
            var table = rolling.Advance(dates[step], cancellationToken);
            var rowCustomer = new int[table.RowCount];
            for (int r = 0, c = 0; c < n; c++)
            {
                if (customers[c].SignedUpAt.Ticks < dates[step].Ticks)
                {
                    rowCustomer[r++] = c;
                }
            }
            var before = step == 0 ? null : stageAt[step - 1];
            var current = new int[table.RowCount];
            var daysIn = new double[table.RowCount];
            for (int r = 0; r < current.Length; r++)
            {
                int c = rowCustomer[r];
                current[r] = before?[c] ?? -1;
                daysIn[r] = current[r] < 0 ? 0 : (dates[step] - entered[c]).TotalDays;
            }
            var stage = Assign(table, rules, churnModel, leadModel, current, daysIn, cancellationToken);
            var atStep = new short[n];
            Array.Fill(atStep, (short)-1);
            for (int r = 0; r < stage.Length; r++)
            {
                int c = rowCustomer[r];
                atStep[c] = (short)stage[r];
                if (stage[r] != current[r])
                {
                    entered[c] = dates[step];
                }
            }
            stageAt[step] = atStep;
        }
        if (allFeatures)
        {
            rolling.WantEveryFeature();
        }
        return Stays(customers, rules.Names, dates, stageAt);
    }

    /// <summary>
    /// The plain way: the whole feature step at every date, every score, then the stage model. Kept as the reference
    /// the fast path is tested against.
    /// </summary>
    internal static IReadOnlyDictionary<string, IReadOnlyList<StageStay>> BuildPerStep(Dataset dataset, StageModel stages, DateTime from, DateTime to,
        int stepDays = 7, LoadedModels? models = null, CancellationToken cancellationToken = default)
    {
        var timelines = new Dictionary<string, List<StageStay>>(StringComparer.Ordinal);
        foreach (var date in Check(dataset, from, to, stepDays))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = date }, cancellationToken: cancellationToken);
            var current = new string?[table.RowCount];
            var daysIn = new double[table.RowCount];
            for (int r = 0; r < table.RowCount; r++)
            {
                if (timelines.TryGetValue(table.CustomerIds[r], out var soFar))
                {
                    current[r] = soFar[^1].Stage;
                    daysIn[r] = (date - soFar[^1].EnteredAt).TotalDays;
                }
            }
            var assigned = Assign(table, stages, models, current, daysIn);
            for (int r = 0; r < table.RowCount; r++)
            {
                var id = table.CustomerIds[r];
                if (!timelines.TryGetValue(id, out var stays))
                {
                    timelines[id] = stays = [];
                }
                if (stays.Count > 0 && stays[^1].Stage == assigned[r])
                {
                    continue;
                }
                if (stays.Count > 0)
                {
                    stays[^1] = stays[^1] with { LeftAt = date };
                }
                stays.Add(new StageStay(assigned[r], date, null));
            }
        }
        return timelines.ToDictionary(t => t.Key, t => (IReadOnlyList<StageStay>)t.Value, StringComparer.Ordinal);
    }

    /// <summary>The dates the stage model is evaluated at: from, every step days, up to to.</summary>
    private static List<DateTime> Check(Dataset dataset, DateTime from, DateTime to, int stepDays)
    {
        if (stepDays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepDays), "the step must be at least one day");
        }
        if (to <= from)
        {
            throw new InvalidInputException($"the window is empty ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})");
        }
        UtcTime.RequireUtc(from, "the window's start");
        UtcTime.RequireUtc(to, "the window's end");
        var dates = new List<DateTime>();
        for (var date = from; date <= to; date = date.AddDays(stepDays))
        {
            dates.Add(date);
        }
        if (dates[^1] > dataset.DataAsOf)
        {
            throw new InvalidInputException($"the window ends {dates[^1]:yyyy-MM-dd}, after the data's as-of date {dataset.DataAsOf:yyyy-MM-dd}: there is no behaviour to see yet");
        }
        return dates;
    }

    /// <summary>Stage indexes of a date's rows, scoring only the rows whose stage a score can change, in parallel batches.</summary>
    private static int[] Assign(FeatureTable table, CompiledStages rules, Prediction.BinaryModel? churnModel, Prediction.BinaryModel? leadModel,
        int[] current, double[] daysIn, CancellationToken cancellationToken)
    {
        int n = table.RowCount;
        var columns = rules.Signals.Select(s => table.NumbersOrNull(s) ?? NaNs(n)).ToArray();
        var status = table.Status!;
        var churn = NaNs(n);
        var lead = NaNs(n);
        Score(churnModel, CustomerStatus.Customer, churn, churn: true);
        Score(leadModel, CustomerStatus.Lead, lead, churn: false);
        var stage = new int[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken },
            r => stage[r] = rules.StageOf(columns, r, status[r].Name(), churn[r], lead[r], current[r], daysIn[r]));
        return stage;

        void Score(Prediction.BinaryModel? model, CustomerStatus applies, float[] scores, bool churn)
        {
            if (model is null)
            {
                return;
            }
            var matters = new bool[n];
            Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken },
                r => matters[r] = status[r] == applies && rules.ScoreMatters(columns, r, status[r].Name(), churn, current[r], daysIn[r]));
            var rows = Enumerable.Range(0, n).Where(r => matters[r]).ToArray();
            // ML.NET scores a batch on one thread: a batch per core.
            int batches = Math.Clamp(rows.Length / 5_000, 1, Environment.ProcessorCount);
            var predicted = new float[batches][];
            Parallel.For(0, batches, new ParallelOptions { CancellationToken = cancellationToken }, b =>
                predicted[b] = model.Predict(table, rows[(rows.Length * b / batches)..(rows.Length * (b + 1) / batches)]));
            for (int b = 0, i = 0; b < batches; b++)
            {
                foreach (float p in predicted[b])
                {
                    scores[rows[i++]] = p;
                }
            }
        }
    }

    private static float[] NaNs(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }

    /// <summary>Consecutive equal stages joined into stays; customers in the order they first appear (as the plain way adds them).</summary>
    private static Dictionary<string, IReadOnlyList<StageStay>> Stays(CustomerTable customers, IReadOnlyList<string> names, List<DateTime> dates, short[][] stageAt)
    {
        int n = customers.Count;
        var firstStep = new int[n];
        var stays = new List<StageStay>?[n];
        Parallel.For(0, n, c =>
        {
            firstStep[c] = int.MaxValue;
            List<StageStay>? list = null;
            int previous = -1;
            for (int step = 0; step < dates.Count; step++)
            {
                int stage = stageAt[step][c];
                if (stage < 0 || stage == previous)
                {
                    continue;
                }
                if (list is null)
                {
                    list = [];
                    firstStep[c] = step;
                }
                else
                {
                    list[^1] = list[^1] with { LeftAt = dates[step] };
                }
                list.Add(new StageStay(names[stage], dates[step], null));
                previous = stage;
            }
            stays[c] = list;
        });
        var order = Enumerable.Range(0, n).Where(c => stays[c] is not null).OrderBy(c => firstStep[c]).ThenBy(c => c);
        var result = new Dictionary<string, IReadOnlyList<StageStay>>(StringComparer.Ordinal);
        foreach (int c in order)
        {
            result[customers[c].CustomerId] = stays[c]!;
        }
        return result;
    }

    /// <summary>The stage of every row of a feature table (scores from the models when given; unknown otherwise).</summary>
    public static string[] Assign(FeatureTable table, StageModel stages, LoadedModels? models) => Assign(table, stages, models, null, null);

    private static string[] Assign(FeatureTable table, StageModel stages, LoadedModels? models, string?[]? current, double[]? daysIn)
    {
        int n = table.RowCount;
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, n)];
        var (churn, lead) = ScoresOf(table, models);
        return StageModel.AssignAll(stages, table, status, churn, lead, current, daysIn);
    }

    /// <summary>Churn risk (customers) and lead score (leads) per row; NaN where a score does not apply or no model is given.</summary>
    public static (float[] ChurnRisk, float[] LeadScore) ScoresOf(FeatureTable table, LoadedModels? models)
    {
        var status = table.Status ?? [.. Enumerable.Repeat(CustomerStatus.Customer, table.RowCount)];
        return (Scores(models?.Churn, table, status, CustomerStatus.Customer), Scores(models?.Lead, table, status, CustomerStatus.Lead));
    }

    private static float[] Scores(Prediction.BinaryModel? model, FeatureTable table, CustomerStatus[] status, CustomerStatus applies)
    {
        var scores = new float[table.RowCount];
        Array.Fill(scores, float.NaN);
        if (model is null)
        {
            return scores;
        }
        var rows = Enumerable.Range(0, table.RowCount).Where(r => status[r] == applies).ToArray();
        var predicted = model.Predict(table, rows);
        for (int i = 0; i < rows.Length; i++)
        {
            scores[rows[i]] = predicted[i];
        }
        return scores;
    }
}
