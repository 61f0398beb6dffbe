using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace JourneyML.SampleData;

internal enum ColumnType
{
    Text,
    OptionalText,
    Time,
    OptionalTime,
    OptionalNumber,
    Integer,
}

internal readonly record struct TableColumn(string Name, ColumnType Type);

/// <summary>
/// Writes one table row by row, field by field in column order, to CSV or Parquet. Rows are streamed:
/// CSV through a buffered writer, Parquet in row groups of a fixed size.
/// </summary>
internal abstract class TableWriter : IDisposable
{
    public abstract void Text(string? value);

    public abstract void Time(DateTime? value);

    public abstract void Number(double? value);

    public abstract void Integer(int value);

    public abstract void EndRow();

    public abstract void Dispose();

    public static TableWriter Create(string path, TableFormat format, IReadOnlyList<TableColumn> columns, string timeFormat, int rowGroupSize) =>
        format == TableFormat.Parquet
            ? new ParquetTableWriter(path, columns, rowGroupSize)
            : new CsvTableWriter(path, columns, timeFormat);
}

/// <summary>RFC 4180 CSV: comma-separated, fields with commas, quotes or line breaks quoted, quotes doubled; LF line ends; UTF-8 without BOM.</summary>
internal sealed class CsvTableWriter : TableWriter
{
    private readonly StreamWriter _writer;
    private readonly string _timeFormat;
    private bool _firstField = true;

    public CsvTableWriter(string path, IReadOnlyList<TableColumn> columns, string timeFormat)
    {
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16)
        {
            NewLine = "\n",
        };
        _timeFormat = timeFormat;
        foreach (var column in columns)
        {
            Text(column.Name);
        }
        EndRow();
    }

    public override void Text(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _writer.Write(value);
            return;
        }
        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    public override void Time(DateTime? value)
    {
        Separator();
        if (value is DateTime time)
        {
            Span<char> buffer = stackalloc char[32];
            time.TryFormat(buffer, out int written, _timeFormat, CultureInfo.InvariantCulture);
            _writer.Write(buffer[..written]);
        }
    }

    public override void Number(double? value)
    {
        Separator();
        if (value is double number)
        {
            Span<char> buffer = stackalloc char[32];
            number.TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture);
            _writer.Write(buffer[..written]);
        }
    }

    public override void Integer(int value)
    {
        Separator();
        Span<char> buffer = stackalloc char[16];
        value.TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture);
        _writer.Write(buffer[..written]);
    }

    public override void EndRow()
    {
        _writer.Write('\n');
        _firstField = true;
    }

    public override void Dispose() => _writer.Dispose();

    private void Separator()
    {
        if (_firstField)
        {
            _firstField = false;
        }
        else
        {
            _writer.Write(',');
        }
    }
}

/// <summary>
/// Parquet through Parquet.Net: values are buffered per column and written as one row group every
/// <c>rowGroupSize</c> rows, so memory stays bounded however long the table. Times are UTC timestamps (ms).
/// </summary>
internal sealed class ParquetTableWriter : TableWriter
{
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly IColumnBuffer[] _columns;
    private readonly int _rowGroupSize;
    private int _rows;
    private int _field;

    public ParquetTableWriter(string path, IReadOnlyList<TableColumn> columns, int rowGroupSize)
    {
        _rowGroupSize = Math.Max(1, rowGroupSize);
        _columns = columns.Select(c => CreateBuffer(c, _rowGroupSize)).ToArray();
        var schema = new ParquetSchema(_columns.Select(c => (Field)c.Field).ToArray());
        _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _writer = ParquetWriter.CreateAsync(schema, _stream).GetAwaiter().GetResult();
    }

    public override void Text(string? value) => ((TextBuffer)_columns[_field++]).Values[_rows] = value!;

