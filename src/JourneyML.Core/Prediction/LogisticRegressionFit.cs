using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace JourneyML.Core.Prediction;

/// <summary>
/// Training rows laid end to end: one row-major buffer of n x width feature values and one 0/1 label a row, so a pass over
/// the data reads memory in order instead of one array (or one ML.NET row) per customer.
/// </summary>
internal sealed class TrainingMatrix
{
    public TrainingMatrix(float[] values, float[] labels, int width)
    {
        if (width < 1 || values.Length != labels.Length * width)
        {
            throw new ArgumentException($"{values.Length} values are not {labels.Length} rows of {width}");
        }
        Values = values;
        Labels = labels;
        Width = width;
    }

    public float[] Values { get; }
    /// <summary>1 for a positive row, 0 otherwise.</summary>
    public float[] Labels { get; }
    public int Width { get; }
    public int Rows => Labels.Length;

    public ReadOnlySpan<float> Row(int r) => Values.AsSpan(r * Width, Width);

    /// <summary>The given table rows, each vector written in place by <paramref name="vector"/>.</summary>
    public static TrainingMatrix Build(IReadOnlyList<int> rows, int width, float[] labels, Action<int, Span<float>> vector)
    {
        var values = new float[rows.Count * width];
        var y = new float[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            vector(rows[i], values.AsSpan(i * width, width));
            y[i] = labels[rows[i]] > 0.5f ? 1 : 0;
        }
        return new TrainingMatrix(values, y, width);
    }

    /// <summary>The Label and Features columns of a data view, read once (callers that only hold a view: the survival model's).</summary>
    public static TrainingMatrix FromView(IDataView view)
    {
        var features = view.Schema["Features"];
        var label = view.Schema["Label"];
        int width = features.Type is VectorDataViewType { Size: > 0 } vector
            ? vector.Size
            : throw new ArgumentException("the training rows' Features column is not a vector of known width");
        var values = new List<float>();
        var labels = new List<float>();
        using var cursor = view.GetRowCursor([features, label]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = cursor.GetGetter<bool>(label);
        VBuffer<float> buffer = default;
        bool positive = false;
        var dense = new float[width];
        while (cursor.MoveNext())
        {
            getFeatures(ref buffer);
            getLabel(ref positive);
            buffer.CopyTo(dense);
            values.AddRange(dense);
            labels.Add(positive ? 1 : 0);
        }
        return new TrainingMatrix([.. values], [.. labels], width);
    }
}

/// <summary>
/// A fitted logistic regression on the raw (unnormalised) vector: score = bias + weights . x, the normaliser it was fitted
/// through folded into the weights.
/// </summary>
internal sealed record LinearWeights(float[] Weights, float Bias)
{
    public float Score(ReadOnlySpan<float> vector) => Bias + LogisticRegressionFit.Dot(vector, Weights);

    /// <summary>Mean log loss of the logistic of the score (clamped as the sweep's validation loss always was).</summary>
    public double LogLoss(TrainingMatrix data)
    {
        double loss = 0;
        for (int r = 0; r < data.Rows; r++)
        {
            double p = Math.Clamp(1 / (1 + Math.Exp(-Score(data.Row(r)))), 1e-7, 1 - 1e-7);
            loss -= data.Labels[r] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }
        return loss / Math.Max(1, data.Rows);
    }

    /// <summary>
    /// The same model as ML.NET's own L-BFGS trainer returns it: a binary prediction transformer over a linear model with its
    /// fixed Platt link (slope -1), so saving, loading, scoring, prediction engines and ML.NET's feature contributions
    /// (weight x value) work on it unchanged and a saved model is an ordinary ML.NET model. ML.NET 5.0.1 keeps these
    /// constructors internal; the alternative, a second model format beside ML.NET's with its own scoring and explanation
    /// paths, would duplicate the whole model lifecycle. A test holds the built model to the weights (scores, contributions,
    /// a save and load), so a change of ML.NET's internals fails there, not in service.
    /// </summary>
    public ITransformer ToTransformer(MLContext ml)
    {
        var buffer = new VBuffer<float>(Weights.Length, (float[])Weights.Clone());
        var linear = (LinearBinaryModelParameters)MlNetConstructors.Linear.Invoke([ml, buffer, Bias, null]);
        var platt = (PlattCalibrator)MlNetConstructors.Platt.Invoke([ml, -1.0, 0.0]);
        var calibrated = MlNetConstructors.Calibrated.Invoke([ml, linear, platt]);
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<VectorRow>(), VectorData.Schema(Weights.Length)).Schema;
        return (ITransformer)MlNetConstructors.Transformer.Invoke([ml, calibrated, schema, "Features", 0f, "Score"]);
    }

