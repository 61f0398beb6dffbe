using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Scoring;

/// <summary>
/// The one order of every list and export: paying customers by churn risk (highest first), then leads by lead score
/// (highest first), then churned customers; within each, rows without a score after the scored ones, and ties by
/// customer id (ordinal), so the same snapshot always gives the same file. The CLI's snapshot CSV, its segment export,
/// and the API's churn-risk list and member lists all come from here.
/// </summary>
public static class RankedList
{
    /// <summary>Every row of the snapshot in list order.</summary>
    public static int[] All(Snapshot s) => Sorted(s, Enumerable.Range(0, s.Count));

    /// <summary>The rows of <paramref name="rows"/> in list order.</summary>
    public static int[] Sorted(Snapshot s, IEnumerable<int> rows)
    {
        var sorted = rows.ToArray();
        Array.Sort(sorted, (a, b) => Compare(s, a, b));
        return sorted;
    }

    /// <summary>The churn-risk list: the rows with a churn risk, highest first, ties by id (the first section of <see cref="All"/>).</summary>
    public static int[] ByChurnRisk(Snapshot s) => Sorted(s, Enumerable.Range(0, s.Count).Where(r => !float.IsNaN(s.ChurnRisk[r])));

    /// <summary>How many rows each section holds: the counts every list and export states.</summary>
    public static ListCounts Count(Snapshot s, IEnumerable<int> rows)
    {
        int customers = 0, leads = 0, churned = 0;
        foreach (int r in rows)
        {
            switch (s.Status[r])
            {
                case CustomerStatus.Customer: customers++; break;
                case CustomerStatus.Lead: leads++; break;
                default: churned++; break;
            }
        }
        return new ListCounts(customers, leads, churned);
    }

    private static int Compare(Snapshot s, int a, int b)
    {
        int bySection = Section(s.Status[a]).CompareTo(Section(s.Status[b]));
        if (bySection != 0)
        {
            return bySection;
        }
        int byScore = Descending(Score(s, a), Score(s, b));
        return byScore != 0 ? byScore : string.CompareOrdinal(s.CustomerIds[a], s.CustomerIds[b]);
    }

    private static int Section(CustomerStatus status) => status switch
    {
        CustomerStatus.Customer => 0,
        CustomerStatus.Lead => 1,
        _ => 2,
    };

    // The score a section is ranked by: churn risk for paying customers, lead score for leads; churned customers have neither.
    private static float Score(Snapshot s, int r) => s.Status[r] switch
    {
        CustomerStatus.Customer => s.ChurnRisk[r],
        CustomerStatus.Lead => s.LeadScore[r],
        _ => float.NaN,
    };

    private static int Descending(float x, float y) => (float.IsNaN(x), float.IsNaN(y)) switch
    {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => -1,
        _ => y.CompareTo(x),
    };
}

/// <summary>A list's rows by section: paying customers, leads, churned customers.</summary>
public sealed record ListCounts(int Customers, int Leads, int Churned)
{
    public int Total => Customers + Leads + Churned;

    /// <summary>"550 members: 28 paying customers, 507 leads, 15 churned" (the noun is the caller's).</summary>
    public string Describe(string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{Total:N0} {noun}: {Customers:N0} paying customers, {Leads:N0} leads, {Churned:N0} churned");
}
