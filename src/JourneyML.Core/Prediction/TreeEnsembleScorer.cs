using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace JourneyML.Core.Prediction;

/// <summary>
/// The raw score of a tree ensemble (LightGbm, FastTree, FastForest) walked from its trees as plain arrays: the value
/// ML.NET's own scoring gives, bit for bit (a test holds both to it), without a data view, a row object and a vector
/// allocated per row. Stage timelines score millions of (customer, date) rows, and ML.NET's row plumbing was most of
/// that cost.
/// </summary>
/// <remarks>
/// As ML.NET does on a dense vector: at each node the value goes to the left child when it is at most the threshold
/// (a categorical split goes right when any of its slots is above 0); the leaf values are summed in tree order in
/// double and the sum is rounded to float once. The vectorizer replaces missing values, so no NaN reaches a tree.
/// </remarks>
internal sealed class TreeEnsembleScorer
{
    /// <summary>Rows scored together: each tree walks all of them while its nodes are in the cache.</summary>
    public const int Chunk = 128;

    /// <summary>Per tree, its nodes packed (one cache line holds several).</summary>
    private readonly Node[][] _nodes;
    /// <summary>Per tree, node i's children at 2i (at most the threshold) and 2i + 1 (above it); a child below 0 is leaf ~child.</summary>
    private readonly int[][] _children;
    private readonly double[][] _leaf;
    /// <summary>Per tree and node: the slots of a categorical split, null for a numeric one (null for the tree when it has none).</summary>
    private readonly int[]?[]?[] _categorical;

    private TreeEnsembleScorer(IReadOnlyList<RegressionTreeBase> trees)
    {
        _nodes = [.. trees.Select(t => Enumerable.Range(0, t.NumberOfNodes)
            .Select(n => new Node(t.NumericalSplitFeatureIndexes[n], t.NumericalSplitThresholds[n], t.LeftChild[n], t.RightChild[n])).ToArray())];
        _children = [.. trees.Select(t => Enumerable.Range(0, t.NumberOfNodes).SelectMany(n => new[] { t.LeftChild[n], t.RightChild[n] }).ToArray())];
        _leaf = [.. trees.Select(t => t.LeafValues.ToArray())];
        _categorical = [.. trees.Select(t => t.CategoricalSplitFlags.Any(f => f)
            ? t.CategoricalSplitFlags.Select((f, node) => f ? t.GetCategoricalSplitFeaturesAt(node).ToArray() : null).ToArray()
            : null)];
    }

    /// <summary>The scorer for a model whose only step is a tree ensemble's predictor; null for any other model (ML.NET scores those).</summary>
    public static TreeEnsembleScorer? For(IReadOnlyList<ITransformer> steps)
    {
        if (steps.Count != 1)
        {
            return null;
        }
        IReadOnlyList<RegressionTreeBase>? trees = steps[0] switch
        {
            ISingleFeaturePredictionTransformer<FastForestBinaryModelParameters> p => p.Model.TrainedTreeEnsemble.Trees,
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> p => p.Model.SubModel.TrainedTreeEnsemble.Trees,
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> p => p.Model.SubModel.TrainedTreeEnsemble.Trees,
            _ => null,
        };
        return trees is null ? null : new TreeEnsembleScorer(trees);
    }

    /// <summary>
    /// The raw scores of up to <see cref="Chunk"/> vectors laid end to end, <paramref name="width"/> each; tree by tree,
    /// so each row's leaf values still add up in tree order (the same sums, bit for bit).
    /// </summary>
    public void Score(ReadOnlySpan<float> vectors, int width, Span<float> scores)
    {
        int count = scores.Length;
        Span<double> sums = stackalloc double[count];
        sums.Clear();
        for (int t = 0; t < _leaf.Length; t++)
        {
            var leaves = _leaf[t];
            if (leaves.Length == 1)
            {
                for (int i = 0; i < count; i++)
                {
                    sums[i] += leaves[0];
                }
                continue;
            }
            var nodes = _nodes[t];
            var categorical = _categorical[t];
            int r = 0;
            if (categorical is null)
            {
                // Four rows down the tree at once: a walk is a chain of dependent loads, and four chains overlap.
                for (; r + 4 <= count; r += 4)
                {
                    var (a, b, c, d) = Leaves(nodes, _children[t], vectors, r, width);
                    sums[r] += leaves[a];
                    sums[r + 1] += leaves[b];
                    sums[r + 2] += leaves[c];
                    sums[r + 3] += leaves[d];
                }
            }
            for (; r < count; r++)
            {
                var vector = vectors.Slice(r * width, width);
                sums[r] += leaves[categorical is null ? Leaf(nodes, vector) : Leaf(nodes, categorical, vector)];
            }
        }
        for (int i = 0; i < count; i++)
        {
            scores[i] = (float)sums[i];
        }
    }

    private static (int, int, int, int) Leaves(Node[] nodes, int[] children, ReadOnlySpan<float> vectors, int r, int width)
    {
        ReadOnlySpan<float> va = vectors.Slice(r * width, width), vb = vectors.Slice((r + 1) * width, width),
            vc = vectors.Slice((r + 2) * width, width), vd = vectors.Slice((r + 3) * width, width);
        int a = 0, b = 0, c = 0, d = 0;
        // Until all four reach a leaf (a negative index): the ones already there wait.
        while ((a & b & c & d) >= 0)
        {
            a = a >= 0 ? Step(nodes, children, a, va) : a;
            b = b >= 0 ? Step(nodes, children, b, vb) : b;
            c = c >= 0 ? Step(nodes, children, c, vc) : c;
            d = d >= 0 ? Step(nodes, children, d, vd) : d;
        }
        return (~a, ~b, ~c, ~d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(Node[] nodes, int[] children, int node, ReadOnlySpan<float> vector)
    {
        // The side as an index, not a branch: which way a customer goes is data, and a mispredicted branch costs more than the load.
        ref readonly var n = ref nodes[node];
        return children[2 * node + (vector[n.Feature] <= n.Threshold ? 0 : 1)];
    }

    private static int Leaf(Node[] nodes, ReadOnlySpan<float> vector)
    {
        int node = 0;
        while (node >= 0)
        {
            ref readonly var n = ref nodes[node];
            node = vector[n.Feature] <= n.Threshold ? n.Left : n.Right;
        }
        return ~node;
    }

    private static int Leaf(Node[] nodes, int[]?[] categorical, ReadOnlySpan<float> vector)
    {
        int node = 0;
        while (node >= 0)
        {
            ref readonly var n = ref nodes[node];
            if (categorical[node] is { } slots)
            {
                int next = n.Left;
                foreach (int slot in slots)
                {
                    if (vector[slot] > 0f)
                    {
                        next = n.Right;
                        break;
                    }
                }
                node = next;
            }
            else
            {
                node = vector[n.Feature] <= n.Threshold ? n.Left : n.Right;
            }
        }
        return ~node;
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
}
