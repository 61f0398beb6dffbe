using JourneyML.Core.Features;

namespace JourneyML.Core.Segmentation;

/// <summary>
/// The segment names in Japanese, for CS and marketing teams reading the workspace in Japanese: the same facts as the
/// English names (the same features, the same choice and number of phrases), written as a Japanese team names a group
/// (「ログイン増加・コンテンツ少なめ」), the user's own column and category names as they gave them.
/// </summary>
internal static partial class SegmentProfiles
{
    /// <summary>A feature's words in Japanese: above the population, moderately above it (the English "regular"), below it.</summary>
    internal sealed record JapaneseWording(string High, string Regular, string Low);

    private static readonly JapaneseWording s_loginsJa = new("ログイン多め", "ログインやや多め", "ログイン少なめ");
    private static readonly JapaneseWording s_activeJa = new("ほぼ毎日利用", "ほぼ毎日利用", "利用はまれ");
    private static readonly JapaneseWording s_ticketsJa = new("問い合わせ多め", "問い合わせ多め", "問い合わせ少なめ");
    private static readonly JapaneseWording s_contentJa = new("コンテンツをよく閲覧", "コンテンツをよく閲覧", "コンテンツ少なめ");

    // One entry for every feature of the English table (a test holds the two tables to each other).
    internal static readonly Dictionary<string, JapaneseWording> s_wordingJa = new(StringComparer.OrdinalIgnoreCase)
    {
        [FeatureNames.Logins7d] = s_loginsJa,
        [FeatureNames.Logins30d] = s_loginsJa,
        [FeatureNames.LoginsPrev30d] = s_loginsJa,
        [FeatureNames.Logins90d] = s_loginsJa,
        [FeatureNames.LoginRate90d] = s_loginsJa,
        [FeatureNames.ActiveDays30d] = s_activeJa,
        [FeatureNames.ActiveDays90d] = s_activeJa,
        [FeatureNames.LoginTrend] = new("ログイン増加", "ログイン増加", "ログイン減少"),
        [FeatureNames.DaysSinceLastLogin] = new("最終ログインから長期間", "最終ログインから長期間", "最近ログインあり"),
        [FeatureNames.DaysSinceLastActivity] = new("長期間利用なし", "長期間利用なし", "最近利用あり"),
        [FeatureNames.Tickets30d] = s_ticketsJa,
        [FeatureNames.TicketsPrev30d] = s_ticketsJa,
        [FeatureNames.Tickets90d] = s_ticketsJa,
        [FeatureNames.Escalations90d] = new("エスカレーションあり", "エスカレーションあり", "問い合わせ少なめ"),
        [FeatureNames.TicketTrend] = new("問い合わせ増加", "問い合わせ増加", "問い合わせ減少"),
        [FeatureNames.Content30d] = s_contentJa,
        [FeatureNames.Content90d] = s_contentJa,
        [FeatureNames.PageViews30d] = s_contentJa,
        [FeatureNames.PageViews90d] = s_contentJa,
        [FeatureNames.EmailOpens30d] = new("メールをよく開封", "メールをよく開封", "メールに反応なし"),
        [FeatureNames.EmailOpens90d] = new("メールをよく開封", "メールをよく開封", "メールに反応なし"),
        [FeatureNames.EmailClicks30d] = new("メールをよくクリック", "メールをよくクリック", "メールに反応なし"),
        [FeatureNames.EmailClicks90d] = new("メールをよくクリック", "メールをよくクリック", "メールに反応なし"),
        [FeatureNames.Downloads90d] = new("資料ダウンロードあり", "資料ダウンロードあり", "ダウンロードなし"),
        [FeatureNames.Webinars90d] = new("ウェビナー参加あり", "ウェビナー参加あり", "ウェビナー参加なし"),
        [FeatureNames.CaseStudyViews90d] = new("導入事例を閲覧", "導入事例を閲覧", "情報収集少なめ"),
        [FeatureNames.ComparisonViews90d] = new("他社と比較検討中", "他社と比較検討中", "情報収集少なめ"),
        [FeatureNames.PricingViews14d] = new("料金ページを閲覧", "料金ページを閲覧", "料金ページはほぼ見ない"),
        [FeatureNames.PricingViews90d] = new("料金ページを閲覧", "料金ページを閲覧", "料金ページはほぼ見ない"),
        [FeatureNames.SalesTouches90d] = new("営業とやり取り中", "営業とやり取り中", "営業接点なし"),
        [FeatureNames.TenureDays] = new("長期利用", "長期利用", "登録まもない"),
        [FeatureNames.IsCustomer] = new("有料顧客", "有料顧客", "リード"),
    };

    internal const string NoLoginsJa = "ログインなし";
    internal const string TypicalJa = "標準的な行動";

    /// <summary>The features the English table words (for the test that every one has a Japanese mirror).</summary>
    internal static IEnumerable<string> WordedFeatures => s_wording.Keys;

    /// <summary>A user's own numeric column, named as they gave it: 「月額料金が高め」.</summary>
    internal static JapaneseWording OwnColumnJa(string column) => new($"{column}が高め", $"{column}がやや高め", $"{column}が低め");

    /// <summary>A level of a user's own categorical column: 「プラン：エンタープライズ」.</summary>
    internal static string LevelJa(string column, string level) => $"{column}：{level}";

    /// <summary>The Japanese phrase for the choice the English one made: high, moderately high ("regular ...") or low.</summary>
    private static string PhraseJa(string feature, double z, bool regular, bool noLogins)
    {
        if (noLogins)
        {
            return NoLoginsJa;
        }
        var wording = s_wordingJa.GetValueOrDefault(feature) ?? OwnColumnJa(feature);
        return z > 0 ? (regular ? wording.Regular : wording.High) : wording.Low;
    }

    private static string JoinJa(IEnumerable<Trait> phrases) => string.Join("・", phrases.Select(p => p.PhraseJa));

    /// <summary>「（2つ目のグループ）」: the English suffix's ordinal, in Japanese.</summary>
    private static string SuffixJa(int ordinal) => $"（{ordinal}つ目のグループ）";
}
