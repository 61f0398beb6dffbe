using System.Globalization;
using System.Text;
namespace JourneyML.TestSupport;

/// <summary>
/// A small behaviour-log export whose drivers hold over its whole span, as an out-of-time backtest needs (the sample
/// generator plants its outcomes at one reference date only). Each customer logs in at a rate of their own for life;
/// customers with fewer logins churn sooner (a constant daily hazard). Leads view the pricing page at a rate of their
/// own; those who view it more convert sooner. Customers keep signing up from the data's start to its end, so every
/// date has a population. Returned: the planted probabilities of (T, T+H] per customer id, the run's oracle.
/// </summary>
public static class SteadyWorld
{
    public static readonly DateTime DataStart = new(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime DataAsOf = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The default training as-of date of the export (data's as-of date minus 90 days).</summary>
    public static readonly DateTime AsOf = DataAsOf.AddDays(-90);

    /// <summary>Writes customers, events, outcomes and journeyml.json into <paramref name="directory"/>; returns the planted truth as of <see cref="AsOf"/>.</summary>
    public static IReadOnlyDictionary<string, (double? Churn, double? Conversion)> Write(string directory, int customers = 700, int seed = 5, DateTime? dataStart = null)
    {
        var start = dataStart ?? DataStart;
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var inv = CultureInfo.InvariantCulture;
        var customerRows = new StringBuilder("customer_id,account_id,signed_up_at,plan,role,region\n");
        var eventRows = new StringBuilder("customer_id,occurred_at,type,channel,value\n");
        var outcomeRows = new StringBuilder("customer_id,churned_at,converted_at\n");
        var truth = new Dictionary<string, (double? Churn, double? Conversion)>();
        double span = (DataAsOf - start).TotalDays;
        for (int i = 0; i < customers; i++)
        {
            string id = $"S{i + 1:D5}";
            double signUp = random.NextDouble() * (span - 20);
            bool lead = random.NextDouble() < 0.5;
            double loginRate = Math.Exp(Gaussian(random) * 0.9 - 1.2); // logins a day, for life
            double churnHazard = 0.003 * Math.Exp(-1.5 * Math.Log(loginRate / 0.3));
            double viewRate = Math.Exp(Gaussian(random) * 1.2 - 2.0); // pricing-page views a day while a lead
            double convertHazard = 0.003 * Math.Exp(1.6 * Math.Log(viewRate / 0.135));
            double converted = lead ? signUp + Exponential(random, convertHazard) : signUp;
            double churned = converted + Exponential(random, churnHazard);
            customerRows.Append(inv, $"{id},A{i + 1:D5},{Time(start, signUp)},{(random.NextDouble() < 0.5 ? "pro" : "basic")},user,emea\n");
            if (lead)
            {
                Stream(eventRows, random, id, "pricing_page_view", viewRate, start, signUp, Math.Min(converted, span));
            }
            Stream(eventRows, random, id, "login", loginRate, start, signUp, Math.Min(churned, span));
            outcomeRows.Append(inv, $"{id},{(churned < span ? Time(start, churned) : "")},{(converted < span ? Time(start, converted) : "")}\n");
            truth[id] = Truth(start, signUp, converted, churned, churnHazard, convertHazard);
        }
        File.WriteAllText(Path.Combine(directory, "customers.csv"), customerRows.ToString());
        File.WriteAllText(Path.Combine(directory, "events.csv"), eventRows.ToString());
        File.WriteAllText(Path.Combine(directory, "outcomes.csv"), outcomeRows.ToString());
        File.WriteAllText(Path.Combine(directory, "journeyml.json"),
            $"{{ \"dataAsOf\": \"{DataAsOf:yyyy-MM-ddTHH:mm:ssZ}\", \"dataStart\": \"{start:yyyy-MM-ddTHH:mm:ssZ}\", " +
            "\"customers\": { \"path\": \"customers.csv\" }, \"events\": { \"path\": \"events.csv\" }, \"outcomes\": { \"path\": \"outcomes.csv\" } }");
        return truth;
    }

    /// <summary>The planted probability of churning (a customer at T) or converting (a lead at T) within 90 days after T.</summary>
    private static (double? Churn, double? Conversion) Truth(DateTime start, double signUp, double converted, double churned, double churnHazard, double convertHazard)
    {
        double t = (AsOf - start).TotalDays;
        if (signUp >= t)
        {
            return (null, null);
        }
        bool customer = converted < t && churned >= t;
        bool lead = converted >= t;
        return (customer ? 1 - Math.Exp(-90 * churnHazard) : null, lead ? 1 - Math.Exp(-90 * convertHazard) : null);
    }

    /// <summary>Events of one type at a constant daily rate between two days of the export (a Poisson process).</summary>
    private static void Stream(StringBuilder rows, Random random, string id, string type, double rate, DateTime start, double from, double to)
    {
        for (double day = from + Exponential(random, rate); day < to; day += Exponential(random, rate))
        {
            rows.Append(CultureInfo.InvariantCulture, $"{id},{Time(start, day)},{type},web,\n");
        }
    }

    private static string Time(DateTime start, double day) => start.AddDays(day).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static double Exponential(Random random, double rate) => -Math.Log(1 - random.NextDouble()) / rate;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
