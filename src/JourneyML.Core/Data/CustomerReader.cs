namespace JourneyML.Core.Data;

/// <summary>Reads and validates the customers table.</summary>
internal static class CustomerReader
{
    private static readonly HashSet<string> s_known = new(StringComparer.OrdinalIgnoreCase);

    public static CustomerTable Read(IReadOnlyList<string> files, DataMapping mapping, DateTime dataAsOf, ValidationReport report)
    {
        var columns = mapping.Customers.Columns;
        var customers = new List<Customer>();
        var roles = new Dictionary<string, string>(mapping.Customers.Roles, StringComparer.OrdinalIgnoreCase);
        var firstSeen = new Dictionary<string, (string File, long Row)>(StringComparer.Ordinal);
        IReadOnlyList<PassThroughColumn>? passThrough = null;
        var attributeColumns = new List<string>();
        foreach (var file in files)
        {
            using var reader = TableReader.Open(file, mapping.CsvFormatFor(mapping.Customers));
            reader.RequireColumn(columns.CustomerId, "the customer's id");
            reader.RequireColumn(columns.SignedUpAt, "when the customer signed up or was created");
            reader.RequireColumn(columns.Plan, "the customer's plan or tier");
            var mapped = new[] { columns.CustomerId, columns.AccountId, columns.SignedUpAt, columns.Plan, columns.Role, columns.Region };
            var extras = reader.Columns.Where(c => !mapped.Contains(c, StringComparer.OrdinalIgnoreCase)).ToArray();
            var wanted = mapped.Select(c => reader.IndexOf(c) >= 0 ? c : null).Concat(extras).ToArray();
            passThrough ??= PassThroughColumns.Resolve(reader.FileName, reader.Columns, extras, mapping.Customers.PassThrough);
            attributeColumns.AddRange(extras.Where(e => !attributeColumns.Contains(e, StringComparer.OrdinalIgnoreCase)));
            foreach (var (chunk, i, row, id) in reader.RowsWithId(wanted, columns.CustomerId, report))
            {
                if (firstSeen.TryGetValue(id, out var first))
                {
                    report.Add(new DataProblem(chunk.File, row, columns.CustomerId,
                        $"duplicate customer id (first at {first.File} row {first.Row})"), "duplicate customer id");
                    continue;
                }
                if (!chunk.TryGetTime(2, i, mapping.TimeFormat, out var signedUp, out var reason))
                {
                    report.Add(new DataProblem(chunk.File, row, columns.SignedUpAt, reason), reason);
                    continue;
                }
                if (signedUp >= dataAsOf)
                {
                    report.Add(new DataProblem(chunk.File, row, columns.SignedUpAt,
                        $"signed up at or after the data's as-of date {dataAsOf:yyyy-MM-ddTHH:mm:ssZ}"), "signed up after the data's as-of date");
                    continue;
                }
                var plan = chunk.GetString(3, i)?.Trim();
                if (string.IsNullOrEmpty(plan))
                {
                    report.Add(new DataProblem(chunk.File, row, columns.Plan, "missing plan"));
                    continue;
                }
                var role = Blank(chunk.GetString(4, i));
                if (role is not null && roles.TryGetValue(role, out var ourRole))
                {
                    role = ourRole;
                }
                Dictionary<string, string> attributes = [];
                for (int e = 0; e < extras.Length; e++)
                {
                    if (Blank(chunk.GetString(6 + e, i)) is { } value)
                    {
                        attributes[extras[e]] = value;
                    }
                }
                firstSeen[id] = (chunk.File, row);
                customers.Add(new Customer(id, Blank(chunk.GetString(1, i)), signedUp, Intern(plan), role is null ? null : Intern(role),
                    Blank(chunk.GetString(5, i)) is { } region ? Intern(region) : null, attributes));
            }
        }
        NoteUnknownIgnored(mapping, attributeColumns, mapped: [columns.CustomerId, columns.AccountId, columns.SignedUpAt, columns.Plan, columns.Role, columns.Region], report);
        return new CustomerTable(customers) { PassThrough = passThrough ?? [], AttributeColumns = attributeColumns };
    }

