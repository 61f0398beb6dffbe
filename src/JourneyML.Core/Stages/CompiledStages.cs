using System.Runtime.CompilerServices;

namespace JourneyML.Core.Stages;

/// <summary>
/// A stage model's rules with every signal resolved to a column once, for evaluating millions of (customer, date)
/// rows: the same decisions as <see cref="StageModel.StageOf"/> (a test holds both to it), without a name lookup per
/// condition. Also tells when a score cannot change a row's stage, so timelines score only the rows where it can.
/// </summary>
internal sealed class CompiledStages
{
    private const int ChurnRisk = -1, LeadScore = -2, Status = -3;

    private readonly Condition[][][] _path;
    private readonly Condition[][][] _offPath;
    // Per stage, in the order of Names: the rules that keep a customer in it (its entry rules when it has no stay rules) and its minimum stay.
    private readonly Condition[][][] _stay;
    private readonly int[] _minDays;

    public CompiledStages(StageModel model)
    {
        if (!model.PathAvailable)
        {
            // A timeline of "no stage" is no journey: say why instead of drawing one.
            throw new InvalidInputException("no stage timeline can be built: " + string.Join("; ", model.Notes()));
        }
        Model = model;
        var signals = new List<string>();
        Condition[][][] Compile(IReadOnlyList<StageDefinition> stages) => [.. stages.Select(stage => stage.When
            .Select(rule => rule.Select(c => Resolve(c, signals)).ToArray()).ToArray())];
        _path = Compile(model.Path);
        _offPath = Compile(model.OffPath);
        var all = model.Path.Concat(model.OffPath).ToList();
        _stay = [.. all.Select(stage => (stage.Stay ?? stage.When).Select(rule => rule.Select(c => Resolve(c, signals)).ToArray()).ToArray())];
        _minDays = [.. all.Select(stage => stage.MinDays)];
        Signals = signals;
        Names = [.. model.Names];
        var read = _path.Concat(_offPath).Concat(_stay).SelectMany(s => s).SelectMany(r => r).Select(c => c.Signal).ToHashSet();
        ReadsChurnRisk = read.Contains(ChurnRisk);
        ReadsLeadScore = read.Contains(LeadScore);
    }

    public StageModel Model { get; }

    /// <summary>The features the rules read, in the order <see cref="StageOf"/> expects their columns.</summary>
    public IReadOnlyList<string> Signals { get; }

    /// <summary>Stage names: the path in order, then the off-path stages (the indexes <see cref="StageOf"/> returns).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether any rule reads the churn risk or the lead score.</summary>
    public bool ReadsChurnRisk { get; }
    public bool ReadsLeadScore { get; }

    /// <summary>The stage (index into <see cref="Names"/>) of one row: <paramref name="columns"/> aligned with <see cref="Signals"/>.</summary>
    public int StageOf(float[][] columns, int row, string? status, float churnRisk, float leadScore) =>
        StageOf(columns, row, status, churnRisk, leadScore, -1, 0);

    /// <summary>
    /// As <see cref="StageModel.StageOf(Func{string, float}, string?, string?, double)"/>: the row is in stage
    /// <paramref name="current"/> (an index into <see cref="Names"/>; -1: none) since <paramref name="daysIn"/> days.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs millions of times from the first call: no slow first tier
    public int StageOf(float[][] columns, int row, string? status, float churnRisk, float leadScore, int current, double daysIn)
    {
        var values = new Row(columns, row, status, churnRisk, leadScore);
        for (int s = 0; s < _offPath.Length; s++)
        {
            if (Held(_path.Length + s, _offPath[s], values, current, daysIn))
            {
                return _path.Length + s;
            }
        }
        int result = 0;
        for (int s = 1; s < _path.Length; s++)
        {
            if (Held(s, _path[s], values, current, daysIn))
            {
                result = s;
            }
        }
        return result;
    }

    private bool Held(int stage, Condition[][] entry, in Row values, int current, double daysIn) => stage == current
        ? daysIn < _minDays[stage] || Holds(_stay[stage], values)
        : Holds(entry, values);

    /// <summary>True when some churn risk (or lead score, for <paramref name="churn"/> false) could put the row in another stage than any other value would.</summary>
    public bool ScoreMatters(float[][] columns, int row, string? status, bool churn) => ScoreMatters(columns, row, status, churn, -1, 0);