    /// <summary>ML.NET's internal constructors, found once by their parameter types.</summary>
    private static class MlNetConstructors
    {
        public static readonly ConstructorInfo Linear = Find(typeof(LinearBinaryModelParameters),
            typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float), typeof(ModelStatisticsBase));

        public static readonly ConstructorInfo Platt = Find(typeof(PlattCalibrator), typeof(IHostEnvironment), typeof(double), typeof(double));

        public static readonly ConstructorInfo Calibrated = Find(
            typeof(PlattCalibrator).Assembly.GetType("Microsoft.ML.Calibrators.ParameterMixingCalibratedModelParameters`2", throwOnError: true)!
                .MakeGenericType(typeof(LinearBinaryModelParameters), typeof(PlattCalibrator)),
            typeof(IHostEnvironment), typeof(LinearBinaryModelParameters), typeof(PlattCalibrator));

        public static readonly ConstructorInfo Transformer = Find(typeof(BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>),
            typeof(IHostEnvironment), typeof(CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>), typeof(DataViewSchema),
            typeof(string), typeof(float), typeof(string));

        private static ConstructorInfo Find(Type type, params Type[] parameters) =>
            type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, parameters, null)
            ?? throw new MissingMethodException($"{type.Name} has no constructor ({string.Join(", ", parameters.Select(p => p.Name))}) in this ML.NET version");
    }
}

/// <summary>
/// L2-regularised (optionally elastic-net) logistic regression by L-BFGS, the objective of ML.NET's LbfgsLogisticRegression as the linear candidate
/// used it: mean log loss + L2 / (2n) |w|^2 on features scaled as ML.NET's mean-variance normaliser scales them (divided by
/// their root mean square, offset kept at zero; a constant feature scaled to 0), the bias unpenalised; the same minimum as
/// scikit-learn's LogisticRegression with C = 1 / L2. Every pass over the rows is split into fixed chunks of
/// <see cref="ChunkRows"/> rows, summed in double per chunk and reduced in chunk order on every core, so the fitted weights
/// are the same bit for bit on any number of cores. ML.NET's trainer built its rows one by one through a data view and
/// read them so on every iteration; here a pass is a fused multiply-add per value over one contiguous buffer.
/// </summary>
internal static class LogisticRegressionFit
{
    /// <summary>Rows per chunk of a pass: fixed, so the sums (and the weights) do not depend on the number of cores.</summary>
    public const int ChunkRows = 2048;

    /// <summary>Pairs of past steps the inverse-Hessian estimate keeps (ML.NET's default memory).</summary>
    private const int History = 20;

    /// <summary>Stop when the loss improves by less than this, relative, per iteration over the last <see cref="Window"/> (ML.NET's default tolerance and criterion).</summary>
    private const double Tolerance = 1e-7;

    private const int Window = 5;
    private const int MaxIterations = 1000;

    /// <param name="threads">Cores to use; the result is the same for any value.</param>
    public static LinearWeights Fit(TrainingMatrix data, double l2, int threads = 0) => Fit(data, l2, l1: 0, threads);

