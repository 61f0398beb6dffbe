using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Registry;

/// <summary>Whether a model clears the promotion floor, and why (or why not) in one sentence.</summary>
public sealed record FloorCheck(bool Passed, string Reason, double AucLow, FeatureBaseline? Baseline)
{
    /// <summary>Holdout ROC AUC of the model minus its best single feature's; null without a baseline (and in versions written before it).</summary>
    public double? BaselineGap { get; init; }
    /// <summary>The gap's 95% interval by a paired bootstrap of the holdout (<see cref="HoldoutIntervals.AucDifference"/>).</summary>
    public Interval95? BaselineGapInterval { get; init; }
    /// <summary>
    /// True when the model passed but its lead over the best single feature is within noise (the gap's interval holds 0): it
    /// is served, and <see cref="Caveat"/> says in words that one column ranks about as well.
    /// </summary>
    public bool WithinNoiseOfBaseline { get; init; }
    /// <summary>"no better than logins_30d alone within noise: +0.02 [−0.03, 0.07]" when <see cref="WithinNoiseOfBaseline"/>; otherwise null.</summary>
    public string? Caveat { get; init; }
    /// <summary>The reason in Japanese (the same facts); null in versions written before it.</summary>
    public string? ReasonJapanese { get; init; }
    /// <summary>The caveat in Japanese; null where there is none or in versions written before it.</summary>
    public string? CaveatJapanese { get; init; }

    public string ReasonIn(ReasonLanguage language) => Sentence.In(language, Reason, ReasonJapanese);
}

/// <summary>A model that fails the floor: <paramref name="Withheld"/> from its version (not served), or served because the operator forced it.</summary>
public sealed record FloorFailure(PredictionTask Task, string Reason, bool Withheld = true)
{
    /// <summary>The reason in Japanese (<see cref="FloorCheck.ReasonJapanese"/>); the English where none was written.</summary>
    public string? ReasonJapanese { get; init; }

    /// <summary>The failure of a model's floor check: withheld, or served because the operator forced it.</summary>
    public static FloorFailure Of(PredictionTask task, FloorCheck floor, bool withheld) => new(task, floor.Reason, withheld) { ReasonJapanese = floor.ReasonJapanese };

    public Sentence Words => new(Reason, ReasonJapanese ?? Reason);
}

/// <summary>A trained model with its holdout intervals and its floor check.</summary>
public sealed record AssessedModel(ClassifierResult Result, HoldoutIntervals Intervals, string? HoldoutWarning, FloorCheck Floor);

/// <summary>
/// The promotion floor, below which a model is never promoted nor served without --force, whatever the champion. Two
/// tests, both on the holdout and both aware of its noise:
/// <list type="bullet">
/// <item>its holdout ROC AUC's 95% lower bound must be above 0.5, else the holdout cannot tell it from a coin toss;</item>
/// <item>it must not rank worse than its best single feature alone (<see cref="SingleFeatureBaseline"/>: chosen and
/// oriented on the training rows) beyond noise: the 95% interval of (model AUC − feature AUC), by a paired bootstrap of
/// the same holdout (whole accounts where accounts are shared), must not lie wholly below 0.</item>
/// </list>
/// Comparing point estimates instead withheld good models on noise: where one signal carries most of the label (days since
/// the last login, logins in 30 days) the model and that column differ by less than the holdout can resolve, and which is
/// ahead on one holdout is a coin toss (bench worlds' b2b-saas churn model, 0.754 against logins_30d's 0.774, a 240-row
/// lead table, a 20-positive account-grouped lead holdout). Requiring the model to win beyond noise would be the same
/// mistake the other way. So a model within noise of one column is served, and every output says so in words
/// (<see cref="FloorCheck.Caveat"/>): the CS lead then knows that a sorted column would rank about as well.
/// </summary>
public static class PromotionFloor
{
    public const double Chance = 0.5;