    /// <inheritdoc cref="ScoreMatters(float[][], int, string?, bool)"/>
    /// <remarks>
    /// The rules are judged once with the score unknown (a condition on it may hold or not; the other score is missing,
    /// as it is on a row it is not computed for): the stage is settled when an off-path stage holds before any that
    /// depends on the score, or when no path stage above the highest that holds depends on it. Never false where some
    /// score would give another stage; true at worst for a row whose stage no score changes, which is then scored for nothing.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs millions of times from the first call: no slow first tier
    public bool ScoreMatters(float[][] columns, int row, string? status, bool churn, int current, double daysIn)
    {
        if (!(churn ? ReadsChurnRisk : ReadsLeadScore))
        {
            return false;
        }
        var values = new Row(columns, row, status, float.NaN, float.NaN);
        int unknown = churn ? ChurnRisk : LeadScore;
        for (int s = 0; s < _offPath.Length; s++)
        {
            var held = Held(_path.Length + s, _offPath[s], values, current, daysIn, unknown);
            if (held != Truth.No)
            {
                return held == Truth.Maybe;
            }
        }
        bool open = false;
        for (int s = 1; s < _path.Length; s++)
        {
            var held = Held(s, _path[s], values, current, daysIn, unknown);
            open = held == Truth.Maybe || (open && held == Truth.No);
        }
        return open;
    }

    private Truth Held(int stage, Condition[][] entry, in Row values, int current, double daysIn, int unknown) => stage == current
        ? daysIn < _minDays[stage] ? Truth.Yes : Holds(_stay[stage], values, unknown)
        : Holds(entry, values, unknown);

    /// <summary>Any rule holding, with conditions on the <paramref name="unknown"/> signal neither true nor false.</summary>
    private static Truth Holds(Condition[][] rules, in Row row, int unknown)
    {
        if (rules.Length == 0)
        {
            return Truth.Yes;
        }
        var any = Truth.No;
        foreach (var rule in rules)
        {
            var all = Truth.Yes;
            foreach (var condition in rule)
            {
                if (condition.Signal == unknown)
                {
                    all = Truth.Maybe;
                }
                else if (!Holds(condition, row))
                {
                    all = Truth.No;
                    break;
                }
            }
            if (all == Truth.Yes)
            {
                return Truth.Yes;
            }
            if (all == Truth.Maybe)
            {
                any = Truth.Maybe;
            }
        }
        return any;
    }

    private enum Truth : byte
    {
        No,
        Maybe,
        Yes,
    }

    private static Condition Resolve(StageCondition c, List<string> signals)
    {
        var op = c.Op switch
        {
            ">=" => Op.AtLeast,
            ">" => Op.Above,
            "<=" => Op.AtMost,
            "<" => Op.Below,
            "==" => Op.Equal,
            "!=" => Op.NotEqual,
            _ => Op.Never,
        };
        if (c.Signal == "status")
        {
            return new Condition(Status, op, 0, c.Value.GetString());
        }
        int signal = c.Signal switch
        {
            "churn_risk" => ChurnRisk,
            "lead_score" => LeadScore,
            _ => Index(signals, c.Signal),
        };
        return new Condition(signal, op, c.Value.GetDouble(), null);
    }

    private static int Index(List<string> signals, string name)
    {
        int i = signals.IndexOf(name);
        if (i < 0)
        {
            signals.Add(name);
            i = signals.Count - 1;
        }
        return i;
    }

    private static bool Holds(Condition[][] rules, in Row row)
    {
        if (rules.Length == 0)
        {
            return true;
        }
        foreach (var rule in rules)
        {
            bool all = true;
            foreach (var condition in rule)
            {
                if (!Holds(condition, row))
                {
                    all = false;
                    break;
                }
            }
            if (all)
            {
                return true;
            }
        }
        return false;
    }

    private static bool Holds(in Condition c, in Row row)
    {
        if (c.Signal == Status)
        {
            bool equal = string.Equals(row.Status, c.Status, StringComparison.OrdinalIgnoreCase);
            return c.Op == Op.NotEqual ? !equal : equal;
        }
        float value = c.Signal switch
        {
            ChurnRisk => row.ChurnRisk,
            LeadScore => row.LeadScore,
            _ => row.Columns[c.Signal][row.Index],
        };
        if (float.IsNaN(value))
        {
            return false; // unknown is never evidence for a stage
        }
        double target = c.Target;
        return c.Op switch
        {
            Op.AtLeast => value >= target,
            Op.Above => value > target,
            Op.AtMost => value <= target,
            Op.Below => value < target,
            Op.Equal => Math.Abs(value - target) < 1e-9,
            Op.NotEqual => Math.Abs(value - target) >= 1e-9,
            _ => false,
        };
    }

    private enum Op : byte
    {
        Never,
        AtLeast,
        Above,
        AtMost,
        Below,
        Equal,
        NotEqual,
    }

    private readonly record struct Condition(int Signal, Op Op, double Target, string? Status);

    private readonly record struct Row(float[][] Columns, int Index, string? Status, float ChurnRisk, float LeadScore);
}
