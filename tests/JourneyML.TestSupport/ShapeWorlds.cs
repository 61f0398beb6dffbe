using System.Globalization;
using System.Text;

namespace JourneyML.TestSupport;

/// <summary>
/// Small hand-built exports of businesses the sample generator does not simulate, in JourneyML's canonical names, for
/// the stage suggestion: a product-led business (teams that start a trial, use the product, buy seats; no sales
/// funnel) and a repeat-purchase retailer (shoppers who browse and order again and again; no contract, no trial).
/// Customers keep signing up from the data's start to its end, so every stage has a population at the as-of date.
/// </summary>
public static class ShapeWorlds
{
    public static readonly DateTime DataStart = new(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime DataAsOf = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;
    private static double Span => (DataAsOf - DataStart).TotalDays;

    /// <summary>
    /// A product-led business: accounts of one to five seats; every sign-up starts a trial and logs in through it; about
    /// half buy after 14 days, log in for life at a rate of their own, renew yearly, and some cancel.
    /// </summary>
    public static void WriteProductLed(string directory, int customers = 400, int seed = 7)
    {
        var random = new Random(seed);
        var tables = new Tables();
        int account = 0;
        for (int i = 0; i < customers;)
        {
            int seats = Math.Min(customers - i, 1 + random.Next(5));
            account++;
            double accountStart = random.NextDouble() * (Span - 5);
            bool buys = random.NextDouble() < 0.55;
            for (int s = 0; s < seats; s++, i++)
            {
                string id = $"P{i + 1:D5}";
                double signUp = Math.Min(Span - 1, accountStart + random.NextDouble() * 10);
                tables.Customer(id, $"T{account:D4}", signUp, s == 0 ? "decision-maker" : "user");
                tables.Event(id, signUp, "trial_started");
                double trialEnd = Math.Min(Span, signUp + 14);
                tables.Stream(random, id, "login", 0.3 + random.NextDouble() * 0.6, signUp, trialEnd);
                if (!buys || trialEnd >= Span)
                {
                    continue;
                }
                tables.Event(id, trialEnd, "purchase");
                double rate = Math.Exp(random.NextDouble() * 2.5 - 2.5);
                double end = random.NextDouble() < 0.25 ? trialEnd + 60 + random.NextDouble() * 300 : Span;
                tables.Stream(random, id, "login", rate, trialEnd, Math.Min(end, Span));
                for (double renewal = trialEnd + 365; renewal < Math.Min(end, Span); renewal += 365)
                {
                    tables.Event(id, renewal, "renewal");
                }
                if (end < Span)
                {
                    tables.Event(id, end, "cancellation");
                }
            }
        }
        tables.Write(directory);
    }

    /// <summary>
    /// A repeat-purchase retailer: one shopper per customer; shoppers browse (page views) and about four in five buy, then
    /// order again after gaps of their own (a mean of 20 to 120 days) until they drift away; no renewals, cancellations or trials.
    /// </summary>
    public static void WriteRepeatPurchase(string directory, int customers = 400, int seed = 9)
    {
        var random = new Random(seed);
        var tables = new Tables();
        for (int i = 0; i < customers; i++)
        {
            string id = $"R{i + 1:D5}";
            double signUp = random.NextDouble() * (Span - 2);
            tables.Customer(id, account: null, signUp, role: null);
            double stop = random.NextDouble() < 0.4 ? signUp + random.NextDouble() * 300 : Span;
            tables.Stream(random, id, "page_view", 0.05 + random.NextDouble() * 0.3, signUp, Math.Min(stop, Span));
            if (random.NextDouble() < 0.2)
            {
                continue;
            }
            double gap = 20 + random.NextDouble() * 100;
            for (double order = signUp + random.NextDouble() * 10; order < Math.Min(stop, Span); order += gap * (0.5 + random.NextDouble()))
            {
                tables.Event(id, order, "purchase");
            }
        }
        tables.Write(directory);
    }

    /// <summary>The rows of one export, and how they are written.</summary>
    private sealed class Tables
    {
        private readonly StringBuilder _customers = new("customer_id,account_id,signed_up_at,plan,role,region\n");
        private readonly StringBuilder _events = new("customer_id,occurred_at,type,channel,value\n");

        public void Customer(string id, string? account, double signUp, string? role) =>
            _customers.Append(s_inv, $"{id},{account},{Time(signUp)},standard,{role},emea\n");

        public void Event(string id, double day, string type) => _events.Append(s_inv, $"{id},{Time(day)},{type},web,\n");

        /// <summary>Events of one type at a daily rate (a Poisson stream) from <paramref name="from"/> to <paramref name="to"/>.</summary>
        public void Stream(Random random, string id, string type, double perDay, double from, double to)
        {
            for (double t = from + Exponential(random, perDay); t < to; t += Exponential(random, perDay))
            {
                Event(id, t, type);
            }
        }

        public void Write(string directory)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(System.IO.Path.Combine(directory, "customers.csv"), _customers.ToString());
            File.WriteAllText(System.IO.Path.Combine(directory, "events.csv"), _events.ToString());
            File.WriteAllText(System.IO.Path.Combine(directory, "journeyml.json"),
                $"{{ \"dataAsOf\": \"{DataAsOf:yyyy-MM-ddTHH:mm:ssZ}\", \"dataStart\": \"{DataStart:yyyy-MM-ddTHH:mm:ssZ}\", " +
                "\"customers\": { \"path\": \"customers.csv\" }, \"events\": { \"path\": \"events.csv\" } }");
        }

        private static double Exponential(Random random, double rate) => -Math.Log(1 - random.NextDouble()) / rate;

        private static string Time(double day) => DataStart.AddDays(Math.Min(day, Span - 1e-4)).ToString("yyyy-MM-ddTHH:mm:ssZ", s_inv);
    }
}
