using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>
/// The same reasons in Japanese, for CS teams reading the lists in Japanese: the same facts as the English phrases
/// (the same feature values, the same choice of reasons), written as a Japanese CS team writes them ("直近30日のログイン
/// 6回（その前の30日は16回）"), numbers with their counters (回, 件, 日, 分, 人), the user's own column and category names
/// as they gave them, never a feature's code name, NaN or Infinity.
/// </summary>
public static partial class FactorText
{
    /// <summary>"（解約リスクを上げる要因）"; a score named by the user (a label column) keeps its name.</summary>
    public static string JapaneseDirection(PredictionTask task, bool raising, string? scoreWords = null)
    {
        string score = scoreWords is null || scoreWords == ScoreWords(task) ? (task == PredictionTask.Churn ? "解約リスク" : "リードスコア") : scoreWords;
        return $"（{score}を{(raising ? "上げる" : "下げる")}要因）";
    }

    /// <summary>The feature's value for this customer in Japanese words, without a direction.</summary>
    public static string DescribeJapanese(FeatureTable table, int row, string feature)
    {
        float value = Value(table, row, feature);
        return MissingJa(table, row, feature, value)
            ?? InterventionJa(feature, value)
            ?? LoginJa(table, row, feature, value)
            ?? SupportJa(table, row, feature, value)
            ?? ValueJa(table, row, feature, value)
            ?? EngagementJa(feature, value)
            ?? AccountJa(table, row, feature, value)
            ?? LifecycleJa(feature, value)
            ?? AttributeJa(table, row, feature, value)
            ?? CategoryJa(table, row, feature)
            ?? OwnColumnJa(table, feature, value);
    }

    private static string? MissingJa(FeatureTable table, int row, string feature, float value)
    {
        // The same features as the English phrase: a behaviour feature with no history before the as-of date.
        if (MissingPhrase(table, row, feature, value) is null)
        {
            return null;
        }
        float history = Value(table, row, FeatureNames.HistoryDays);
        string what = feature switch
        {
            _ when ReasonFacts.IsTrend(feature) && !(history >= 60) => "履歴が60日未満のため、30日ごとの推移はまだ出せません",
            FeatureNames.DaysSinceLastLogin => "まだログインがありません",
            FeatureNames.DaysSinceLastActivity => "まだ利用がありません",
            FeatureNames.DaysSinceLastPurchase => "まだ購入がありません",
            _ when feature.Contains("login", StringComparison.Ordinal) => "ログインの履歴がまだありません",
            _ when feature.Contains("ticket", StringComparison.Ordinal) || feature.Contains("escalation", StringComparison.Ordinal) => "サポート問い合わせの履歴がまだありません",
            _ when feature.Contains("usage", StringComparison.Ordinal) => "利用時間の記録がまだありません",
            _ when feature.StartsWith("account_", StringComparison.Ordinal) => "会社としての活動記録がまだありません",
            _ when feature.Contains("active", StringComparison.Ordinal) => "利用の履歴がまだありません",
            _ => "エンゲージメントの履歴がまだありません",
        };
        float tenure = Value(table, row, FeatureNames.TenureDays);
        return float.IsNaN(tenure) ? $"基準日までに{what}" : tenure < 1 ? $"{what}（登録から1日以内）" : $"{what}（登録から{Number(MathF.Floor(tenure))}日）";
    }

    /// <summary>An intervention feature in Japanese, with the kind as the export wrote it (「電話」の実施から12日).</summary>
    private static string? InterventionJa(string feature, float value)
    {
        if (!InterventionFeatures.TryParse(feature, out var kind, out bool isCount))
        {
            return null;
        }
        if (float.IsNaN(value))
        {
            return isCount ? $"「{kind}」の実施回数は不明" : $"基準日までに「{kind}」の実施なし";
        }
        return isCount
            ? $"直近90日の「{kind}」の実施 {Number(value)}回"
            : $"前回の「{kind}」の実施から{Number(MathF.Floor(value))}日";
    }

