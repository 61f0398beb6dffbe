namespace JourneyML.Core.Data;

/// <summary>
/// The events table, streamed and validated a partition at a time (a Parquet row group, or a whole CSV file).
/// Partitions may be read in parallel; validation problems go to the shared <see cref="ValidationReport"/>.
/// </summary>
public sealed class EventSource
{
    private readonly DataMapping _mapping;
    private readonly CustomerTable _customers;
    private readonly DateTime _dataAsOf;
    private readonly ValidationReport _report;
    private readonly (string File, int Partition)[] _partitions;
    private readonly Dictionary<string, EventKind> _types;
    private readonly EventBatch? _memory;

    internal EventSource(IReadOnlyList<string> files, DataMapping mapping, CustomerTable customers, DateTime dataAsOf, ValidationReport report)
    {
        Files = files;
        _mapping = mapping;
        _customers = customers;
        _dataAsOf = dataAsOf;
        _report = report;
        var columns = mapping.Events.Columns;
        var partitions = new List<(string, int)>();
        foreach (var file in files)
        {
            // Opening checks type, emptiness and required columns up front, before any work is done.
            using var reader = TableReader.Open(file);
            reader.RequireColumn(columns.CustomerId, "the customer's id");
            reader.RequireColumn(columns.OccurredAt, "when the event happened (UTC)");
            reader.RequireColumn(columns.Type, "the event type");
            for (int p = 0; p < reader.PartitionCount; p++)
            {
                partitions.Add((file, p));
            }
        }
        _partitions = [.. partitions];
        _types = new Dictionary<string, EventKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in EventKinds.All)
        {
            _types[kind.CanonicalName()] = kind;
        }
        foreach (var (theirs, ours) in mapping.Events.Types)
        {
            EventKinds.TryParseCanonical(ours, out var kind);
            _types[theirs] = kind;
        }
    }

    /// <summary>Events already in memory and validated (a live prediction's recent events): one partition.</summary>
    internal EventSource(EventBatch events, DataMapping mapping, CustomerTable customers, DateTime dataAsOf, ValidationReport report)
    {
        Files = [];
        _mapping = mapping;
        _customers = customers;
        _dataAsOf = dataAsOf;
        _report = report;
        _partitions = [("(request)", 0)];
        _types = [];
        _memory = events;
    }

    public IReadOnlyList<string> Files { get; }
    public int PartitionCount => _partitions.Length;

    /// <summary>Reads one partition as batches of valid events. Invalid rows are reported (and, in skip mode, skipped).</summary>
    /// <param name="withChannel">Read the channel column too (touchpoints need it; features do not, and text is the costly part of a read).</param>
    public IEnumerable<EventBatch> ReadPartition(int partition, bool withChannel = true)
    {
        if (_memory is not null)
        {
            yield return _memory;
            yield break;
        }
        var (file, p) = _partitions[partition];
        var columns = _mapping.Events.Columns;
        using var reader = TableReader.Open(file);
        string?[] wanted = [columns.CustomerId, columns.OccurredAt, columns.Type,
            withChannel && reader.IndexOf(columns.Channel) >= 0 ? columns.Channel : null,
            reader.IndexOf(columns.Value) >= 0 ? columns.Value : null];
        // Per-reader cache, looked up by span: type names repeat, and no string is made per row.
        var typeCache = new Dictionary<string, (EventKind Kind, bool Mapped)>(StringComparer.Ordinal);
        var typeLookup = typeCache.GetAlternateLookup<ReadOnlySpan<char>>();
        var unmapped = new Dictionary<string, long>(StringComparer.Ordinal);
        long dataAsOfTicks = _dataAsOf.Ticks;
        long rows = 0;
        foreach (var chunk in reader.ReadPartition(p, wanted))
        {
            rows += chunk.RowCount;
            using var batch = new EventBatch(chunk.RowCount);
            for (int i = 0; i < chunk.RowCount; i++)
            {
                long row = chunk.RowNumber(i);
                if (row < 0)
                {
                    _report.Add(new DataProblem(chunk.File, -row, null, $"malformed row: expected {reader.Columns.Count} fields"), "malformed row");
                    continue;
                }
                var id = chunk.GetSpan(0, i);
                if (id.IsWhiteSpace())
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.CustomerId, "missing customer id"));
                    continue;
                }
                if (!_customers.TryGetIndex(id, out int customer) && !_customers.TryGetIndex(id.Trim(), out customer))
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.CustomerId, "unknown customer (not in the customers table)"), "unknown customer");
                    continue;
                }
                if (!chunk.TryGetTime(1, i, _mapping.TimeFormat, out var occurred, out var reason))
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.OccurredAt, reason), reason);
                    continue;
                }
                if (occurred.Ticks >= dataAsOfTicks)
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.OccurredAt,
                        $"event at or after the data's as-of date {_dataAsOf:yyyy-MM-ddTHH:mm:ssZ}"), "event after the data's as-of date");
                    continue;
                }
                var typeSpan = chunk.GetSpan(2, i);
                if (typeSpan.IsWhiteSpace())
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.Type, "missing event type"));
                    continue;
                }
                if (!typeLookup.TryGetValue(typeSpan, out var known))
                {
                    var name = typeSpan.ToString();
                    known = _types.TryGetValue(name.Trim(), out var mappedKind) ? (mappedKind, true) : (EventKind.Other, false);
                    typeCache[name] = known;
                }
                var kind = known.Kind;
                if (!known.Mapped)
                {
                    var type = typeSpan.ToString();
                    if (_mapping.Events.UnmappedTypes == UnmappedTypePolicy.Error)
                    {
                        _report.Add(new DataProblem(chunk.File, row, columns.Type,
                            $"event type '{Truncate(type)}' is not mapped to a JourneyML event type"), "unmapped event type");
                        continue;
                    }
                    unmapped[type] = unmapped.GetValueOrDefault(type) + 1;
                }
                if (!chunk.TryGetOptionalDouble(4, i, out double value))
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.Value, "value is not a number"));
                    continue;
                }
                if (value < 0)
                {
                    _report.Add(new DataProblem(chunk.File, row, columns.Value, "negative value (minutes, counts and severities are never negative)"), "negative value");
                    continue;
                }
                var channel = withChannel ? chunk.GetString(3, i) : null;
                batch.Add(customer, occurred.Ticks, kind, (float)value, string.IsNullOrWhiteSpace(channel) ? null : channel);
            }
            yield return batch;
        }
        _report.AddRowsRead(reader.FileName, rows);
        foreach (var (type, count) in unmapped)
        {
            _report.AddNote($"{reader.FileName}: event type '{Truncate(type)}' is not mapped; kept as 'other' (activity, not a signal)", count);
        }
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
