using Microsoft.ML.Trainers.FastTree;

namespace JourneyML.Core.Prediction;

/// <summary>
/// Per-feature contributions for a random forest, computed from its trees: along the path a customer takes, each
/// split moves the expected output from the parent's value to the child's, and that move is credited to the split's
/// feature (the Saabas method; node values are the mean of the leaves below). Used for FastForest because ML.NET's
/// feature-contribution transform can hang on FastForest models (dotnet/machinelearning#5926, seen here too).
/// </summary>
internal sealed class ForestAttribution
{
    // The trees as plain arrays: ML.NET exposes them as read-only lists, and a live prediction walks every tree.
    private readonly int[][] _feature;
    private readonly float[][] _threshold;
    private readonly int[][] _left;
    private readonly int[][] _right;
    private readonly double[][] _leaf;
    private readonly double[][] _nodeValues;
    private readonly double[] _weights;

    public ForestAttribution(IReadOnlyList<RegressionTreeBase> trees, IReadOnlyList<double> weights)
    {
        var used = trees.Select((t, i) => (Tree: t, Weight: weights[i])).Where(x => x.Tree.NumberOfLeaves >= 2).ToList();
        _weights = [.. used.Select(x => x.Weight)];
        _nodeValues = [.. used.Select(x => NodeValues(x.Tree))];
        _feature = [.. used.Select(x => x.Tree.NumericalSplitFeatureIndexes.ToArray())];
        _threshold = [.. used.Select(x => x.Tree.NumericalSplitThresholds.ToArray())];
        _left = [.. used.Select(x => x.Tree.LeftChild.ToArray())];
        _right = [.. used.Select(x => x.Tree.RightChild.ToArray())];
        _leaf = [.. used.Select(x => x.Tree.LeafValues.ToArray())];
    }

    public static ForestAttribution From(FastForestBinaryModelParameters forest) =>
        new([.. forest.TrainedTreeEnsemble.Trees], forest.TrainedTreeEnsemble.TreeWeights);

    /// <summary>Adds each slot's contribution for this vector into <paramref name="contributions"/>.</summary>
    public void Explain(ReadOnlySpan<float> vector, Span<float> contributions)
    {
        for (int t = 0; t < _weights.Length; t++)
        {
            var values = _nodeValues[t];
            double weight = _weights[t];
            int[] features = _feature[t], left = _left[t], right = _right[t];
            float[] thresholds = _threshold[t];
            double[] leaves = _leaf[t];
            int node = 0;
            while (node >= 0)
            {
                int feature = features[node];
                int child = vector[feature] <= thresholds[node] ? left[node] : right[node];
                double childValue = child >= 0 ? values[child] : leaves[~child];
                contributions[feature] += (float)(weight * (childValue - values[node]));
                node = child;
            }
        }
    }

    /// <summary>The mean leaf value under every internal node.</summary>
    private static double[] NodeValues(RegressionTreeBase tree)
    {
        int internalNodes = Math.Max(tree.NumberOfLeaves - 1, 0);
        var sum = new double[internalNodes];
        var count = new int[internalNodes];
        (double Sum, int Count) Visit(int node)
        {
            if (node < 0)
            {
                return (tree.LeafValues[~node], 1);
            }
            var (ls, lc) = Visit(tree.LeftChild[node]);
            var (rs, rc) = Visit(tree.RightChild[node]);
            sum[node] = ls + rs;
            count[node] = lc + rc;
            return (sum[node], count[node]);
        }
        if (internalNodes > 0)
        {
            Visit(0);
        }
        return [.. sum.Select((s, i) => s / count[i])];
    }
}
