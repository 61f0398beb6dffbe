using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Scoring;

/// <summary>What changed since the previous snapshot: "risk up 0.31 since 2026-06-24: logins fell from 22 to 6".</summary>
internal static class Changes
{
    // The signals a CS team recognises, in the order they are worth mentioning.
    private static readonly (string Feature, string Words)[] Signals =
    [
        (FeatureNames.Logins30d, "logins in 30 days"),
        (FeatureNames.Tickets30d, "tickets in 30 days"),
        (FeatureNames.ActiveDays30d, "active days in 30"),
        (FeatureNames.Content30d, "content engagements in 30 days"),
        (FeatureNames.PricingViews14d, "pricing-page views in 14 days"),
        (FeatureNames.DaysSinceLastLogin, "days since the last login"),
        (FeatureNames.AccountEngagedContacts30d, "engaged contacts in the account"),
        (FeatureNames.Escalations90d, "escalated tickets in 90 days"),
    ];

    public static void Apply(Snapshot current, Snapshot previous, FeatureTable table)
    {
        var before = new Dictionary<string, int>(previous.Count, StringComparer.Ordinal);
        for (int r = 0; r < previous.Count; r++)
        {
            before[previous.CustomerIds[r]] = r;
        }
        var inv = CultureInfo.InvariantCulture;
        for (int r = 0; r < current.Count; r++)
        {
            if (!before.TryGetValue(current.CustomerIds[r], out int p))
            {
                current.ChangeReason[r] = "new since the previous snapshot";
                continue;
            }
            bool isLead = !float.IsNaN(current.LeadScore[r]);
            float now = isLead ? current.LeadScore[r] : current.ChurnRisk[r];
            float then = isLead ? previous.LeadScore[p] : previous.ChurnRisk[p];
            if (float.IsNaN(now) || float.IsNaN(then))
            {
                current.ChangeReason[r] = current.Status[r] != previous.Status[p] ? $"status changed from {previous.Status[p].Name()} to {current.Status[r].Name()}" : "";
                continue;
            }
            float delta = now - then;
            current.Change[r] = delta;
            var what = isLead ? "lead score" : "risk";
            var moves = Signals
                .Where(s => current.FeatureValues.ContainsKey(s.Feature) && previous.FeatureValues.ContainsKey(s.Feature))
                .Select(s => (s.Words, Now: current.FeatureValues[s.Feature][r], Then: previous.FeatureValues[s.Feature][p]))
                .Where(m => !float.IsNaN(m.Now) && !float.IsNaN(m.Then) && Math.Abs(m.Now - m.Then) >= 1)
                .OrderByDescending(m => Math.Abs(m.Now - m.Then) / (Math.Abs(m.Then) + 1))
                .Take(2)
                .Select(m => $"{m.Words} {(m.Now < m.Then ? "fell" : "rose")} from {m.Then.ToString("0", inv)} to {m.Now.ToString("0", inv)}")
                .ToList();
            var direction = Math.Abs(delta) < 0.005f ? "unchanged" : $"{(delta > 0 ? "up" : "down")} {Math.Abs(delta).ToString("0.00", inv)}";
            current.ChangeReason[r] = $"{what} {direction} since {previous.AsOf:yyyy-MM-dd}" + (moves.Count > 0 ? ": " + string.Join(", ", moves) : "");
        }
    }
}
