using System.Globalization;
using System.Collections.Concurrent;
using System.Text;

namespace JourneyML.Core.Data;

/// <summary>One rejected row or file: where it is and why. Never holds the raw value of a personal attribute.</summary>
public sealed record DataProblem(string File, long Row, string? Column, string Reason)
{
    public override string ToString()
    {
        var where = Row > 0 ? $"{File}, row {Row}" : File;
        return Column is null ? $"{where}: {Reason}" : $"{where}, column '{Column}': {Reason}";
    }
}

/// <summary>How to treat rows that fail validation.</summary>
public enum InvalidRowPolicy
{
    /// <summary>Default: read on to count every problem, then fail with the first ones listed and the total.</summary>
    Strict,
    /// <summary>Skip each invalid row and count it in the run's report (<c>--skip-invalid</c>).</summary>
    Skip,
}

/// <summary>
/// Collects every problem found while reading a dataset. Thread-safe: the event readers validate
/// row groups in parallel. Keeps the first <see cref="MaxListed"/> problems in file order per file
/// and counts all of them, by file and reason.
/// </summary>
public sealed class ValidationReport(InvalidRowPolicy policy = InvalidRowPolicy.Strict, int maxListed = 20)
{
    private readonly object _gate = new();
    private readonly List<DataProblem> _listed = [];
    private readonly Dictionary<(string File, string Reason), long> _counts = [];
    private readonly ConcurrentDictionary<string, long> _rowsRead = new();
    private readonly ConcurrentDictionary<string, long> _notes = new();
    private long _total;

    public InvalidRowPolicy Policy { get; } = policy;
    public int MaxListed { get; } = maxListed;

    /// <summary>The default ceiling of <see cref="MaxInvalidShare"/>: 1% of a file's rows.</summary>
    public const double DefaultMaxInvalidShare = 0.01;

    /// <summary>
    /// With <see cref="InvalidRowPolicy.Skip"/>: the largest share of a file's rows that may be invalid and skipped. Beyond
    /// it the export itself is wrong (a wrong time format, a shifted column), not a few rows, and the run stops instead of
    /// training or scoring on what is left. Set by the mapping's <c>maxInvalidShare</c>.
    /// </summary>
    public double MaxInvalidShare { get; set; } = DefaultMaxInvalidShare;

    /// <summary>Invalid rows a file may always have under a non-zero ceiling, however small the file: the ceiling is for exports gone wrong.</summary>
    public const int FewRows = 10;
    public long TotalProblems => Interlocked.Read(ref _total);
    public bool HasProblems => TotalProblems > 0;

