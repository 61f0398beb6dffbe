using System.Runtime.CompilerServices;

namespace JourneyML.Core.Scoring;

/// <summary>An account's place in the account list: its churn risk (its riskiest paying contact's, as <see cref="AccountRollup"/> has it).</summary>
public sealed record RankedAccount(string AccountId, float ChurnRisk, int PayingContacts);

/// <summary>
/// The accounts of the latest snapshot ranked by account churn risk (highest first, ties by id): the list a CS team works
/// account by account. Only accounts with at least one paying contact have a churn risk and are listed. Built once per
/// snapshot and kept with it; a page's roll-ups (engaged contacts, decision-maker) are computed for the accounts shown.
/// </summary>
public static class AccountRanking
{
    private static readonly ConditionalWeakTable<SnapshotView, RankedAccount[]> s_cache = [];

    public static IReadOnlyList<RankedAccount> Of(SnapshotView view) => s_cache.GetValue(view, Build);

    private static RankedAccount[] Build(SnapshotView view)
    {
        var s = view.Latest;
        var ranked = new List<RankedAccount>(view.Accounts.Count);
        foreach (var account in view.Accounts)
        {
            float max = float.NaN;
            int paying = 0;
            foreach (int r in view.AccountRows(account))
            {
                if (!float.IsNaN(s.ChurnRisk[r]))
                {
                    paying++;
                    max = float.IsNaN(max) ? s.ChurnRisk[r] : Math.Max(max, s.ChurnRisk[r]);
                }
            }
            if (paying > 0)
            {
                ranked.Add(new RankedAccount(account, max, paying));
            }
        }
        ranked.Sort((a, b) => b.ChurnRisk.CompareTo(a.ChurnRisk) is var c && c != 0 ? c : string.CompareOrdinal(a.AccountId, b.AccountId));
        return [.. ranked];
    }
}