    /// <summary>
    /// The elastic net: the same objective plus L1 / n |w|_1 on the scaled weights (ML.NET's L1Regularization, which its
    /// trainer divides by the row count too), the bias unpenalised. The L1 term drives the weights of features that do not
    /// pay for themselves to exactly zero. Fitted by orthant-wise L-BFGS (OWL-QN, Andrew and Gao 2007), the method ML.NET's
    /// trainer uses for an L1 term; with <paramref name="l1"/> 0 it is the plain L-BFGS, step for step.
    /// </summary>
    public static LinearWeights Fit(TrainingMatrix data, double l2, double l1, int threads = 0)
    {
        if (data.Rows == 0)
        {
            throw new ArgumentException("no rows to fit a logistic regression on");
        }
        if (!(l1 >= 0) || !(l2 >= 0))
        {
            throw new ArgumentException($"penalties must be zero or more (L1 {l1}, L2 {l2})");
        }
        var problem = new Objective(data, l2, threads <= 0 ? Environment.ProcessorCount : threads);
        var theta = Minimise(problem, l1 / data.Rows);
        int d = data.Width;
        var weights = new float[d];
        for (int j = 0; j < d; j++)
        {
            weights[j] = (float)(theta[j] * problem.Scale[j]);
        }
        return new LinearWeights(weights, (float)theta[d]);
    }

