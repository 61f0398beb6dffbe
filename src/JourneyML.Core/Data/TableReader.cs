using System.Buffers;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace JourneyML.Core.Data;

/// <summary>
/// Reads one CSV or Parquet file in chunks without holding it in memory: CSV line by line, Parquet a row
/// group at a time. Parquet row groups can be read in parallel (one partition each); a CSV file is one partition.
/// </summary>
public abstract class TableReader : IDisposable
{
    protected TableReader(string path, IReadOnlyList<string> columns)
    {
        Path = path;
        Columns = columns;
    }

    public string Path { get; }
    public string FileName => System.IO.Path.GetFileName(Path);
    public IReadOnlyList<string> Columns { get; }
    public abstract int PartitionCount { get; }

    /// <summary>
    /// Reads one partition; <paramref name="wanted"/> names the columns to read (null entries are skipped).
    /// A chunk's buffers are pooled: use each chunk before moving to the next, never keep one.
    /// </summary>
    public abstract IEnumerable<TableChunk> ReadPartition(int partition, IReadOnlyList<string?> wanted);

    /// <summary>
    /// Every row of the file that has its id: the chunk, the row's index in it, its row number and the id. Rows without an
    /// id, or with the wrong number of fields, are reported and skipped; when the whole file is read, the rows read are
    /// counted in the report.
    /// </summary>
    public IEnumerable<(TableChunk Chunk, int Index, long Row, string Id)> RowsWithId(IReadOnlyList<string?> wanted, string idColumn, ValidationReport report)
    {
        long rows = 0;
        foreach (var chunk in ReadAll(wanted))
        {
            rows += chunk.RowCount;
            for (int i = 0; i < chunk.RowCount; i++)
            {
                if (chunk.TryStartRow(i, Columns.Count, idColumn, report, out long row, out var id))
                {
                    yield return (chunk, i, row, id);
                }
            }
        }
        report.AddRowsRead(FileName, rows);
    }

    public IEnumerable<TableChunk> ReadAll(IReadOnlyList<string?> wanted)
    {
        for (int p = 0; p < PartitionCount; p++)
        {
            foreach (var chunk in ReadPartition(p, wanted))
            {
                yield return chunk;
            }
        }
    }

    /// <summary>The index of a column by name (exact first, then ignoring case), or -1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == name)
            {
                return i;
            }
        }
        for (int i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Throws a clear error naming the file and the column when a required column is absent.</summary>
    public void RequireColumn(string name, string meaning)
    {
        if (IndexOf(name) < 0)
        {
            throw new DataFileException(FileName,
                $"missing required column '{name}' ({meaning}); the file has: {string.Join(", ", Columns)}. " +
                "If your export names it differently, map it in journeyml.json" + MissingColumnHint(name), name);
        }
    }

    /// <summary>More to say when a required column is missing (a CSV file split with the wrong delimiter, say); empty or a sentence.</summary>
    public virtual string MissingColumnHint(string name) => "";

    /// <summary>Opens a file after checking that it is what its name says; wrong, empty or unreadable files get a clear error.</summary>
    /// <param name="csv">How a CSV file is read (its encoding and delimiter, named or detected); Parquet files ignore it.</param>
    public static TableReader Open(string path, CsvFormat? csv = null)
    {
        var name = System.IO.Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new DataFileException(name, $"file not found ({path})");
        }
        var info = new FileInfo(path);
        if (info.Length == 0)
        {
            throw new DataFileException(name, "empty file (0 bytes)");
        }
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" or ".txt" or ".tsv" => CsvTableReader.Open(path, csv),
            ".parquet" or ".pq" => ParquetTableReader.Open(path),
            _ => throw new DataFileException(name,
                $"wrong file type '{extension}': JourneyML reads .csv and .parquet (export spreadsheets as CSV)"),
        };
    }

    /// <summary>The files of a table: a file, or every .csv/.parquet file in a folder, in name order.</summary>
    public static IReadOnlyList<string> ResolveFiles(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                throw new DataFileException(System.IO.Path.GetFileName(path), "folder holds no .csv or .parquet files");
            }
            return files;
        }
        return [path];
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>Parquet through Parquet.Net; one partition per row group.</summary>
public sealed class ParquetTableReader : TableReader
{
    private readonly DataField[] _fields;
    private readonly long[] _rowGroupStarts;

    // Parquet.Net pools its decompression streams without bound unless told otherwise ("indistinguishable from a
    // memory leak"); bounded, a 14-million-event read peaks far lower at the same speed.
    private static readonly ParquetOptions ReadOptions = new()
    {
        MaximumSmallPoolFreeBytes = 32 << 20,
        MaximumLargePoolFreeBytes = 128 << 20,
    };

    private ParquetTableReader(string path, DataField[] fields, long[] rowGroupStarts)
        : base(path, [.. fields.Select(f => f.Name)])
    {
        _fields = fields;
        _rowGroupStarts = rowGroupStarts;
    }

    public override int PartitionCount => _rowGroupStarts.Length;

