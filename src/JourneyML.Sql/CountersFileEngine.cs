using System.Diagnostics;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Sql;

/// <summary>
/// <c>features --counters FILE</c>: the counters the feature query wrote on another engine (Spark SQL, Trino; see
/// <see cref="FeatureSqlScript"/>), brought back as Parquet (one file, or a folder of parts), and made into the feature
/// table with the C# builder's per-customer formulas: the same table, and provenance, as the embedded engines write.
/// </summary>
public sealed class CountersFileEngine(string path) : IFeatureEngine
{
    public string Name => "counters";

    public (FeatureTable Table, FeatureBuildSummary Summary) Build(Dataset dataset, FeatureOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var asOf = UtcTime.RequireUtc(options.AsOf, "the as-of date");
        var file = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new DataFileException(file, $"no such counters file or folder ({path}); write it with the SQL of 'journeyml features --emit-sql'");
        }
        var watch = Stopwatch.StartNew();
        var input = DuckDbFeatureEngine.InputFor(dataset.Mapping, dataset.DataAsOf, asOf, options.HorizonDays, "", "");
        using var connection = new DuckDbFeatureEngine().Open(options.MaxDegreeOfParallelism);
        using var command = connection.CreateCommand();
        var parts = Directory.Exists(path) ? Path.Combine(path, "**", "*.parquet") : path;
        command.CommandText = $"SELECT * FROM read_parquet({SqlDialect.DuckDb.Text(Path.GetFullPath(parts))})";
        EventAccumulator accumulator;
        try
        {
            using var reader = command.ExecuteReader();
            accumulator = DuckDbFeatureEngine.Fill(reader, dataset.Customers, file, input);
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            throw new DataFileException(file, $"not a counters table the feature query wrote ({e.Message.Split('\n')[0]})");
        }
        catch (IndexOutOfRangeException e)
        {
            throw new DataFileException(file, $"not a counters table the feature query wrote: a column is missing ({e.Message})");
        }
        dataset.Report.AddNote($"{file}: event counters computed by the feature SQL elsewhere and brought back (events not read here)");
        var (table, summary) = BehaviourFeatures.FromAccumulated(dataset, accumulator, options);
        return (table, summary with { Elapsed = watch.Elapsed });
    }
}