    /// <param name="phases">Where the time goes (the run's log); null: not measured.</param>
    public static AssessedModel Assess(FeatureTable table, ClassifierResult result, PhaseTimings? phases = null)
    {
        phases ??= new PhaseTimings();
        var labels = table.Labels[result.Model.Info.Label];
        var truth = result.HoldoutRows.Select(r => labels[r]).ToArray();
        var accounts = table.AccountIds is { } ids ? result.HoldoutRows.Select(r => ids[r]).ToArray() : null;
        var baseline = phases.Measure("single-feature baseline", () =>
            SingleFeatureBaseline.Scored(table, result.Model.Vectorizer.Features, labels, result.TrainRows, result.HoldoutRows));
        // One pass over the holdout's resamples (the ECE's interval is drawn on the same ones, ClassifierTraining): the gap
        // is measured on exactly the holdouts the AUC's interval was.
        var (intervals, gap) = phases.Measure("holdout bootstrap", () => HoldoutIntervals.WithBaseline(result.HoldoutPredictions,
            baseline?.HoldoutScores ?? [], truth, HoldoutIntervals.DefaultResamples, HoldoutIntervals.BootstrapSeed, accounts));
        return new AssessedModel(result, intervals, HoldoutIntervals.TooSmall(result.Holdout, intervals),
            Check(result.Holdout.Auc, intervals.Auc, baseline?.Baseline, gap));
    }

    /// <param name="gap">95% interval of (model AUC − baseline AUC) on the holdout; null without a baseline.</param>
    public static FloorCheck Check(double auc, Interval95 interval, FeatureBaseline? baseline, Interval95? gap)
    {
        var inv = CultureInfo.InvariantCulture;
        var measured = new Sentence(string.Create(inv, $"holdout ROC AUC {auc:F3} (95% CI {interval.Low:F2}–{interval.High:F2})"),
            string.Create(inv, $"ホールドアウトの ROC AUC {auc:F3}（95% 信頼区間 {interval.Low:F2}–{interval.High:F2}）"));
        double? point = baseline is { } pb ? auc - pb.HoldoutAuc : null;
        if (double.IsNaN(interval.Low) || interval.Low <= Chance)
        {
            return Verdict(false, new(string.Create(inv,
                $"{measured.English}: the interval's lower bound is at or below {Chance:F1}, so the holdout cannot tell this model from a coin toss"),
                string.Create(inv, $"{measured.Japanese}：区間の下限が {Chance:F1} 以下のため、ホールドアウトではこのモデルと偶然の当て推量を区別できません")), interval.Low, baseline)
                with { BaselineGap = point, BaselineGapInterval = gap };
        }
        if (baseline is not { } b)
        {
            return Verdict(true, new($"{measured.English} is above chance", $"{measured.Japanese}は偶然より上です"), interval.Low, null);
        }
        string directionJa = DirectionJapanese(b.Direction);
        var alone = new Sentence(string.Create(inv, $"{b.Feature} alone ({b.Direction}: holdout ROC AUC {b.HoldoutAuc:F3}, fitted on the training rows)"),
            string.Create(inv, $"{b.Feature} 単独（{directionJa}：ホールドアウトの ROC AUC {b.HoldoutAuc:F3}、学習データで当てはめ）"));
        string gapText = GapText(point!.Value, gap);
        if (gap is { } below && below.High < 0)
        {
            return Verdict(false, new($"{measured.English} is worse than {alone.English} beyond noise: model − feature {gapText}",
                $"{measured.Japanese}は、{alone.Japanese}よりばらつきを超えて劣ります：モデル − 特徴量 {gapText}"), interval.Low, baseline)
                with { BaselineGap = point, BaselineGapInterval = gap };
        }
        if (gap is { } g && g.Low > 0)
        {
            return Verdict(true, new($"{measured.English} is above chance and above the best single feature, {alone.English}, beyond noise: {gapText}",
                $"{measured.Japanese}は偶然より上で、最良の単一特徴量である{alone.Japanese}もばらつきを超えて上回ります：{gapText}"), interval.Low, baseline)
                with { BaselineGap = point, BaselineGapInterval = gap };
        }
        // Within noise (the gap's interval holds 0, or there is none): served, with the caveat in words.
        var caveat = new Sentence($"no better than {b.Feature} alone within noise: {gapText}", $"ばらつきの範囲では {b.Feature} 単独と差がありません：{gapText}");
        var reaches = new Sentence(string.Create(inv, $"{b.Feature} alone ({b.Direction}, fitted on the training rows) reaches holdout ROC AUC {b.HoldoutAuc:F3}"),
            string.Create(inv, $"{b.Feature} 単独（{directionJa}、学習データで当てはめ）でもホールドアウトの ROC AUC は {b.HoldoutAuc:F3} です"));
        return Verdict(true, new($"{measured.English} is above chance, but {caveat.English}; {reaches.English}",
            $"{measured.Japanese}は偶然より上ですが、{caveat.Japanese}。{reaches.Japanese}"), interval.Low, baseline)
            with { BaselineGap = point, BaselineGapInterval = gap, WithinNoiseOfBaseline = true, Caveat = caveat.English, CaveatJapanese = caveat.Japanese };
    }