    public static ParquetTableReader Open(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        using (var probe = File.OpenRead(path))
        {
            Span<byte> magic = stackalloc byte[4];
            if (probe.Length < 12 || probe.Read(magic) != 4 || !magic.SequenceEqual("PAR1"u8))
            {
                throw new DataFileException(name, "wrong file type: not a Parquet file (no PAR1 header); is it a CSV named .parquet?");
            }
            probe.Seek(-4, SeekOrigin.End);
            if (probe.Read(magic) != 4 || !magic.SequenceEqual("PAR1"u8))
            {
                throw new DataFileException(name, "truncated Parquet file (no PAR1 footer): the file was not written completely");
            }
        }
        try
        {
            return Run(async () =>
            {
                await using var reader = await ParquetReader.CreateAsync(path, ReadOptions);
                var fields = reader.Schema.GetDataFields();
                var starts = new long[reader.RowGroupCount];
                long total = 0;
                for (int g = 0; g < reader.RowGroupCount; g++)
                {
                    starts[g] = total;
                    using var rg = reader.OpenRowGroupReader(g);
                    total += rg.RowCount;
                }
                if (total == 0)
                {
                    throw new DataFileException(name, "empty file: the Parquet file holds no rows");
                }
                return new ParquetTableReader(path, fields, starts);
            });
        }
        catch (Exception ex) when (ex is not DataFileException)
        {
            throw new DataFileException(name, $"unreadable Parquet file: {ex.Message}");
        }
    }

    public override IEnumerable<TableChunk> ReadPartition(int partition, IReadOnlyList<string?> wanted)
    {
        var indexes = wanted.Select(w => w is null ? -1 : IndexOf(w)).ToArray();
        var names = wanted.Select(w => w ?? "").ToArray();
        // Column buffers come from the shared pool and go back once the caller has moved on: a row group is
        // a million rows, and fresh arrays per row group would fill the large-object heap with garbage.
        // Text values are slices of the reader's own buffers, so the reader too stays open until then.
        var returns = new List<Action>();
        ParquetReader? reader = null;
        ParquetRowGroupReader? rowGroup = null;
        try
        {
            var chunk = Run(async () =>
            {
                string? column = null;
                try
                {
                    reader = await ParquetReader.CreateAsync(Path, ReadOptions);
                    rowGroup = reader.OpenRowGroupReader(partition);
                    int rows = checked((int)rowGroup.RowCount);
                    var columns = new Array?[indexes.Length];
                    for (int c = 0; c < indexes.Length; c++)
                    {
                        if (indexes[c] >= 0)
                        {
                            column = _fields[indexes[c]].Name;
                            columns[c] = await ReadColumnAsync(rowGroup, _fields[indexes[c]], rows, FileName, _rowGroupStarts[partition] + 1, returns);
                        }
                    }
                    return new TableChunk(FileName, _rowGroupStarts[partition] + 1, rows, columns, names);
                }
                catch (Exception ex) when (ex is not (DataFileException or OperationCanceledException or OutOfMemoryException))
                {
                    // A file damaged inside (a bad copy, a disk error) passes the header and footer checks and fails here,
                    // in the decompressor or the decoder: the file, the part of it, and the decoder's words.
                    throw Damaged(partition, column, ex);
                }
            });
            yield return chunk;
        }
        finally
        {
            foreach (var giveBack in returns)
            {
                giveBack();
            }
            rowGroup?.Dispose();
            if (reader is not null)
            {
                Run(async () =>
                {
                    await reader.DisposeAsync();
                    return 0;
                });
            }
        }
    }