    /// <summary>A name in <c>customers.ignore</c> that is no extra column is most likely a typo: say so rather than ignore nothing.</summary>
    private static void NoteUnknownIgnored(DataMapping mapping, List<string> attributeColumns, string[] mapped, ValidationReport report)
    {
        foreach (var name in mapping.Customers.Ignore)
        {
            if (mapped.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                report.AddNote($"customers.ignore: '{name}' is a mapped column (id, account, sign-up, plan, role or region), not an attribute; it stays in use", 1);
            }
            else if (!attributeColumns.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                report.AddNote($"customers.ignore: the customers table has no column '{name}'", 1);
            }
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    // Plans, roles and regions repeat across a million rows: keep one string each.
    private static string Intern(string s)
    {
        lock (s_known)
        {
            if (s_known.TryGetValue(s, out var known))
            {
                return known;
            }
            if (s_known.Count < 10_000)
            {
                s_known.Add(s);
            }
            return s;
        }
    }
}

/// <summary>Reads and validates the optional outcomes table.</summary>
internal static class OutcomeReader
{
    public static OutcomeTable Read(IReadOnlyList<string> files, DataMapping mapping, CustomerTable customers, DateTime dataAsOf, ValidationReport report)
    {
        var columns = mapping.Outcomes.Columns;
        var outcomes = new OutcomeTable(customers.Count);
        var firstRow = new Dictionary<int, long>();
        foreach (var file in files)
        {
            using var reader = TableReader.Open(file, mapping.CsvFormatFor(mapping.Outcomes));
            reader.RequireColumn(columns.CustomerId, "the customer's id");
            if (reader.IndexOf(columns.ChurnedAt) < 0 && reader.IndexOf(columns.ConvertedAt) < 0)
            {
                throw new DataFileException(reader.FileName,
                    $"missing required column: an outcomes table needs '{columns.ChurnedAt}' or '{columns.ConvertedAt}'", columns.ChurnedAt);
            }
            string?[] wanted = [columns.CustomerId,
                reader.IndexOf(columns.ChurnedAt) >= 0 ? columns.ChurnedAt : null,
                reader.IndexOf(columns.ConvertedAt) >= 0 ? columns.ConvertedAt : null];
            foreach (var (chunk, i, row, id) in reader.RowsWithId(wanted, columns.CustomerId, report))
            {
                if (!customers.TryGetIndex(id, out int c))
                {
                    report.Add(new DataProblem(chunk.File, row, columns.CustomerId, "unknown customer (not in the customers table)"), "unknown customer");
                    continue;
                }
                if (firstRow.TryGetValue(c, out long first))
                {
                    report.Add(new DataProblem(chunk.File, row, columns.CustomerId, $"duplicate customer id (first at row {first})"), "duplicate customer id");
                    continue;
                }
                if (!TryOptionalTime(chunk, 1, i, row, columns.ChurnedAt, mapping, dataAsOf, report, out var churned)
                    || !TryOptionalTime(chunk, 2, i, row, columns.ConvertedAt, mapping, dataAsOf, report, out var converted))
                {
                    continue;
                }
                if (!OutcomeTimeline.Accept(chunk.File, row, columns, customers[c], churned, converted, mapping.Timelines, report))
                {
                    continue;
                }
                firstRow[c] = row;
                outcomes.ChurnedAt[c] = churned;
                outcomes.ConvertedAt[c] = converted;
                outcomes.Present[c] = true;
            }
        }
        return outcomes;
    }

    private static bool TryOptionalTime(TableChunk chunk, int column, int i, long row, string name, DataMapping mapping,
        DateTime dataAsOf, ValidationReport report, out DateTime? value)
    {
        value = null;
        if (!chunk.HasColumn(column) || chunk.IsMissing(column, i))
        {
            return true;
        }
        if (!chunk.TryGetTime(column, i, mapping.TimeFormat, out var t, out var reason))
        {
            report.Add(new DataProblem(chunk.File, row, name, reason), reason);
            return false;
        }
        if (t >= dataAsOf)
        {
            report.Add(new DataProblem(chunk.File, row, name, $"after the data's as-of date {dataAsOf:yyyy-MM-ddTHH:mm:ssZ}"), "time after the data's as-of date");
            return false;
        }
        value = t;
        return true;
    }
}