    /// <summary>The problems kept for display, ordered by file and row.</summary>
    public IReadOnlyList<DataProblem> Listed
    {
        get
        {
            lock (_gate)
            {
                return [.. _listed.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Row)];
            }
        }
    }

    /// <summary>Every problem counted by file and reason (reasons without the row-specific detail).</summary>
    public IReadOnlyList<(string File, string Reason, long Count)> CountsByReason
    {
        get
        {
            lock (_gate)
            {
                return [.. _counts.Select(kv => (kv.Key.File, kv.Key.Reason, kv.Value)).OrderBy(c => c.File).ThenByDescending(c => c.Value)];
            }
        }
    }

    public IReadOnlyDictionary<string, long> RowsRead => _rowsRead;

    /// <summary>Things worth knowing that are not errors, counted (for example unmapped event types kept as 'other').</summary>
    public IReadOnlyDictionary<string, long> Notes => _notes;

    /// <param name="category">The reason without row-specific detail, used for counting (for example "unparseable time").</param>
    public void Add(DataProblem problem, string? category = null)
    {
        Interlocked.Increment(ref _total);
        lock (_gate)
        {
            var key = (problem.File, category ?? problem.Reason);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            if (_listed.Count < MaxListed * 4)
            {
                _listed.Add(problem);
            }
            else
            {
                // Keep the earliest rows: parallel readers may report out of order.
                int latest = 0;
                for (int i = 1; i < _listed.Count; i++)
                {
                    if (Compare(_listed[i], _listed[latest]) > 0)
                    {
                        latest = i;
                    }
                }
                if (Compare(problem, _listed[latest]) < 0)
                {
                    _listed[latest] = problem;
                }
            }
        }
    }

    public void AddRowsRead(string file, long rows) => _rowsRead.AddOrUpdate(file, rows, (_, n) => n + rows);

    public void AddNote(string note, long count = 1) => _notes.AddOrUpdate(note, count, (_, n) => n + count);

    /// <summary>
    /// In strict mode, throws <see cref="DataValidationException"/> when any problem was found; when skipping, when more
    /// than <see cref="MaxInvalidShare"/> of a file's rows were invalid.
    /// </summary>
    public void ThrowIfInvalid()
    {
        if (Policy == InvalidRowPolicy.Strict && HasProblems)
        {
            throw new DataValidationException(this);
        }
        if (Policy == InvalidRowPolicy.Skip && OverCeiling() is { } over)
        {
            throw new DataValidationException(this, over);
        }
    }

    /// <summary>The first file with more invalid rows than the ceiling allows, said in words; null when none.</summary>
    private string? OverCeiling()
    {
        var invalidByFile = CountsByReason.GroupBy(c => c.File).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        foreach (var (file, rows) in RowsRead.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            // A share of a handful of rows is noise (1 of 6 is "a few rows"), so a few are always allowed, but never all of them.
            var allowed = Math.Max(MaxInvalidShare * rows, MaxInvalidShare > 0 ? FewRows : 0);
            if (rows > 0 && invalidByFile.GetValueOrDefault(file) is var invalid && (invalid > allowed || invalid >= rows))
            {
                var share = string.Create(CultureInfo.InvariantCulture, $"{invalid:N0} of {rows:N0} rows ({100.0 * invalid / rows:0.#}%)");
                var ceiling = string.Create(CultureInfo.InvariantCulture, $"{100 * MaxInvalidShare:0.##}%");
                return $"{file}: {share} are invalid, more than the {ceiling} --skip-invalid may skip (the mapping's maxInvalidShare): "
                    + "the export itself looks wrong, not a few rows. Nothing was written.";
            }
        }
        return null;
    }

    /// <summary>A plain-text summary: the first problems with file, row, column and reason, then counts.</summary>
    public string Format(int? maxLines = null, string? verb = null)
    {
        int limit = maxLines ?? MaxListed;
        var sb = new StringBuilder();
        var listed = Listed;
        if (TotalProblems == 0)
        {
            sb.AppendLine("No invalid rows.");
        }
        else
        {
            verb ??= Policy == InvalidRowPolicy.Strict ? "rejected" : "skipped";
            sb.AppendLine($"{TotalProblems:N0} invalid row(s) {verb}. First {Math.Min(limit, listed.Count)}:");
            foreach (var p in listed.Take(limit))
            {
                sb.AppendLine($"  {p}");
            }
            sb.AppendLine("By file and reason:");
            foreach (var (file, reason, count) in CountsByReason)
            {
                sb.AppendLine($"  {file}: {reason}: {count:N0}");
            }
            if (Policy == InvalidRowPolicy.Strict && verb == "rejected")
            {
                sb.AppendLine("Nothing was written. Fix the rows above, or run with --skip-invalid to skip and count them.");
            }
        }
        foreach (var (note, count) in Notes.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            sb.AppendLine($"Note: {note}: {count:N0}");
        }
        return sb.ToString();
    }

    private static int Compare(DataProblem a, DataProblem b)
    {
        int byFile = string.CompareOrdinal(a.File, b.File);
        return byFile != 0 ? byFile : a.Row.CompareTo(b.Row);
    }
}

/// <summary>Thrown when input fails validation in strict mode, or has too many invalid rows to skip; its message lists the problems.</summary>
public sealed class DataValidationException(ValidationReport report, string? ceiling = null)
    : InvalidInputException("The input data is invalid.\n" + (ceiling is null ? report.Format() : ceiling + "\n" + report.Format(verb: "found")))
{
    public ValidationReport Report { get; } = report;
}

/// <summary>Thrown for a problem that stops a whole file from being read (missing, empty, wrong type, missing column).</summary>
public sealed class DataFileException(string file, string reason, string? column = null, long? row = null)
    : InvalidInputException(new DataProblem(file, row ?? 0, column, reason).ToString())
{
    public string File { get; } = file;
    public string? Column { get; } = column;
    /// <summary>The row (a CSV file's line) the problem is on, when it is on one.</summary>
    public long? Row { get; } = row;
    public string Reason { get; } = reason;
}