    public override void Time(DateTime? value)
    {
        var column = _columns[_field++];
        if (column is TimeBuffer required)
        {
            required.Values[_rows] = value ?? throw new InvalidOperationException($"{column.Field.Name} needs a value.");
        }
        else
        {
            ((OptionalTimeBuffer)column).Values[_rows] = value;
        }
    }

    public override void Number(double? value) => ((NumberBuffer)_columns[_field++]).Values[_rows] = value;

    public override void Integer(int value) => ((IntegerBuffer)_columns[_field++]).Values[_rows] = value;

    public override void EndRow()
    {
        _field = 0;
        if (++_rows == _rowGroupSize)
        {
            Flush();
        }
    }

    public override void Dispose()
    {
        if (_rows > 0)
        {
            Flush();
        }
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }

    private void Flush()
    {
        using (var rowGroup = _writer.CreateRowGroup())
        {
            foreach (var column in _columns)
            {
                column.WriteAsync(rowGroup, _rows).GetAwaiter().GetResult();
            }
        }
        _rows = 0;
    }

    private static IColumnBuffer CreateBuffer(TableColumn column, int size) => column.Type switch
    {
        ColumnType.Text => new TextBuffer(new DataField<string>(column.Name, false), size),
        ColumnType.OptionalText => new TextBuffer(new DataField<string>(column.Name, true), size),
        ColumnType.Time => new TimeBuffer(Timestamp(column.Name, nullable: false), size),
        ColumnType.OptionalTime => new OptionalTimeBuffer(Timestamp(column.Name, nullable: true), size),
        ColumnType.OptionalNumber => new NumberBuffer(new DataField<double?>(column.Name), size),
        _ => new IntegerBuffer(new DataField<int>(column.Name), size),
    };

    private static DateTimeDataField Timestamp(string name, bool nullable) =>
        new(name, DateTimeFormat.Timestamp, isNullable: nullable, unit: DateTimeTimeUnit.Millis, isAdjustedToUTC: true);

    private interface IColumnBuffer
    {
        DataField Field { get; }

        Task WriteAsync(ParquetRowGroupWriter rowGroup, int count);
    }

    private sealed class TextBuffer(DataField dataField, int size) : IColumnBuffer
    {
        public string[] Values { get; } = new string[size];

        public DataField Field => dataField;

        public Task WriteAsync(ParquetRowGroupWriter rowGroup, int count) =>
            rowGroup.WriteAsync(dataField, new ArraySegment<string>(Values, 0, count));
    }

    private sealed class TimeBuffer(DataField dataField, int size) : IColumnBuffer
    {
        public DateTime[] Values { get; } = new DateTime[size];

        public DataField Field => dataField;

        public Task WriteAsync(ParquetRowGroupWriter rowGroup, int count) =>
            rowGroup.WriteAsync(dataField, new ReadOnlyMemory<DateTime>(Values, 0, count));
    }

    private sealed class OptionalTimeBuffer(DataField dataField, int size) : IColumnBuffer
    {
        public DateTime?[] Values { get; } = new DateTime?[size];

        public DataField Field => dataField;

        public Task WriteAsync(ParquetRowGroupWriter rowGroup, int count) =>
            rowGroup.WriteAsync<DateTime>(dataField, new ReadOnlyMemory<DateTime?>(Values, 0, count));
    }

    private sealed class NumberBuffer(DataField dataField, int size) : IColumnBuffer
    {
        public double?[] Values { get; } = new double?[size];

        public DataField Field => dataField;

        public Task WriteAsync(ParquetRowGroupWriter rowGroup, int count) =>
            rowGroup.WriteAsync<double>(dataField, new ReadOnlyMemory<double?>(Values, 0, count));
    }

    private sealed class IntegerBuffer(DataField dataField, int size) : IColumnBuffer
    {
        public int[] Values { get; } = new int[size];

        public DataField Field => dataField;

        public Task WriteAsync(ParquetRowGroupWriter rowGroup, int count) =>
            rowGroup.WriteAsync(dataField, new ReadOnlyMemory<int>(Values, 0, count));
    }
}
