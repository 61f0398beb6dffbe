using System.Globalization;
using System.Text;

namespace JourneyML.TestSupport;

/// <summary>Ready tables for the survival model (Mode B): a duration and an event per customer, with a planted hazard.</summary>
public static class SurvivalTables
{
    /// <summary>
    /// customer_id, tickets, plan, tenure_days, churned: customers with many tickets churn about five times as fast, basic
    /// plans 1.5 times; each is followed for a random 30 to 240 days (censored there unless it churned first).
    /// <paramref name="eventText"/> writes a row's event cell instead of 1/0 (for Yes/No or bad values).
    /// </summary>
    public static string Write(string directory, int rows = 1200, Func<int, string>? eventText = null, int seed = 7)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("customer_id,tickets,plan,tenure_days,churned\n");
        for (int i = 0; i < rows; i++)
        {
            int tickets = random.Next(0, 8);
            string plan = random.NextDouble() < 0.5 ? "basic" : "pro";
            double rate = 0.002 * Math.Exp(0.25 * tickets) * (plan == "basic" ? 1.5 : 1);
            double churnAt = -Math.Log(1 - random.NextDouble()) / rate;
            double followed = random.Next(30, 241);
            bool churned = churnAt <= followed;
            sb.Append(CultureInfo.InvariantCulture, $"C{i:D5},{tickets},{plan},{Math.Round(Math.Min(churnAt, followed), 1)},{eventText?.Invoke(i) ?? (churned ? "1" : "0")}\n");
        }
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N")[..8] + ".csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }
}