    private static string OwnColumnJa(FeatureTable table, string feature, float value)
    {
        string name = Spaced(feature);
        if (float.IsNaN(value))
        {
            return $"{name}の記録なし";
        }
        var level = table.Find(feature) is NumericColumn numeric && Quartiles(numeric) is var (low, high)
            ? value < low ? "（低め）" : value > high ? "（高め）" : ""
            : "";
        return $"{name} {Number(value)}{level}";
    }

    private static string? ValueJa(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.UsageTrend or FeatureNames.UsageMinutesPrev30d =>
            TrendJa(Value(table, row, FeatureNames.UsageMinutes30d), Value(table, row, FeatureNames.UsageMinutesPrev30d), "利用時間", "分"),
        FeatureNames.UsageMinutes30d => float.IsNaN(value) ? "利用時間の記録なし" : $"直近30日の利用時間 {Number(MathF.Round(value))}分",
        FeatureNames.UsageMinutes90d => float.IsNaN(value) ? "利用時間の記録なし" : $"直近90日の利用時間 {Number(MathF.Round(value))}分",
        FeatureNames.TicketSeverityMax90d => float.IsNaN(value) ? "直近90日に重要度つきの問い合わせなし" : $"直近90日の問い合わせの重要度は最大 {Number(value)}",
        FeatureNames.TicketSeverityMean90d => float.IsNaN(value) ? "直近90日に重要度つきの問い合わせなし" : $"直近90日の問い合わせの平均重要度 {Number(value)}",
        FeatureNames.WebinarMinutes90d => float.IsNaN(value) ? "ウェビナー視聴時間の記録なし" : $"直近90日のウェビナー視聴 {Number(value)}分",
        FeatureNames.WebinarMinutesMean90d => float.IsNaN(value) ? "直近90日のウェビナー視聴時間の記録なし" : $"直近90日のウェビナー1回あたりの平均視聴 {Number(value)}分",
        _ => ContentValueJa(feature, value),
    };

    /// <summary>The event kinds whose values a reason can name, in Japanese (the export's own unit is unknown here).</summary>
    private static string KindJa(EventKind kind) => kind switch
    {
        EventKind.PageView => "ページ閲覧",
        EventKind.EmailOpen => "メール開封",
        EventKind.EmailClick => "メールのクリック",
        EventKind.Download => "資料ダウンロード",
        EventKind.WebinarAttended => "ウェビナー参加",
        EventKind.CaseStudyView => "事例ページの閲覧",
        EventKind.ComparisonPageView => "比較ページの閲覧",
        EventKind.PricingPageView => "料金ページの閲覧",
        _ => "イベント",
    };

    private static string? ContentValueJa(string feature, float value)
    {
        foreach (var (kind, sum, mean) in FeatureNames.ContentValues)
        {
            if (feature != sum && feature != mean)
            {
                continue;
            }
            string what = KindJa(kind);
            return float.IsNaN(value) ? $"直近90日の{what}の値の記録なし"
                : feature == sum ? $"直近90日の{what}の値の合計 {Number(value)}"
                : $"直近90日の{what}の値の平均 {Number(value)}";
        }
        return null;
    }

    private static string? AttributeJa(FeatureTable table, int row, string feature, float value)
    {
        var column = table.Find(feature);
        if (column is null || !AttributeFeature.IsAttribute(column))
        {
            return null;
        }
        if (column is CategoricalColumn categorical)
        {
            return categorical.Values[row] is { } category ? $"{Spaced(feature)}は{Spaced(category)}" : $"{Spaced(feature)}の記録なし";
        }
        return OwnColumnJa(table, feature, value);
    }

