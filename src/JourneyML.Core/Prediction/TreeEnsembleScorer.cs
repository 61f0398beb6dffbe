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
    private readonly int[][] _feature;
    private readonly float[][] _threshold;
    private readonly int[][] _left;
    private readonly int[][] _right;
    private readonly double[][] _leaf;
    /// <summary>Per tree and node: the slots of a categorical split, null for a numeric one (null for the tree when it has none).</summary>
    private readonly int[]?[]?[] _categorical;

    private TreeEnsembleScorer(IReadOnlyList<RegressionTreeBase> trees)
    {
        _feature = [.. trees.Select(t => t.NumericalSplitFeatureIndexes.ToArray())];
        _threshold = [.. trees.Select(t => t.NumericalSplitThresholds.ToArray())];
        _left = [.. trees.Select(t => t.LeftChild.ToArray())];
        _right = [.. trees.Select(t => t.RightChild.ToArray())];
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

    /// <summary>The raw score (ML.NET's Score column) of one feature vector.</summary>
    public float Score(ReadOnlySpan<float> vector)
    {
        double output = 0;
        for (int t = 0; t < _leaf.Length; t++)
        {
            var leaves = _leaf[t];
            output += leaves.Length == 1 ? leaves[0] : leaves[Leaf(t, vector)];
        }
        return (float)output;
    }

    private int Leaf(int t, ReadOnlySpan<float> vector)
    {
        int[] features = _feature[t], left = _left[t], right = _right[t];
        float[] thresholds = _threshold[t];
        var categorical = _categorical[t];
        int node = 0;
        while (node >= 0)
        {
            if (categorical?[node] is { } slots)
            {
                int next = left[node];
                foreach (int slot in slots)
                {
                    if (vector[slot] > 0f)
                    {
                        next = right[node];
                        break;
                    }
                }
                node = next;
            }
            else
            {
                node = vector[features[node]] <= thresholds[node] ? left[node] : right[node];
            }
        }
        return ~node;
    }
}