    private static FloorCheck Verdict(bool passed, Sentence reason, double aucLow, FeatureBaseline? baseline) =>
        new(passed, reason.English, aucLow, baseline) { ReasonJapanese = reason.Japanese };

    /// <summary>The baseline's ranking direction ("higher values first, missing last") in Japanese.</summary>
    private static string DirectionJapanese(string direction) => direction
        .Replace("higher values first", "値が大きいほど上位", StringComparison.Ordinal)
        .Replace("lower values first", "値が小さいほど上位", StringComparison.Ordinal)
        .Replace(", missing first", "、欠損は先頭", StringComparison.Ordinal)
        .Replace(", missing last", "、欠損は末尾", StringComparison.Ordinal);

    /// <summary>"+0.02 [−0.03, 0.07]": the model's lead over the feature in ROC AUC with its 95% interval.</summary>
    private static string GapText(double point, Interval95? gap) =>
        Signed(point, plus: true) + (gap is { } g && !double.IsNaN(g.Low) ? $" [{Signed(g.Low, plus: false)}, {Signed(g.High, plus: false)}]" : "");

    private static string Signed(double value, bool plus)
    {
        string magnitude = Math.Abs(value).ToString("F2", CultureInfo.InvariantCulture);
        return Math.Round(value, 2) < 0 ? "−" + magnitude : (plus ? "+" : "") + magnitude;
    }
}

/// <summary>The warnings every output of a model version repeats (CLI summary, report, metadata readers, the API), in English or Japanese.</summary>
public static class ModelWarnings
{
    public static IReadOnlyList<string> Of(ModelMetadata m) => Of(m, ReasonLanguage.English);

    public static IReadOnlyList<string> Of(ModelMetadata m, ReasonLanguage language) => [.. Sentences(m).Select(s => s.In(language))];

    /// <summary>Each warning in both languages: the floor's recorded reasons (English in versions written before the Japanese) and the holdout's, rebuilt from its recorded facts.</summary>
    public static IReadOnlyList<Sentence> Sentences(ModelMetadata m)
    {
        var warnings = new List<Sentence>();
        bool conversion = m.Mode == TrainingMode.FeatureTable;
        foreach (var task in m.Withheld)
        {
            var (en, ja) = (TaskNames.Display(task.Task, m.Mode), Sentence.TaskJapanese(task.Task, conversion));
            warnings.Add(new($"the {en} model is not served: it fails the promotion floor: {task.Floor?.Reason}",
                $"{ja}モデルは提供されていません。昇格の下限を満たしません：{task.Floor?.ReasonIn(ReasonLanguage.Japanese)}"));
        }
        foreach (var task in new[] { m.Churn, m.Lead })
        {
            if (task?.Floor is { Passed: false } floor)
            {
                var (en, ja) = (TaskNames.Display(task.Task, m.Mode), Sentence.TaskJapanese(task.Task, conversion));
                warnings.Add(new($"the {en} model fails the promotion floor and is served only because it was forced (--force): {floor.Reason}",
                    $"{ja}モデルは昇格の下限を満たしませんが、強制（--force）されたため提供されています：{floor.ReasonIn(ReasonLanguage.Japanese)}"));
            }
        }
        foreach (var task in new[] { m.Churn, m.Lead }.Concat(m.Withheld))
        {
            if (task?.HoldoutWarning is { } small)
            {
                var ja = HoldoutIntervals.TooSmallSentence(task.Holdout, task.Intervals)?.Japanese ?? small;
                warnings.Add(new($"{TaskNames.Display(task.Task, m.Mode)} model: {small}", $"{Sentence.TaskJapanese(task.Task, conversion)}モデル：{ja}"));
            }
        }
        return warnings;
    }

    /// <summary>Whether a model of this version fails the floor (withheld, or forced through): the CLI's exit code says so.</summary>
    public static bool BelowFloor(ModelMetadata m) => m.Withheld.Count > 0 || new[] { m.Churn, m.Lead }.Any(t => t?.Floor is { Passed: false });
}
