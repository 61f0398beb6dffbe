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
    private readonly float[] _churnCandidates;
    private readonly float[] _leadCandidates;

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
        _churnCandidates = Candidates(ChurnRisk);
        _leadCandidates = Candidates(LeadScore);
    }

    public StageModel Model { get; }

    /// <summary>The features the rules read, in the order <see cref="StageOf"/> expects their columns.</summary>
    public IReadOnlyList<string> Signals { get; }

    /// <summary>Stage names: the path in order, then the off-path stages (the indexes <see cref="StageOf"/> returns).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether any rule reads the churn risk or the lead score.</summary>
    public bool ReadsChurnRisk => _churnCandidates.Length > 1;
    public bool ReadsLeadScore => _leadCandidates.Length > 1;

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
    public bool ScoreMatters(float[][] columns, int row, string? status, bool churn, int current, double daysIn)
    {
        var candidates = churn ? _churnCandidates : _leadCandidates;
        if (candidates.Length <= 1)
        {
            return false;
        }
        int first = churn ? StageOf(columns, row, status, candidates[0], float.NaN, current, daysIn) : StageOf(columns, row, status, float.NaN, candidates[0], current, daysIn);
        for (int i = 1; i < candidates.Length; i++)
        {
            int stage = churn ? StageOf(columns, row, status, candidates[i], float.NaN, current, daysIn) : StageOf(columns, row, status, float.NaN, candidates[i], current, daysIn);
            if (stage != first)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// One value of the score from every stretch between the thresholds the rules compare it with (and missing): a
    /// condition's truth only changes at a threshold, so a stage that is the same for all of them is the same for any score.
    /// </summary>
    private float[] Candidates(int score)
    {
        var values = new SortedSet<float>();
        foreach (var condition in _path.Concat(_offPath).Concat(_stay).SelectMany(s => s).SelectMany(r => r).Where(c => c.Signal == score))
        {
            float near = (float)condition.Target;
            values.Add(MathF.BitDecrement(near));
            values.Add(near);
            values.Add(MathF.BitIncrement(near));
            // The equality tolerance puts two more thresholds around the target.
            values.Add(MathF.BitDecrement((float)(condition.Target - 1e-9)));
            values.Add(MathF.BitIncrement((float)(condition.Target + 1e-9)));
        }
        return values.Count == 0 ? [float.NaN] : [float.NaN, .. values];
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