    private static string? LoginJa(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.LoginTrend or FeatureNames.LoginsPrev30d =>
            TrendJa(Value(table, row, FeatureNames.Logins30d), Value(table, row, FeatureNames.LoginsPrev30d), "ログイン", "回"),
        FeatureNames.Logins7d => $"直近7日のログイン {Number(value)}回",
        FeatureNames.Logins30d => $"直近30日のログイン {Number(value)}回{BeforeJa(Value(table, row, FeatureNames.LoginsPrev30d), "回")}",
        FeatureNames.Logins90d => $"直近90日のログイン {Number(value)}回",
        FeatureNames.LoginRate90d => $"直近90日のログインは週 {Number(value)}回",
        FeatureNames.DaysSinceLastLogin => value < 1 ? "1日以内にログインあり" : $"{Number(MathF.Floor(value))}日間ログインなし",
        FeatureNames.DaysSinceLastActivity => value < 1 ? "1日以内に利用あり" : $"{Number(MathF.Floor(value))}日間利用なし",
        FeatureNames.DaysSinceLastPurchase => value < 1 ? "1日以内に購入あり" : $"{Number(MathF.Floor(value))}日間購入なし",
        FeatureNames.Purchases90d => value == 0 ? "直近90日の購入なし" : $"直近90日の購入 {Number(value)}回",
        FeatureNames.ActiveDays30d => $"直近30日のうち {Number(value)}日利用",
        FeatureNames.ActiveDays90d => $"直近90日のうち {Number(value)}日利用",
        _ => null,
    };

    private static string BeforeJa(float before, string counter) => float.IsNaN(before) ? "" : $"（その前の30日は{Number(before)}{counter}）";

    private static string? SupportJa(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.TicketTrend => TrendJa(Value(table, row, FeatureNames.Tickets30d), Value(table, row, FeatureNames.TicketsPrev30d), "サポート問い合わせ", "件"),
        FeatureNames.TicketsPrev30d => $"直近30日より前の30日間のサポート問い合わせ {Number(value)}件",
        FeatureNames.Tickets30d => $"直近30日のサポート問い合わせ {Number(value)}件",
        FeatureNames.Tickets90d => $"直近90日のサポート問い合わせ {Number(value)}件",
        FeatureNames.Escalations90d => $"直近90日のエスカレーション {Number(value)}件",
        _ => null,
    };

    private static string? EngagementJa(string feature, float value) => feature switch
    {
        FeatureNames.Content30d => value == 0 ? "直近30日のコンテンツ閲覧なし" : $"直近30日のコンテンツ閲覧 {Number(value)}回",
        FeatureNames.Content90d => value == 0 ? "直近90日のコンテンツ閲覧なし" : $"直近90日のコンテンツ閲覧 {Number(value)}回",
        FeatureNames.PageViews30d or FeatureNames.PageViews90d => $"直近{Window(feature)}日のページ閲覧 {Number(value)}回",
        FeatureNames.EmailOpens30d or FeatureNames.EmailOpens90d => $"直近{Window(feature)}日のメール開封 {Number(value)}件",
        FeatureNames.EmailClicks30d or FeatureNames.EmailClicks90d => $"直近{Window(feature)}日のメールのクリック {Number(value)}回",
        FeatureNames.Downloads90d => $"直近90日の資料ダウンロード {Number(value)}件（ホワイトペーパーなど）",
        FeatureNames.Webinars90d => value == 0 ? "直近90日のウェビナー参加なし" : $"直近90日のウェビナー参加 {Number(value)}回",
        FeatureNames.CaseStudyViews90d => $"直近90日の事例ページの閲覧 {Number(value)}回",
        FeatureNames.ComparisonViews90d => $"直近90日の比較ページの閲覧 {Number(value)}回",
        FeatureNames.PricingViews14d => $"直近14日の料金ページの閲覧 {Number(value)}回",
        FeatureNames.PricingViews90d => $"直近90日の料金ページの閲覧 {Number(value)}回",
        FeatureNames.SalesTouches90d => $"直近90日の営業との接点 {Number(value)}件（フォーム・商談・案件）",
        _ => null,
    };