    private DataFileException Damaged(int partition, string? column, Exception cause)
    {
        long first = _rowGroupStarts[partition] + 1;
        long last = partition + 1 < _rowGroupStarts.Length ? _rowGroupStarts[partition + 1] : -1;
        var rows = last > 0 ? $"rows {first:N0} to {last:N0}" : $"rows from {first:N0}";
        return new DataFileException(FileName,
            $"damaged Parquet file: row group {partition + 1} ({rows}) cannot be read ({cause.GetType().Name}: {cause.Message}); export or copy the file again",
            column);
    }

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader rg, DataField field, int rows, string file, long firstRow, List<Action> returns)
    {
        var type = field.ClrType;
        if (type == typeof(ReadOnlyMemory<char>))
        {
            // Text as slices, not one string per row (the cost that dominates reading large exports). Parquet.Net's
            // slices point into buffers it reuses for later reads, on any thread: copied at once into one array of
            // our own, they stay valid as long as the chunk does.
            if (field.IsNullable)
            {
                var nullable = await ReadNullable<ReadOnlyMemory<char>>(rg, field, rows, returns);
                RefuseUndecodable(OwnText(nullable.AsSpan(0, rows)), file, field, firstRow);
                return nullable;
            }
            var plain = await ReadPlain<ReadOnlyMemory<char>>(rg, field, rows, returns);
            RefuseUndecodable(OwnText(plain.AsSpan(0, rows)), file, field, firstRow);
            return plain;
        }
        if (type == typeof(string))
        {
            var values = new string?[rows];
            await rg.ReadAsync(field, values.AsMemory()!);
            RefuseUndecodable(Array.FindIndex(values, v => v is not null && v.Contains(Replacement, StringComparison.Ordinal)), file, field, firstRow);
            return values;
        }
        if (type == typeof(DateTime))
        {
            return field.IsNullable ? await ReadNullable<DateTime>(rg, field, rows, returns) : await ReadPlain<DateTime>(rg, field, rows, returns);
        }
        if (type == typeof(DateTimeOffset))
        {
            return field.IsNullable ? await ReadNullable<DateTimeOffset>(rg, field, rows, returns) : await ReadPlain<DateTimeOffset>(rg, field, rows, returns);
        }
        if (type == typeof(double))
        {
            return field.IsNullable ? await ReadNullable<double>(rg, field, rows, returns) : await ReadPlain<double>(rg, field, rows, returns);
        }
        if (type == typeof(float))
        {
            return field.IsNullable ? await ReadNullable<float>(rg, field, rows, returns) : await ReadPlain<float>(rg, field, rows, returns);
        }
        if (type == typeof(int))
        {
            return field.IsNullable ? await ReadNullable<int>(rg, field, rows, returns) : await ReadPlain<int>(rg, field, rows, returns);
        }
        if (type == typeof(long))
        {
            return field.IsNullable ? await ReadNullable<long>(rg, field, rows, returns) : await ReadPlain<long>(rg, field, rows, returns);
        }
        if (type == typeof(bool))
        {
            return field.IsNullable ? await ReadNullable<bool>(rg, field, rows, returns) : await ReadPlain<bool>(rg, field, rows, returns);
        }
        throw new DataFileException(file,
            $"column type {type.Name} is not supported (use text, timestamp, integer or floating point)", field.Name);
    }

    /// <summary>What Parquet.Net puts where a text value's bytes are not UTF-8 (Parquet text always is).</summary>
    private const char Replacement = '\uFFFD';

    /// <summary>Undecodable text is an error naming the row and column, as in a CSV, never a quiet U+FFFD (two damaged ids would then collide).</summary>
    private static void RefuseUndecodable(int index, string file, DataField field, long firstRow)
    {
        if (index >= 0)
        {
            throw new DataFileException(file, "undecodable text: the value's bytes are not valid UTF-8 (Parquet text is UTF-8); export the file again", field.Name, firstRow + index);
        }
    }

    /// <summary>Copies the slices into one array of our own; returns the first row whose text holds <see cref="Replacement"/>, or -1.</summary>
    private static int OwnText(Span<ReadOnlyMemory<char>> values)
    {
        long total = 0;
        foreach (var v in values)
        {
            total += v.Length;
        }
        var own = new char[total];
        int at = 0, undecodable = -1;
        for (int i = 0; i < values.Length; i++)
        {
            var span = values[i].Span;
            span.CopyTo(own.AsSpan(at));
            values[i] = own.AsMemory(at, span.Length);
            at += span.Length;
            undecodable = undecodable < 0 && span.Contains(Replacement) ? i : undecodable;
        }
        return undecodable;
    }

    private static int OwnText(Span<ReadOnlyMemory<char>?> values)
    {
        long total = 0;
        foreach (var v in values)
        {
            total += v?.Length ?? 0;
        }
        var own = new char[total];
        int at = 0, undecodable = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value)
            {
                value.Span.CopyTo(own.AsSpan(at));
                values[i] = own.AsMemory(at, value.Length);
                at += value.Length;
                undecodable = undecodable < 0 && value.Span.Contains(Replacement) ? i : undecodable;
            }
        }
        return undecodable;
    }

    private static async Task<T[]> ReadPlain<T>(ParquetRowGroupReader rg, DataField field, int rows, List<Action> returns) where T : struct
    {
        var values = ArrayPool<T>.Shared.Rent(rows);
        returns.Add(() => ArrayPool<T>.Shared.Return(values, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>()));
        // A pooled buffer holds an earlier read's values: start clean, so nothing stale can show through.
        Array.Clear(values, 0, rows);
        await rg.ReadAsync(field, values.AsMemory(0, rows));
        return values;
    }

    private static async Task<T?[]> ReadNullable<T>(ParquetRowGroupReader rg, DataField field, int rows, List<Action> returns) where T : struct
    {
        var values = ArrayPool<T?>.Shared.Rent(rows);
        returns.Add(() => ArrayPool<T?>.Shared.Return(values, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>()));
        // Only for optional columns: Parquet.Net does not fill a nullable buffer reliably from a required column
        // (seen: stale values from a pooled buffer showing through), so required columns are read as plain values.
        Array.Clear(values, 0, rows);
        await rg.ReadAsync(field, values.AsMemory(0, rows));
        return values;
    }

    // Parquet.Net is async-only; readers here are plain iterators used from worker threads without a sync context.
    private static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
}