    /// <summary>
    /// L-BFGS with a backtracking (Armijo) line search: the smooth loss is strictly convex, so every accepted step's curvature
    /// pair is positive. With an L1 term (<paramref name="l1"/> per weight, already divided by the rows) it is OWL-QN: the
    /// direction follows the pseudo-gradient (the steepest descent of the non-smooth objective), is kept within the orthant
    /// that gradient points to, and every trial point is projected back onto that orthant (a weight that would cross zero
    /// stays at zero); the curvature pairs come from the smooth part alone.
    /// </summary>
    private static double[] Minimise(Objective problem, double l1)
    {
        int p = problem.Parameters, d = p - 1;
        var theta = new double[p];
        var gradient = new double[p];
        double f = problem.Evaluate(theta, gradient) + L1Norm(theta, d, l1);
        var s = new double[History][];
        var y = new double[History][];
        var rho = new double[History];
        int stored = 0, newest = -1;
        var losses = new List<double> { f };
        var direction = new double[p];
        var next = new double[p];
        var nextGradient = new double[p];
        var pseudo = new double[p];
        var alpha = new double[History];
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            PseudoGradient(theta, gradient, d, l1, pseudo);
            // Two-loop recursion: direction = -H pseudo-gradient.
            for (int i = 0; i < p; i++)
            {
                direction[i] = -pseudo[i];
            }
            for (int k = 0; k < stored; k++)
            {
                int h = (newest - k + History) % History;
                alpha[h] = rho[h] * Dot(s[h], direction);
                Axpy(-alpha[h], y[h], direction);
            }
            if (stored > 0)
            {
                double gamma = Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]);
                for (int i = 0; i < p; i++)
                {
                    direction[i] *= gamma;
                }
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int h = (newest - k + History) % History;
                double beta = rho[h] * Dot(y[h], direction);
                Axpy(alpha[h] - beta, s[h], direction);
            }
            if (l1 > 0)
            {
                // A weight moves only the way its pseudo-gradient descends.
                for (int j = 0; j < d; j++)
                {
                    if (direction[j] * pseudo[j] >= 0)
                    {
                        direction[j] = 0;
                    }
                }
            }
            double slope = Dot(pseudo, direction);
            if (!(slope < 0))
            {
                break;
            }
            double step = stored == 0 ? Math.Min(1, 1 / Math.Sqrt(Dot(pseudo, pseudo))) : 1;
            double nextLoss = double.PositiveInfinity;
            for (int halving = 0; halving < 60; halving++)
            {
                for (int i = 0; i < p; i++)
                {
                    next[i] = theta[i] + step * direction[i];
                }
                double decrease = step * slope;
                if (l1 > 0)
                {
                    decrease = ProjectOntoOrthant(theta, pseudo, d, next);
                }
                nextLoss = problem.Evaluate(next, nextGradient) + L1Norm(next, d, l1);
                if (nextLoss <= f + 1e-4 * decrease)
                {
                    break;
                }
                step /= 2;
            }
            if (!(nextLoss <= f))
            {
                break;
            }
            newest = (newest + 1) % History;
            s[newest] ??= new double[p];
            y[newest] ??= new double[p];
            for (int i = 0; i < p; i++)
            {
                s[newest][i] = next[i] - theta[i];
                y[newest][i] = nextGradient[i] - gradient[i];
            }
            double sy = Dot(s[newest], y[newest]);
            if (sy > 0)
            {
                rho[newest] = 1 / sy;
                stored = Math.Min(History, stored + 1);
            }
            else
            {
                // A flat pair carries no curvature: drop it (the slot is reused by the next step).
                newest = (newest - 1 + History) % History;
            }
            (theta, next) = (next, theta);
            (gradient, nextGradient) = (nextGradient, gradient);
            f = nextLoss;
            losses.Add(f);
            if (losses.Count > Window && (losses[^(Window + 1)] - f) / Window <= Tolerance * Math.Abs(f))
            {
                break;
            }
        }
        return theta;
    }

    /// <summary>l1 |theta_0..d-1|_1: the bias (the last parameter) is not penalised.</summary>
    private static double L1Norm(double[] theta, int d, double l1)
    {
        if (l1 == 0)
        {
            return 0;
        }
        double sum = 0;
        for (int j = 0; j < d; j++)
        {
            sum += Math.Abs(theta[j]);
        }
        return l1 * sum;
    }

    /// <summary>
    /// The pseudo-gradient of loss + l1 |w|_1: away from zero the gradient plus l1 times the weight's sign; at zero the
    /// one-sided derivative that descends, or 0 when neither side does (the weight stays at zero).
    /// </summary>
    private static void PseudoGradient(double[] theta, double[] gradient, int d, double l1, double[] pseudo)
    {
        Array.Copy(gradient, pseudo, gradient.Length);
        if (l1 == 0)
        {
            return;
        }
        for (int j = 0; j < d; j++)
        {
            double g = gradient[j];
            pseudo[j] = theta[j] > 0 ? g + l1
                : theta[j] < 0 ? g - l1
                : g + l1 < 0 ? g + l1
                : g - l1 > 0 ? g - l1
                : 0;
        }
    }

    /// <summary>
    /// Zeroes every weight of <paramref name="next"/> that left the orthant of <paramref name="theta"/> (for a weight at zero:
    /// the side its pseudo-gradient descends to) and returns the pseudo-gradient's inner product with the step taken, the
    /// decrease the Armijo test expects.
    /// </summary>
    private static double ProjectOntoOrthant(double[] theta, double[] pseudo, int d, double[] next)
    {
        for (int j = 0; j < d; j++)
        {
            double orthant = theta[j] != 0 ? Math.Sign(theta[j]) : -Math.Sign(pseudo[j]);
            if (next[j] * orthant <= 0)
            {
                next[j] = 0;
            }
        }
        double decrease = 0;
        for (int i = 0; i < next.Length; i++)
        {
            decrease += pseudo[i] * (next[i] - theta[i]);
        }
        return decrease;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>The dot product of two float vectors, eight lanes at a time, the lanes summed in a fixed order.</summary>
    internal static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        int j = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float wr = ref MemoryMarshal.GetReference(w);
            for (; j + Vector256<float>.Count <= x.Length; j += Vector256<float>.Count)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256.LoadUnsafe(ref wr, (nuint)j), acc);
            }
            sum = Vector256.Sum(acc);
        }
        for (; j < x.Length; j++)
        {
            sum += x[j] * w[j];
        }
        return sum;
    }

    /// <summary>y += a x over float vectors.</summary>
    private static void AddScaled(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var va = Vector256.Create(a);
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            for (; j + Vector256<float>.Count <= x.Length; j += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256.LoadUnsafe(ref yr, (nuint)j))
                    .StoreUnsafe(ref yr, (nuint)j);
            }
        }
        for (; j < x.Length; j++)
        {
            y[j] += a * x[j];
        }
    }

    /// <summary>
    /// The loss and its gradient in the normalised parameters theta (weights on scaled features, then the bias), computed on
    /// the raw rows: the scaled weight theta_j s_j meets the raw value, and the gradient is scaled back, so the data is never
    /// copied to be normalised.
    /// </summary>
    private sealed class Objective
    {
        private readonly TrainingMatrix _data;
        private readonly double _l2;
        private readonly ParallelOptions _parallel;
        private readonly int _chunks;
        /// <summary>Per chunk: the gradient sums of the d weights, of the bias, then the loss.</summary>
        private readonly double[][] _partial;
        private readonly float[] _effective;

        public Objective(TrainingMatrix data, double l2, int threads)
        {
            _data = data;
            _l2 = l2;
            _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
            _chunks = (data.Rows + ChunkRows - 1) / ChunkRows;
            _partial = [.. Enumerable.Range(0, _chunks).Select(_ => new double[data.Width + 2])];
            _effective = new float[data.Width];
            Scale = Scales();
        }

        /// <summary>Per feature, the normaliser's factor: 1 / root mean square on these rows, 0 for a feature with one value.</summary>
        public double[] Scale { get; }

        public int Parameters => _data.Width + 1;

        private void ForEachChunk(Action<int> chunk)
        {
            if (_parallel.MaxDegreeOfParallelism == 1 || _chunks == 1)
            {
                for (int c = 0; c < _chunks; c++)
                {
                    chunk(c);
                }
                return;
            }
            Parallel.For(0, _chunks, _parallel, chunk);
        }

        private double[] Scales()
        {
            int d = _data.Width;
            // Per chunk: sums of squares, then minima, then maxima.
            var parts = new double[_chunks][];
            ForEachChunk(c =>
            {
                var part = new double[3 * d];
                part.AsSpan(d, d).Fill(double.PositiveInfinity);
                part.AsSpan(2 * d, d).Fill(double.NegativeInfinity);
                for (int r = c * ChunkRows, end = Math.Min(_data.Rows, r + ChunkRows); r < end; r++)
                {
                    var row = _data.Row(r);
                    for (int j = 0; j < d; j++)
                    {
                        double v = row[j];
                        part[j] += v * v;
                        part[d + j] = Math.Min(part[d + j], v);
                        part[2 * d + j] = Math.Max(part[2 * d + j], v);
                    }
                }
                parts[c] = part;
            });
            var scale = new double[d];
            for (int j = 0; j < d; j++)
            {
                double squares = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
                foreach (var part in parts)
                {
                    squares += part[j];
                    min = Math.Min(min, part[d + j]);
                    max = Math.Max(max, part[2 * d + j]);
                }
                scale[j] = max > min ? (float)(1 / Math.Sqrt(squares / _data.Rows)) : 0;
            }
            return scale;
        }

        /// <summary>The objective at <paramref name="theta"/>; its gradient written to <paramref name="gradient"/>.</summary>
        public double Evaluate(double[] theta, double[] gradient)
        {
            int d = _data.Width;
            for (int j = 0; j < d; j++)
            {
                _effective[j] = (float)(theta[j] * Scale[j]);
            }
            float bias = (float)theta[d];
            ForEachChunk(c => Chunk(c, bias));
            Array.Clear(gradient);
            double loss = 0;
            foreach (var part in _partial)
            {
                for (int j = 0; j <= d; j++)
                {
                    gradient[j] += part[j];
                }
                loss += part[d + 1];
            }
            double n = _data.Rows, penalty = 0;
            for (int j = 0; j < d; j++)
            {
                gradient[j] = (gradient[j] * Scale[j] + _l2 * theta[j]) / n;
                penalty += theta[j] * theta[j];
            }
            gradient[d] /= n;
            return (loss + 0.5 * _l2 * penalty) / n;
        }

        private void Chunk(int c, float bias)
        {
            int d = _data.Width;
            Span<float> sums = d <= 512 ? stackalloc float[d] : new float[d];
            sums.Clear();
            double loss = 0, biasSum = 0;
            var weights = _effective.AsSpan();
            for (int r = c * ChunkRows, end = Math.Min(_data.Rows, r + ChunkRows); r < end; r++)
            {
                var row = _data.Row(r);
                double margin = bias + Dot(row, weights);
                double e = Math.Exp(-Math.Abs(margin));
                double probability = margin >= 0 ? 1 / (1 + e) : e / (1 + e);
                double label = _data.Labels[r];
                // log(1 + exp(m)) - y m, without overflow.
                loss += Math.Max(margin, 0) + Math.Log(1 + e) - label * margin;
                double residual = probability - label;
                biasSum += residual;
                AddScaled((float)residual, row, sums);
            }
            var part = _partial[c];
            for (int j = 0; j < d; j++)
            {
                part[j] = sums[j];
            }
            part[d] = biasSum;
            part[d + 1] = loss;
        }
    }
}
