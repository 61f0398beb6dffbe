using System.Runtime.CompilerServices;

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
    private readonly TimelineCheck? _timeline;
    private readonly long[][] _kindsByPartition;
    private readonly Dictionary<string, long>?[] _unmappedByPartition;
    private readonly object _learning = new();

    internal EventSource(IReadOnlyList<string> files, DataMapping mapping, CustomerTable customers, DateTime dataAsOf, ValidationReport report,
        OutcomeTable? outcomes = null)
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
            using var reader = TableReader.Open(file, mapping.CsvFormatFor(mapping.Events));
            reader.RequireColumn(columns.CustomerId, "the customer's id");
            reader.RequireColumn(columns.OccurredAt, "when the event happened (UTC)");
            reader.RequireColumn(columns.Type, "the event type");
            for (int p = 0; p < reader.PartitionCount; p++)
            {
                partitions.Add((file, p));
            }
        }
        _partitions = [.. partitions];
        _timeline = new TimelineCheck(customers, outcomes, mapping, report, _partitions.Length);
        _kindsByPartition = new long[_partitions.Length][];
        _unmappedByPartition = new Dictionary<string, long>?[_partitions.Length];
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
        _kindsByPartition = [new long[EventKinds.Count]];
        for (int i = 0; i < events.Count; i++)
        {
            _kindsByPartition[0][(int)events.Kind[i]]++;
        }
        _unmappedByPartition = [null];
    }

    public IReadOnlyList<string> Files { get; }
    public int PartitionCount => _partitions.Length;

    /// <summary>True once every partition has been read: the type counts and the timeline checks are then complete.</summary>
    public bool FullyRead => _memory is not null || _kindsByPartition.All(k => k is not null);

    /// <summary>Valid events by kind over the whole export (every partition's last read); null until <see cref="FullyRead"/>.</summary>
    public IReadOnlyDictionary<EventKind, long>? EventsByKind
    {
        get
        {
            if (!FullyRead)
            {
                return null;
            }
            var total = new long[EventKinds.Count];
            foreach (var counts in _kindsByPartition)
            {
                for (int k = 0; k < total.Length; k++)
                {
                    total[k] += counts[k];
                }
            }
            return EventKinds.All.ToDictionary(k => k, k => total[(int)k]);
        }
    }

    /// <summary>Event type names the mapping does not place, with their counts, most frequent first (they were kept as 'other').</summary>
    public IReadOnlyList<(string Type, long Count)> UnmappedTypes =>
        [.. _unmappedByPartition.Where(u => u is not null).SelectMany(u => u!)
            .GroupBy(kv => kv.Key.Trim(), StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(kv => kv.Value)))
            .OrderByDescending(t => t.Item2).ThenBy(t => t.Key, StringComparer.Ordinal)];

    /// <summary>What the timeline checks found (null for events given in memory).</summary>
    public TimelineFindings? Timelines => _timeline is null ? null
        : new TimelineFindings(_timeline.Rules, _timeline.EventsBeforeSignup, _timeline.IsComplete ? _timeline.CustomersWithActivityAfterChurn : null,
            _timeline.ActivityAfterChurnRows);

    /// <summary>Reads one partition as batches of valid events. Invalid rows are reported (and, in skip mode, skipped).</summary>
    /// <param name="withChannel">Read the channel column too (touchpoints need it; features do not, and text is the costly part of a read).</param>
    public IEnumerable<EventBatch> ReadPartition(int partition, bool withChannel = true)
    {
        if (_memory is not null)
        {
            yield return _memory;
            yield break;
        }
        if (_timeline is { MustLearnFirst: true })
        {
            LearnTimelinesFirst();
        }
        var (file, p) = _partitions[partition];
        using var reader = TableReader.Open(file, _mapping.CsvFormatFor(_mapping.Events));
        var cache = new TextCache();
        var kinds = new long[EventKinds.Count];
        var tally = new PartitionTally();
        bool rejectsKnown = _timeline is { IsComplete: true };
        long rows = 0;
        foreach (var chunk in reader.ReadPartition(p, WantedColumns(reader, withChannel)))
        {
            rows += chunk.RowCount;
            using var batch = new EventBatch(chunk.RowCount);
            for (int i = 0; i < chunk.RowCount; i++)
            {
                long row = chunk.RowNumber(i);
                if (row < 0)
                {
                    ReportMalformed(chunk, row, reader.Columns.Count);
                    continue;
                }
                if (TryReadCustomer(chunk, i, row, out int customer)
                    && TryReadTime(chunk, i, row, out long ticks)
                    && TryReadKind(chunk, i, row, cache, out var kind)
                    && TryReadValue(chunk, i, row, out double value)
                    && _timeline!.Accept(customer, ticks, kind, chunk.File, row, ref tally))
                {
                    kinds[(int)kind]++;
                    batch.Add(customer, ticks, kind, (float)value, withChannel ? cache.Channel(chunk.GetSpan(3, i)) : null);
                }
            }
            yield return batch;
        }
        ReportPartitionRead(reader.FileName, rows, cache.Unmapped);
        _kindsByPartition[partition] = kinds;
        _unmappedByPartition[partition] = cache.Unmapped;
        FinishPartition(partition, reader.FileName, tally, rejectsKnown);
    }

    /// <summary>
    /// Counts the partition's timeline findings; the read that completes the first whole pass decides which customers'
    /// activity after churn is impossible and, in a strict run, takes a second look at the events to report those rows.
    /// </summary>
    private void FinishPartition(int partition, string fileName, PartitionTally tally, bool rejectsKnown)
    {
        var timeline = _timeline!;
        if (tally.BeforeSignup > 0 && timeline.Rules.EventsBeforeSignup == TimelineRule.Keep)
        {
            _report.AddNote($"{fileName}: events before the customer signed up, kept (timelines.eventsBeforeSignup is keep)", tally.BeforeSignup);
        }
        if (timeline.PartitionRead(partition, tally, rejectsKnown) && !timeline.IsComplete && timeline.Decide())
        {
            ReportActivityAfterChurn(timeline);
        }
    }

    /// <summary>The second look (strict runs only, and only when such customers exist): every row of activity after churn, reported.</summary>
    private void ReportActivityAfterChurn(TimelineCheck timeline)
    {
        var counts = new long[_partitions.Length];
        ParallelReads.For(_partitions.Length, new ParallelOptions(), p => ScanQuietly(p, (c, ticks, kind, file, row) =>
        {
            if (timeline.IsLateActivity(c, ticks, kind))
            {
                counts[p]++;
                timeline.ReportSecondLook(c, kind, file, row);
            }
        }));
        timeline.SetAfterChurnRows(counts);
    }

    /// <summary>
    /// Before a skip-mode read hands out any row: one quiet pass over the events (id, time and type) to learn every
    /// customer's churn and comeback, so that the rows of activity after churn are skipped as they come.
    /// </summary>
    private void LearnTimelinesFirst()
    {
        lock (_learning)
        {
            var timeline = _timeline!;
            if (!timeline.MustLearnFirst)
            {
                return;
            }
            ParallelReads.For(_partitions.Length, new ParallelOptions(), p => ScanQuietly(p, (c, ticks, kind, _, _) => timeline.LearnOnly(c, ticks, kind)));
            timeline.Decide();
        }
    }

    private delegate void RowVisitor(int customer, long ticks, EventKind kind, string file, long row);

    /// <summary>Reads a partition's valid rows without reporting anything (their problems are reported by the real read).</summary>
    private void ScanQuietly(int partition, RowVisitor visit)
    {
        var (file, p) = _partitions[partition];
        using var reader = TableReader.Open(file, _mapping.CsvFormatFor(_mapping.Events));
        var cache = new TextCache();
        var columns = _mapping.Events.Columns;
        bool rejectUnmapped = _mapping.Events.UnmappedTypes == UnmappedTypePolicy.Error;
        string?[] wanted = [columns.CustomerId, columns.OccurredAt, columns.Type, null, reader.IndexOf(columns.Value) >= 0 ? columns.Value : null];
        foreach (var chunk in reader.ReadPartition(p, wanted))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                long row = chunk.RowNumber(i);
                var id = chunk.GetSpan(0, i);
                if (row < 0 || id.IsWhiteSpace()
                    || (!_customers.TryGetIndex(id, out int c) && !_customers.TryGetIndex(id.Trim(), out c))
                    || !chunk.TryGetTime(1, i, _mapping.TimeFormat, out var occurred, out _) || occurred.Ticks >= _dataAsOf.Ticks
                    || chunk.GetSpan(2, i).IsWhiteSpace()
                    || !chunk.TryGetOptionalDouble(4, i, out double value) || value < 0 || IsTooLarge(value))
                {
                    continue;
                }
                var (kind, mapped) = cache.Type(chunk.GetSpan(2, i), _types);
                if (!mapped && rejectUnmapped)
                {
                    continue;
                }
                visit(c, occurred.Ticks, kind, chunk.File, row);
            }
        }
    }

    /// <summary>Id, time and type always; the channel when asked for and present; the value when present.</summary>
    private string?[] WantedColumns(TableReader reader, bool withChannel)
    {
        var columns = _mapping.Events.Columns;
        return [columns.CustomerId, columns.OccurredAt, columns.Type,
            withChannel && reader.IndexOf(columns.Channel) >= 0 ? columns.Channel : null,
            reader.IndexOf(columns.Value) >= 0 ? columns.Value : null];
    }

    private void ReportMalformed(TableChunk chunk, long row, int columnCount) =>
        _report.Add(new DataProblem(chunk.File, -row, null, $"malformed row: expected {columnCount} fields"), "malformed row");

    /// <summary>The row's customer index; false (reported) when the id is missing or not in the customers table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadCustomer(TableChunk chunk, int i, long row, out int customer)
    {
        var id = chunk.GetSpan(0, i);
        if (id.IsWhiteSpace())
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.CustomerId, "missing customer id"));
            customer = -1;
            return false;
        }
        if (!_customers.TryGetIndex(id, out customer) && !_customers.TryGetIndex(id.Trim(), out customer))
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.CustomerId, "unknown customer (not in the customers table)"), "unknown customer");
            return false;
        }
        return true;
    }

    /// <summary>When the event happened; false (reported) when it does not parse or is at or after the data's as-of date.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadTime(TableChunk chunk, int i, long row, out long ticks)
    {
        if (!chunk.TryGetTime(1, i, _mapping.TimeFormat, out var occurred, out var reason))
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.OccurredAt, reason), reason);
            ticks = 0;
            return false;
        }
        ticks = occurred.Ticks;
        if (ticks >= _dataAsOf.Ticks)
        {
            ReportAfterAsOf(chunk, row);
            return false;
        }
        return true;
    }

    private void ReportAfterAsOf(TableChunk chunk, long row) =>
        _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.OccurredAt,
            $"event at or after the data's as-of date {_dataAsOf:yyyy-MM-ddTHH:mm:ssZ}"), "event after the data's as-of date");

    /// <summary>The event's kind; an unmapped type is counted and kept as 'other', or reported when the mapping says so.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadKind(TableChunk chunk, int i, long row, TextCache cache, out EventKind kind)
    {
        var typeSpan = chunk.GetSpan(2, i);
        if (typeSpan.IsWhiteSpace())
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.Type, "missing event type"));
            kind = EventKind.Other;
            return false;
        }
        var known = cache.Type(typeSpan, _types);
        kind = known.Kind;
        return known.Mapped || AcceptUnmapped(chunk, row, typeSpan.ToString(), cache.Unmapped);
    }

    private bool AcceptUnmapped(TableChunk chunk, long row, string type, Dictionary<string, long> unmapped)
    {
        if (_mapping.Events.UnmappedTypes == UnmappedTypePolicy.Error)
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.Type,
                $"event type '{Truncate(type)}' is not mapped to a JourneyML event type"), "unmapped event type");
            return false;
        }
        unmapped[type] = unmapped.GetValueOrDefault(type) + 1;
        return true;
    }

    /// <summary>The event's value (NaN when blank); false (reported) when it is not a number or is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadValue(TableChunk chunk, int i, long row, out double value)
    {
        if (!chunk.TryGetOptionalDouble(4, i, out value))
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.Value, "value is not a number"));
            return false;
        }
        if (value < 0)
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.Value, "negative value (minutes, counts and severities are never negative)"), "negative value");
            return false;
        }
        if (IsTooLarge(value))
        {
            _report.Add(new DataProblem(chunk.File, row, _mapping.Events.Columns.Value,
                $"value too large: {value:G3} is beyond the largest a value can hold ({float.MaxValue:G3})"), "value too large");
            return false;
        }
        return true;
    }

    /// <summary>Values are kept as 32-bit floats: anything beyond would become infinity and poison every sum it is part of.</summary>
    private static bool IsTooLarge(double value) => double.IsInfinity(value) || Math.Abs(value) > float.MaxValue;

    private void ReportPartitionRead(string fileName, long rows, Dictionary<string, long> unmapped)
    {
        _report.AddRowsRead(fileName, rows);
        foreach (var (type, count) in unmapped)
        {
            _report.AddNote($"{fileName}: event type '{Truncate(type)}' is not mapped; kept as 'other' (activity, not a signal)", count);
        }
    }

    /// <summary>
    /// One reader's type names and channels: they repeat, so each distinct text is resolved once and then looked up by
    /// span, with no string made per row. Also counts the unmapped types seen.
    /// </summary>
    private sealed class TextCache
    {
        private readonly Dictionary<string, (EventKind Kind, bool Mapped)> _types = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (EventKind Kind, bool Mapped)>.AlternateLookup<ReadOnlySpan<char>> _typeLookup;
        private readonly Dictionary<string, string> _channels = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _channelLookup;

        public TextCache()
        {
            _typeLookup = _types.GetAlternateLookup<ReadOnlySpan<char>>();
            _channelLookup = _channels.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Dictionary<string, long> Unmapped { get; } = new(StringComparer.Ordinal);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (EventKind Kind, bool Mapped) Type(ReadOnlySpan<char> span, Dictionary<string, EventKind> kinds) =>
            _typeLookup.TryGetValue(span, out var known) ? known : LearnType(span, kinds);

        private (EventKind Kind, bool Mapped) LearnType(ReadOnlySpan<char> span, Dictionary<string, EventKind> kinds)
        {
            var name = span.ToString();
            var known = kinds.TryGetValue(name.Trim(), out var mappedKind) ? (mappedKind, true) : (EventKind.Other, false);
            _types[name] = known;
            return known;
        }

        /// <summary>The channel's one string; null when blank.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public string? Channel(ReadOnlySpan<char> span)
        {
            if (span.IsWhiteSpace())
            {
                return null;
            }
            if (!_channelLookup.TryGetValue(span, out var channel))
            {
                channel = span.ToString();
                _channels[channel] = channel;
            }
            return channel;
        }
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