    private static string? AccountJa(FeatureTable table, int row, string feature, float value) => feature switch
    {
        FeatureNames.AccountContacts => $"会社の担当者 {Number(value)}人",
        FeatureNames.AccountEngagedContacts30d => Value(table, row, FeatureNames.AccountContacts) is var contacts && float.IsNaN(contacts)
            ? $"直近30日に利用した会社の担当者 {Number(value)}人"
            : $"会社の担当者{Number(contacts)}人のうち直近30日に利用したのは{Number(value)}人",
        FeatureNames.AccountEngagedRoles30d => $"直近30日に動きのあった購買関与者の役割 {Number(value)}種類",
        FeatureNames.AccountDecisionMakerEngaged => value >= 0.5f ? "会社の意思決定者が関与しています" : "直近30日に会社の意思決定者の関与なし",
        _ => null,
    };

    private static string? LifecycleJa(string feature, float value) => feature switch
    {
        FeatureNames.TenureDays => value < 1 ? "登録から1日以内" : $"登録から{Number(MathF.Floor(value))}日",
        FeatureNames.DaysAsCustomer => float.IsNaN(value) ? "まだ有料顧客ではありません" : value < 1 ? "有料化から1日以内" : $"有料顧客になって{Number(MathF.Floor(value))}日",
        FeatureNames.HistoryDays => value < 1 ? "行動履歴は1日未満" : $"行動履歴 {Number(MathF.Floor(value))}日分",
        FeatureNames.IsNew => value >= 0.5f ? "新規（登録から30日未満）" : "登録から30日以上経過",
        FeatureNames.IsCustomer => value >= 0.5f ? "有料顧客" : "まだ有料顧客ではありません",
        FeatureNames.Reactivations => value >= 1 ? $"解約後に{Number(value)}回復帰" : "解約と復帰の履歴なし",
        _ => null,
    };

    private static string? CategoryJa(FeatureTable table, int row, string feature)
    {
        if (table.CategoriesOrNull(feature) is not { } categories)
        {
            return null;
        }
        var category = categories[row];
        return feature switch
        {
            FeatureNames.Plan => category is null ? "プランの記録なし" : $"プランは{Spaced(category)}",
            FeatureNames.Role => category is null ? "役割の記録なし" : $"役割は{RoleJapanese(category)}",
            FeatureNames.Region => category is null ? "地域の記録なし" : $"地域は{Code(category)}",
            _ => category is null ? $"{Spaced(feature)}の記録なし" : $"{Spaced(feature)}は{Spaced(category)}",
        };
    }

    /// <summary>
    /// A buying-group role in Japanese: a mapping turns the export's role names into JourneyML's (利用者 into "user"), so
    /// those read in the words a Japanese export uses for them; any other role as the export wrote it.
    /// </summary>
    public static string RoleJapanese(string role) => Roles.IsDecisionMaker(role) ? "決裁者" : role.ToLowerInvariant() switch
    {
        "finance" => "経理",
        "it" => "情報システム",
        "user" => "利用者",
        "admin" => "管理者",
        "champion" => "推進者",
        "procurement" => "購買",
        "legal" => "法務",
        "executive" => "経営層",
        _ => Spaced(role),
    };

    /// <summary>"ログインが前の30日より62%減少（16回 → 6回）".</summary>
    public static string TrendJa(float now, float before, string what, string counter)
    {
        string N(float v) => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + counter;
        if (!float.IsFinite(now) || !float.IsFinite(before))
        {
            return $"60日間の推移を見るには{what}の履歴がまだ足りません";
        }
        if (before == 0)
        {
            return now == 0 ? $"直近60日間{what}なし" : $"{what}が始まりました: 直近30日で{N(now)}（その前の30日はなし）";
        }
        double change = (now - before) / before;
        if (Math.Abs(change) < 0.05)
        {
            return $"{what}は横ばい（30日あたり {N(before)} → {N(now)}）";
        }
        return $"{what}が前の30日より{Math.Abs(change) * 100:0}%{(change < 0 ? "減少" : "増加")}（{N(before)} → {N(now)}）";
    }
}
