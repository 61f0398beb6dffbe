using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// Each paying customer's true survival curve from the reference as-of date T, read off the cancellation mechanism the
/// worlds already run, and the customer's observed time to churn (censored at the export's end). Nothing here draws a
/// random number, so writing it leaves every other output byte-identical.
/// </summary>
/// <remarks>
/// Every world decides a paying customer's cancellation the same way (AccountSimulation's customer accounts,
/// WorldSimulation's <c>ChurnStop</c>): with the customer's true churn probability p (from its behaviour at T: falling
/// logins, rising tickets, plan, seats...) it cancels in the horizon (T, T+H], on a day drawn uniformly from
/// [T+1, T+H-1]; otherwise the same draw repeats for each later horizon. That is a hazard in closed form: the
/// probability of still paying t days after T is (1-p)^k (1 - p u) with k = floor(t/H) whole horizons survived and
/// u = clamp((t - kH - 1) / (H - 2), 0, 1) the share of the current horizon's cancellation window passed. The B2B world
/// puts the cancellation at a working hour of the drawn day (a fraction of a day later): the curve here ignores that
/// fraction, so it is exact to within a day.
/// </remarks>
internal static class PlantedSurvival
{
    public const string FileName = "survival_truth";

    /// <summary>The days after T the true survival is written at (the survival model's horizons).</summary>
    public static IReadOnlyList<int> Days { get; } = [30, 60, 90, 180];

    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("customer_id", ColumnType.Text),
        new("as_of", ColumnType.Time),
        new("churn_probability", ColumnType.OptionalNumber),
        .. Days.Select(d => new TableColumn($"survival_{d}d", ColumnType.OptionalNumber)),
        new("churned", ColumnType.Integer),
        new("days_observed", ColumnType.OptionalNumber),
    ];

    /// <summary>P(still paying <paramref name="days"/> after T) of a customer with a true per-horizon churn probability <paramref name="p"/>.</summary>
    public static double Survival(double p, double days, double horizon)
    {
        if (days <= 0)
        {
            return 1;
        }
        int whole = (int)Math.Floor(days / horizon);
        double u = Math.Clamp((days - whole * horizon - 1) / (horizon - 2), 0, 1);
        return Math.Pow(1 - p, whole) * (1 - p * u);
    }

    /// <summary>One row for a customer paying at T (others have no curve from T and get none).</summary>
    public static void Write(TableWriter writer, SimulatedWorld world, string customerId, LifecycleStatus statusAtAsOf, double? churnProbability, long? churnedSecond)
    {
        if (statusAtAsOf != LifecycleStatus.Customer || churnProbability is not { } p)
        {
            return;
        }
        writer.Text(customerId);
        writer.Time(world.Options.ReferenceAsOf);
        writer.Number(p);
        foreach (int d in Days)
        {
            writer.Number(Math.Round(Survival(p, d, world.Horizon), 6));
        }
        // Churned after T within the export: the observed time to churn; otherwise censored at the export's end.
        bool churned = churnedSecond is long s && s > world.AsOfSecond && s < world.EndSecond;
        long until = churned ? churnedSecond!.Value : world.EndSecond;
        writer.Integer(churned ? 1 : 0);
        writer.Number(Math.Round((until - world.AsOfSecond) / 86400.0, 4));
        writer.EndRow();
    }
}
