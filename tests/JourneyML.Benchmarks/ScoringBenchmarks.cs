using BenchmarkDotNet.Attributes;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Benchmarks;

/// <summary>
/// Generated data (seed 1) built into a feature table once per process: the same rows the end-to-end benchmarks use,
/// at a size that keeps set-up short. Deleted on dispose.
/// </summary>
internal static class BenchData
{
    public static (FeatureTable Table, string Directory) Build(int customers)
    {
        var directory = Directory.CreateTempSubdirectory("journeyml-microbench-").FullName;
        new SampleGenerator(new GeneratorOptions { Customers = customers, Seed = 1, Format = TableFormat.Parquet }).Generate(directory);
        var run = FeatureRun.Run(new FeatureRunOptions { DataDirectory = directory, AsOf = new GeneratorOptions().ReferenceAsOf }, NullLogger.Instance);
        return (run.Table, directory);
    }

    /// <summary>The table's rows repeated up to <paramref name="rows"/>: scoring cost does not depend on rows being distinct.</summary>
    public static FeatureTable Tile(FeatureTable table, int rows)
    {
        int[] source = [.. Enumerable.Range(0, rows).Select(i => i % table.RowCount)];
        var columns = table.Columns.Select(c => c.Rows(source)).ToList();
        return new FeatureTable([.. Enumerable.Range(0, rows).Select(i => $"T{i:D7}")], columns)
        {
            Status = table.Status is null ? null : [.. source.Select(r => table.Status[r])],
            AsOf = table.AsOf,
        };
    }
}

/// <summary>
/// The scoring hot paths on a churn model trained on 20,000 generated customers: one customer through the batch path,
/// one customer through the live path the API serves (pooled prediction engines, with contributions), every row of a
/// 1,000,000-row table, and the top factors per row. LightGbm is the fixed trainer of the peer benchmark; FastForest is
/// what the selection sweep chooses for churn on the 100,000-customer benchmark data; L-BFGS is the linear candidate.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int BatchRows = 1_000_000;
    private const int ExplainRows = 10_000;
    private FeatureTable _table = null!;
    private FeatureTable _million = null!;
    private BinaryModel _model = null!;
    private int[] _all = [];
    private int[] _explain = [];
    private int[] _one = [];
    private string _directory = "";

    [Params(CandidateSpec.LightGbm, CandidateSpec.FastForest, CandidateSpec.LogisticRegression)]
    public string Trainer { get; set; } = CandidateSpec.LightGbm;

    [GlobalSetup]
    public void Setup()
    {
        (_table, _directory) = BenchData.Build(20_000);
        var labels = _table.Labels[LabelNames.Churn];
        int[] population = [.. Enumerable.Range(0, _table.RowCount).Where(r => _table.Status![r] == CustomerStatus.Customer && !float.IsNaN(labels[r]))];
        var spec = CandidateSpec.DefaultSweep.First(c => c.Trainer == Trainer);
        _model = ClassifierTraining.FitOnce(_table, PredictionTask.Churn, population, spec);
        _million = BenchData.Tile(_table, BatchRows);
        _all = [.. Enumerable.Range(0, BatchRows)];
        _explain = [.. Enumerable.Range(0, ExplainRows)];
        _one = [population[0]];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "score one customer (BinaryModel.Predict, batch path)")]
    public float ScoreOne() => _model.Predict(_table, _one)[0];

    [Benchmark(Description = "score and explain one customer (BinaryModel.PredictRows, the API's live path)")]
    public float ScoreOneLive() => _model.PredictRows(_table, _one).Probabilities[0];

    [Benchmark(Description = "score 1,000,000 rows (BinaryModel.Predict)")]
    public float ScoreMillion() => _model.Predict(_million, _all)[^1];

    [Benchmark(OperationsPerInvoke = ExplainRows, Description = "explain one row (score + top 3 factors in words, as a scoring run; per row of 10,000)")]
    public string Explain()
    {
        var scores = new float[_explain.Length];
        var factors = new IReadOnlyList<Factor>[_explain.Length];
        Scorer.ScoreRows(_model, _million, _explain, scores, factors, new bool[_explain.Length], 3, ScoringPath.Batch);
        return string.Join("; ", factors[^1].Select(f => f.Text));
    }
}

/// <summary>The feature step end to end on about 1,000,000 Parquet events (7,200 generated customers): open, validate, build.</summary>
[MemoryDiagnoser]
public class FeatureBuildBenchmarks
{
    private string _directory = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("journeyml-microbench-").FullName;
        new SampleGenerator(new GeneratorOptions { Customers = 7_200, Seed = 1, Format = TableFormat.Parquet }).Generate(_directory);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "build features from ~1M Parquet events (7,200 customers)")]
    public long Build()
    {
        var run = FeatureRun.Run(new FeatureRunOptions { DataDirectory = _directory, AsOf = new GeneratorOptions().ReferenceAsOf }, NullLogger.Instance);
        return run.Summary.EventsBeforeAsOf + run.Summary.EventsOnOrAfterAsOf;
    }
}
