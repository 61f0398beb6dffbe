using JourneyML.Core.Features;

namespace JourneyML.Core.Survival;

/// <summary>One person-period row: a customer's features as of an as-of date (row <see cref="Row"/> of table <see cref="Table"/>), period <see cref="Period"/> after it, churned in it or not.</summary>
internal readonly record struct PeriodRow(int Table, int Row, int Period, bool Churned);

/// <summary>A customer paying at an as-of date (row <see cref="Row"/> of table <see cref="Table"/>) and what was then observed: the unit the holdout metrics measure.</summary>
internal readonly record struct AtRiskStart(int Table, int Row, ObservedTime Observed);

/// <summary>
/// The training data of the discrete-time hazard model: feature tables (one per as-of date, or a ready table), the
/// person-period rows drawn from them and the customers at risk at each as-of date with their observed time to churn.
/// A customer still paying when the data ends contributes the periods it was seen through and stops there (censored):
/// it is never counted as surviving a period the data does not cover.
/// </summary>
internal sealed record PersonPeriodData(IReadOnlyList<FeatureTable> Tables, IReadOnlyList<PeriodRow> Rows, IReadOnlyList<AtRiskStart> Starts)
{
    /// <summary>The unit kept on one side of every split: the account where the data has one (an account cancels as a whole), else the customer.</summary>
    public string Unit(int table, int row) => Tables[table].AccountIds?[row] is { Length: > 0 } account ? "a:" + account : "c:" + Tables[table].CustomerIds[row];
}

/// <summary>Builds the stacked tables a hazard model trains on and predicts from: the features of a row, plus the period after the as-of date.</summary>
internal static class PersonPeriods
{
    /// <summary>The feature holding the period after the as-of date (a category per period, so the logistic hazard gets a baseline per period).</summary>
    public const string PeriodColumn = "survival_period";

    public static string PeriodName(int period) => $"{period * SurvivalCurve.PeriodDays}-{(period + 1) * SurvivalCurve.PeriodDays}d";

    /// <summary>Every period of each of the given rows of one table (row-major: all periods of the first row, then the next).</summary>
    public static FeatureTable Expand(FeatureTable table, IReadOnlyList<int> rows)
    {
        var stacked = new PeriodRow[rows.Count * SurvivalCurve.Periods];
        for (int i = 0; i < rows.Count; i++)
        {
            for (int p = 0; p < SurvivalCurve.Periods; p++)
            {
                stacked[i * SurvivalCurve.Periods + p] = new PeriodRow(0, rows[i], p, false);
            }
        }
        return Stack([table], stacked, withLabels: false);
    }

    /// <summary>One table of the given person-period rows: the features of their tables' rows, the period, the unit as account, and the label.</summary>
    public static FeatureTable Stack(IReadOnlyList<FeatureTable> tables, IReadOnlyList<PeriodRow> rows, bool withLabels = true, Func<int, int, string>? unit = null)
    {
        var first = tables[0];
        var columns = new List<FeatureColumn>(first.Columns.Count + 1);
        foreach (var column in first.Columns)
        {
            var sources = tables.Select(t => t.Find(column.Name)).ToArray();
            if (column is NumericColumn)
            {
                var values = new float[rows.Count];
                var arrays = sources.Select(s => (s as NumericColumn)?.Values).ToArray();
                for (int i = 0; i < rows.Count; i++)
                {
                    values[i] = arrays[rows[i].Table] is { } a ? a[rows[i].Row] : float.NaN;
                }
                columns.Add(FeatureColumn.Numeric(column.Name, column.Description, values));
            }
            else
            {
                var values = new string?[rows.Count];
                var arrays = sources.Select(s => (s as CategoricalColumn)?.Values).ToArray();
                for (int i = 0; i < rows.Count; i++)
                {
                    values[i] = arrays[rows[i].Table] is { } a ? a[rows[i].Row] : null;
                }
                columns.Add(FeatureColumn.Categorical(column.Name, column.Description, values));
            }
        }
        var names = Enumerable.Range(0, SurvivalCurve.Periods).Select(PeriodName).ToArray();
        columns.Add(FeatureColumn.Categorical(PeriodColumn, "period after the as-of date (30 days each)", [.. rows.Select(r => names[r.Period])]));
        var labels = withLabels ? new Dictionary<string, float[]> { [LabelNames.Churn] = [.. rows.Select(r => r.Churned ? 1f : 0f)] } : new Dictionary<string, float[]>();
        return new FeatureTable([.. rows.Select(r => tables[r.Table].CustomerIds[r.Row])], columns)
        {
            AccountIds = unit is null ? null : [.. rows.Select(r => unit(r.Table, r.Row))],
            Labels = labels,
        };
    }

