using System.Globalization;
using System.Text;

namespace JourneyML.TestSupport;

/// <summary>
/// Ready feature tables (mode B) shaped like the public ones users bring: a telco churn table (19 feature columns, 15 of
/// them categorical, a Yes/No label) and a Japanese lead table (Japanese column names and values, a conversion label).
/// Each has a planted structure the tests can look for. Written as UTF-8 CSV.
/// </summary>
public static class ReadyTables
{
    /// <summary>The telco table's columns, in file order: the id, 19 features, the label.</summary>
    public static readonly string[] TelcoColumns =
    [
        "customerID", "gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "PhoneService", "MultipleLines", "InternetService",
        "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies", "Contract", "PaperlessBilling",
        "PaymentMethod", "MonthlyCharges", "TotalCharges", "Churn",
    ];

    /// <summary>
    /// Customers with fibre on a month-to-month contract pay more, stay shorter and churn far more often than the rest.
    /// With <paramref name="withLabel"/> false the Churn column is left out.
    /// </summary>
    public static string Telco(string directory, int rows = 900, int seed = 3, bool withLabel = true)
    {
        var random = new Random(seed);
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', withLabel ? TelcoColumns : TelcoColumns[..^1]));
        string YesNo(double p) => random.NextDouble() < p ? "Yes" : "No";
        for (int i = 0; i < rows; i++)
        {
            bool fibre = random.NextDouble() < 0.45;
            string contract = fibre
                ? Pick(random, ["Month-to-month", "One year", "Two year"], [0.8, 0.12, 0.08])
                : Pick(random, ["Month-to-month", "One year", "Two year"], [0.25, 0.35, 0.4]);
            int tenure = (int)Math.Min(72, -Math.Log(1 - random.NextDouble()) * (contract == "Month-to-month" ? 10 : 40));
            double monthly = Math.Round((fibre ? 90 : 40) + Gaussian(random) * 8, 2);
            string total = tenure == 0 ? "" : (monthly * tenure).ToString("0.##", CultureInfo.InvariantCulture);
            bool churn = random.NextDouble() < (fibre && contract == "Month-to-month" ? 0.55 : 0.07);
            var cells = new List<string>
            {
                $"{1000 + i}-TLCO", random.NextDouble() < 0.5 ? "Male" : "Female", random.NextDouble() < 0.16 ? "1" : "0", YesNo(0.5), YesNo(0.3),
                tenure.ToString(CultureInfo.InvariantCulture), YesNo(0.9), Pick(random, ["Yes", "No", "No phone service"], [0.4, 0.5, 0.1]),
                fibre ? "Fiber optic" : Pick(random, ["DSL", "No"], [0.7, 0.3]), YesNo(fibre ? 0.15 : 0.45), YesNo(0.35), YesNo(0.35), YesNo(fibre ? 0.15 : 0.45),
                YesNo(fibre ? 0.6 : 0.3), YesNo(fibre ? 0.6 : 0.3), contract, YesNo(0.6),
                Pick(random, ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"], [0.35, 0.25, 0.2, 0.2]),
                monthly.ToString("0.##", CultureInfo.InvariantCulture), total,
            };
            if (withLabel)
            {
                cells.Add(churn ? "Yes" : "No");
            }
            sb.AppendLine(string.Join(',', cells.Select(Quote)));
        }
        var path = Path.Combine(directory, withLabel ? "telco.csv" : "telco-unlabelled.csv");
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The lead table's columns: id, source (categorical), industry (categorical, 3 levels), visits, pages, minutes on site, monthly fee, converted.</summary>
    public static readonly string[] LeadColumns = ["リードID", "流入元", "業種", "訪問回数", "閲覧ページ数", "サイト滞在時間", "月額料金", "成約"];

    /// <summary>
    /// Leads from seminars (セミナー) visit often, read much and convert often; the others rarely. Column names and values
    /// are Japanese, as a Japanese CRM writes them. <paramref name="ids"/> adds a free-text company-name column (a different
    /// value on every row), which must be left out of the segments.
    /// </summary>
    public static string JapaneseLeads(string directory, int rows = 800, int seed = 5, bool ids = false)
    {
        var random = new Random(seed);
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', ids ? [.. LeadColumns, "会社名"] : LeadColumns));
        for (int i = 0; i < rows; i++)
        {
            bool seminar = random.NextDouble() < 0.35;
            string source = seminar ? "セミナー" : Pick(random, ["広告", "自然検索", "紹介"], [0.5, 0.35, 0.15]);
            int visits = (int)Math.Max(0, (seminar ? 12 : 2) + Gaussian(random) * (seminar ? 3 : 1.5));
            int pages = (int)Math.Max(0, visits * (seminar ? 4 : 1.5) + Gaussian(random) * 2);
            double minutes = Math.Round(Math.Max(0, (seminar ? 35 : 6) + Gaussian(random) * 5), 1);
            double fee = Math.Round(Math.Max(0, (seminar ? 52000 : 20000) + Gaussian(random) * 6000));
            bool converted = random.NextDouble() < (seminar ? 0.5 : 0.06);
            var cells = new List<string>
            {
                $"L{i:D5}", source, Pick(random, ["製造業", "小売業", "情報通信業"], [0.4, 0.3, 0.3]), visits.ToString(CultureInfo.InvariantCulture),
                pages.ToString(CultureInfo.InvariantCulture), minutes.ToString(CultureInfo.InvariantCulture), fee.ToString(CultureInfo.InvariantCulture), converted ? "1" : "0",
            };
            if (ids)
            {
                cells.Add($"株式会社{i:D5}");
            }
            sb.AppendLine(string.Join(',', cells.Select(Quote)));
        }
        var path = Path.Combine(directory, "leads.csv");
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    private static string Pick(Random random, string[] values, double[] weights)
    {
        double u = random.NextDouble() * weights.Sum();
        for (int i = 0; i < values.Length; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return values[i];
            }
        }
        return values[^1];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Quote(string cell) => cell.Contains(',') ? "\"" + cell + "\"" : cell;
}
