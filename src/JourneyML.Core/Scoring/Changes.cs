using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Scoring;

/// <summary>
/// What changed since the previous snapshot, in English and in Japanese from the same facts: "risk up 0.31 since
/// 2026-06-24: logins in 30 days fell from 22 to 6" / "解約リスクは2026-06-24から0.31上昇：直近30日のログインが22回から6回に減少".
/// </summary>
internal static class Changes
{
    // The signals a CS team recognises, in the order they are worth mentioning, with their Japanese words and counter.
    private static readonly (string Feature, string Words, string Japanese, string Counter)[] Signals =
    [
        (FeatureNames.Logins30d, "logins in 30 days", "直近30日のログイン", "回"),
        (FeatureNames.Tickets30d, "tickets in 30 days", "直近30日のサポート問い合わせ", "件"),
        (FeatureNames.ActiveDays30d, "active days in 30", "直近30日の利用日数", "日"),
        (FeatureNames.Content30d, "content engagements in 30 days", "直近30日のコンテンツ接触", "回"),
        (FeatureNames.PricingViews14d, "pricing-page views in 14 days", "直近14日の料金ページ閲覧", "回"),
        (FeatureNames.DaysSinceLastLogin, "days since the last login", "最終ログインからの日数", "日"),
        (FeatureNames.AccountEngagedContacts30d, "engaged contacts in the account", "アカウント内で活動中の担当者", "人"),
        (FeatureNames.Escalations90d, "escalated tickets in 90 days", "直近90日のエスカレーション", "件"),
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One signal's move between the two snapshots.</summary>
    private sealed record Move(int Signal, float Then, float Now);

    public static void Apply(Snapshot current, Snapshot previous, FeatureTable table)
    {
        var before = new Dictionary<string, int>(previous.Count, StringComparer.Ordinal);
        for (int r = 0; r < previous.Count; r++)
        {
            before[previous.CustomerIds[r]] = r;
        }
        var japanese = current.ChangeReasonJapanese ?? new string[current.Count];
        for (int r = 0; r < current.Count; r++)
        {
            (current.ChangeReason[r], japanese[r]) = Reason(current, previous, r, before);
        }
    }

    /// <summary>The row's change reason in English and Japanese (and, where both snapshots score it, its change).</summary>
    private static (string English, string Japanese) Reason(Snapshot current, Snapshot previous, int r, Dictionary<string, int> before)
    {
        if (!before.TryGetValue(current.CustomerIds[r], out int p))
        {
            return ("new since the previous snapshot", "前回のスナップショットの後に加わった顧客");
        }
        bool isLead = !float.IsNaN(current.LeadScore[r]);
        float now = isLead ? current.LeadScore[r] : current.ChurnRisk[r];
        float then = isLead ? previous.LeadScore[p] : previous.ChurnRisk[p];
        if (float.IsNaN(now) || float.IsNaN(then))
        {
            var (from, to) = (previous.Status[p], current.Status[r]);
            return from == to ? ("", "") : ($"status changed from {from.Name()} to {to.Name()}", $"ステータスが{StatusJa(from)}から{StatusJa(to)}に変わりました");
        }
        float delta = now - then;
        current.Change[r] = delta;
        var moves = Signals.Select((s, i) => (s, i))
            .Where(x => current.FeatureValues.ContainsKey(x.s.Feature) && previous.FeatureValues.ContainsKey(x.s.Feature))
            .Select(x => new Move(x.i, previous.FeatureValues[x.s.Feature][p], current.FeatureValues[x.s.Feature][r]))
            .Where(m => !float.IsNaN(m.Now) && !float.IsNaN(m.Then) && Math.Abs(m.Now - m.Then) >= 1)
            .OrderByDescending(m => Math.Abs(m.Now - m.Then) / (Math.Abs(m.Then) + 1))
            .Take(2)
            .ToList();
        bool unchanged = Math.Abs(delta) < 0.005f;
        string size = Math.Abs(delta).ToString("0.00", Inv);
        string date = previous.AsOf.ToString("yyyy-MM-dd", Inv);
        string english = $"{(isLead ? "lead score" : "risk")} {(unchanged ? "unchanged" : $"{(delta > 0 ? "up" : "down")} {size}")} since {date}"
            + (moves.Count > 0 ? ": " + string.Join(", ", moves.Select(English)) : "");
        string ja = $"{(isLead ? "リードスコア" : "解約リスク")}は{date}から{(unchanged ? "ほぼ変わらず" : $"{size}{(delta > 0 ? "上昇" : "低下")}")}"
            + (moves.Count > 0 ? "：" + string.Join("、", moves.Select(Japanese)) : "");
        return (english, ja);
    }

    private static string English(Move m) =>
        $"{Signals[m.Signal].Words} {(m.Now < m.Then ? "fell" : "rose")} from {m.Then.ToString("0", Inv)} to {m.Now.ToString("0", Inv)}";

    private static string Japanese(Move m)
    {
        var (_, _, words, counter) = Signals[m.Signal];
        return $"{words}が{m.Then.ToString("0", Inv)}{counter}から{m.Now.ToString("0", Inv)}{counter}に{(m.Now < m.Then ? "減少" : "増加")}";
    }

    private static string StatusJa(CustomerStatus status) => status switch
    {
        CustomerStatus.Lead => "リード",
        CustomerStatus.Churned => "解約",
        _ => "顧客",
    };
}