    /// <summary>
    /// The person-period rows of behaviour logs: <paramref name="tables"/>[k] holds the features as of the data's end minus
    /// 30 (k + 1) days with a 30-day horizon (label: churned within the next 30 days; status: paying or not at that date).
    /// A customer paying at as-of date k is at risk in period j (0..5) if it paid at dates k, k-1, ..., k-j and did not
    /// churn before; the label of period j is the churn label of table k - j. Periods the data does not reach are left out.
    /// </summary>
    public static PersonPeriodData FromLandmarks(IReadOnlyList<FeatureTable> tables)
    {
        var index = tables.Select(t => t.CustomerIds.Select((id, r) => (id, r)).ToDictionary(x => x.id, x => x.r, StringComparer.Ordinal)).ToArray();
        var rows = new List<PeriodRow>();
        var starts = new List<AtRiskStart>();
        for (int k = 0; k < tables.Count; k++)
        {
            var table = tables[k];
            for (int r = 0; r < table.RowCount; r++)
            {
                if (!Paying(table, r))
                {
                    continue;
                }
                var observed = Follow(tables, index, k, r, rows);
                if (observed.Days > 0)
                {
                    starts.Add(new AtRiskStart(k, r, observed));
                }
            }
        }
        return new PersonPeriodData(tables, rows, starts);
    }

    /// <summary>Adds the customer's periods from as-of date k and returns its observed time to churn (censored where the data stops following it).</summary>
    private static ObservedTime Follow(IReadOnlyList<FeatureTable> tables, Dictionary<string, int>[] index, int k, int r, List<PeriodRow> rows)
    {
        string id = tables[k].CustomerIds[r];
        int periods = Math.Min(SurvivalCurve.Periods, k + 1);
        for (int j = 0; j < periods; j++)
        {
            var later = tables[k - j];
            if (!index[k - j].TryGetValue(id, out int lr) || !Paying(later, lr) || !later.Labels.TryGetValue(LabelNames.Churn, out var labels) || float.IsNaN(labels[lr]))
            {
                return new ObservedTime(j * SurvivalCurve.PeriodDays, false);
            }
            bool churned = labels[lr] > 0.5f;
            rows.Add(new PeriodRow(k, r, j, churned));
            if (churned)
            {
                return new ObservedTime((j + 1) * SurvivalCurve.PeriodDays, true);
            }
        }
        return new ObservedTime(periods * SurvivalCurve.PeriodDays, false);
    }

    private static bool Paying(FeatureTable table, int row) => table.Status is null || table.Status[row] == CustomerStatus.Customer;

    /// <summary>
    /// The person-period rows of a ready table with a duration (days) and an event (1 = churned) per customer: periods
    /// while the customer was followed, churned in the period its duration ends in if the event is 1.
    /// </summary>
    public static PersonPeriodData FromDurations(FeatureTable table, IReadOnlyList<int> rows, float[] durations, float[] events)
    {
        var periodRows = new List<PeriodRow>();
        var starts = new List<AtRiskStart>();
        foreach (int r in rows)
        {
            double d = durations[r];
            bool churned = events[r] > 0.5f;
            for (int j = 0; j < SurvivalCurve.Periods && j * SurvivalCurve.PeriodDays < d; j++)
            {
                bool ends = d <= (j + 1) * SurvivalCurve.PeriodDays;
                if (ends && !churned && d < (j + 1) * SurvivalCurve.PeriodDays)
                {
                    break; // censored inside the period: not seen through it, so not counted as surviving it
                }
                periodRows.Add(new PeriodRow(0, r, j, churned && ends));
            }
            starts.Add(new AtRiskStart(0, r, new ObservedTime(d, churned)));
        }
        return new PersonPeriodData([table], periodRows, starts);
    }
}
