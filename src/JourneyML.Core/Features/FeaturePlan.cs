using System.Globalization;
using System.Text;
using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>A column of the customers table offered to the models, under the user's own name.</summary>
public sealed record AttributeFeature(string Name, FeatureKind Kind, int CustomersWithValue)
{
    private const string FromCustomers = "from the customers table";

    public string Description => Kind == FeatureKind.Numeric
        ? $"'{Name}' {FromCustomers} (a number)"
        : $"'{Name}' {FromCustomers} (a category)";

    /// <summary>Whether a table's column is one of the customers table's own (its description says so), for wording its reasons.</summary>
    public static bool IsAttribute(FeatureColumn column) => column.Description.StartsWith($"'{column.Name}' {FromCustomers}", StringComparison.Ordinal);
}

/// <summary>A column that is not a feature, and why (in words a data engineer can act on); <paramref name="Leak"/> when it would leak the label.</summary>
public sealed record LeftOutColumn(string Column, string Reason, bool Leak = false);

/// <summary>
/// Which features a dataset's table holds: the behaviour features its export can support (account roll-ups only when
/// accounts hold several contacts, value features only when events carry values) and the customers table's own columns,
/// typed as mode B types a column, with those left out and why. Decided once per dataset, from the customers table and
/// the whole export, so every as-of date of one export gets the same columns.
/// </summary>
public sealed class FeaturePlan
{
    /// <summary>A categorical column with more distinct values than this, and more than one per two customers, is free text.</summary>
    public const int MaxCategories = 20;

    private readonly HashSet<string> _behaviour;

    private FeaturePlan(bool accountRollups, bool usageValues, bool severityValues, IEnumerable<EventKind> contentValues, bool repeatPurchases,
        List<AttributeFeature> attributes, List<float[]?> numbers, List<string?[]?> texts, List<LeftOutColumn> leftOut)
    {
        RepeatPurchases = repeatPurchases;
        AccountRollups = accountRollups;
        UsageValues = usageValues;
        SeverityValues = severityValues;
        var valued = contentValues.ToHashSet();
        ContentValueKinds = [.. FeatureNames.ContentValues.Select(v => v.Kind).Where(valued.Contains)];
        var contentSkipped = FeatureNames.ContentValues.Where(v => !valued.Contains(v.Kind)).SelectMany(v => new[] { v.Name, v.Mean }).ToHashSet();
        Behaviour = [.. FeatureNames.Definitions.Where(d =>
            (accountRollups || !FeatureNames.AccountRollups.Contains(d.Name))
            && (usageValues || !FeatureNames.UsageValues.Contains(d.Name))
            && (severityValues || !FeatureNames.SeverityValues.Contains(d.Name))
            && (repeatPurchases || !FeatureNames.RepeatPurchases.Contains(d.Name))
            && !contentSkipped.Contains(d.Name))];
        _behaviour = [.. Behaviour.Select(b => b.Name)];
        Attributes = attributes;
        AttributeNumbers = numbers;
        AttributeTexts = texts;
        LeftOut = leftOut;
    }

    /// <summary>The behaviour features written, in <see cref="FeatureNames.Definitions"/> order.</summary>
    public IReadOnlyList<(string Name, string Description)> Behaviour { get; }
    /// <summary>The customers table's columns written as features, after the behaviour features, in header order.</summary>
    public IReadOnlyList<AttributeFeature> Attributes { get; }
    /// <summary>The customers table's columns not written, each with the reason.</summary>
    public IReadOnlyList<LeftOutColumn> LeftOut { get; }
    /// <summary>Account roll-ups are written (some account holds two or more contacts).</summary>
    public bool AccountRollups { get; }
    /// <summary>Minutes-of-use features are written (some login event in the export has a value).</summary>
    public bool UsageValues { get; }
    /// <summary>Ticket-severity features are written (some ticket event in the export has a value).</summary>
    public bool SeverityValues { get; }
    /// <summary>Order counts (<see cref="FeatureNames.RepeatPurchases"/>) are written: the export holds repeat purchases (<see cref="EventValues.HoldsRepeatPurchases"/>).</summary>
    public bool RepeatPurchases { get; }
    /// <summary>The content and pricing-page event types whose value feature is written (some event of the type in the export has a value), in <see cref="FeatureNames.ContentValues"/> order.</summary>
    public IReadOnlyList<EventKind> ContentValueKinds { get; }

    /// <summary>Per attribute, its value per customer index: numbers (NaN when blank) or text (null when blank).</summary>
    internal IReadOnlyList<float[]?> AttributeNumbers { get; }
    internal IReadOnlyList<string?[]?> AttributeTexts { get; }

    /// <summary>The intervention kinds whose features are written (<see cref="InterventionFeatures"/>); empty without an interventions table.</summary>
    public IReadOnlyList<string> InterventionKinds { get; internal set; } = [];

    /// <summary>Whether the table holds this behaviour feature.</summary>
    public bool Writes(string feature) => _behaviour.Contains(feature);

    /// <summary>What the plan decided beyond the columns, one sentence each, for the feature and training reports.</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            var notes = new List<string>
            {
                AccountRollups
                    ? "account roll-ups computed (accounts hold several contacts)"
                    : "account roll-ups not computed: no account holds two or more contacts (no account_id column, or every customer is their own account)",
                UsageValues
                    ? "minutes-of-use features written from the values on login events"
                    : "minutes-of-use features not written: no login event in the export has a value",
                SeverityValues
                    ? "ticket-severity features written from the values on ticket events"
                    : "ticket-severity features not written: no ticket event in the export has a value",
                ContentValueKinds.Count > 0
                    ? "content value features written from the values on " + string.Join(", ", ContentValueKinds.Select(k => k.CanonicalName())) + " events"
                    : "content value features not written: no content or pricing-page event in the export has a value",
            };
            if (RepeatPurchases)
            {
                // Only said when written, so the reports of exports without repeat orders read as before.
                notes.Add("purchase counts (purchases_90d, days_since_last_purchase) written: customers order again and again (5% or more of the buyers have two or more purchases beyond their cancellations)");
            }
            if (InterventionKinds.Count > 0)
            {
                notes.Add("intervention features written (days since the last one, count in 90 days) for: " + string.Join(", ", InterventionKinds));
            }
            return notes;
        }
    }

    /// <summary>The plan for a dataset read from files: attributes inferred and screened, roll-ups and value features as the export supports.</summary>
    public static FeaturePlan For(CustomerTable customers, CustomersMapping mapping, bool usageValues, bool severityValues, IEnumerable<EventKind> contentValues,
        bool repeatPurchases = false)
    {
        var attributes = new List<AttributeFeature>();
        var numbers = new List<float[]?>();
        var texts = new List<string?[]?>();
        var leftOut = new List<LeftOutColumn>();
        var ignored = new HashSet<string>(mapping.Ignore, StringComparer.OrdinalIgnoreCase);
        var passedThrough = new HashSet<string>(customers.PassThrough.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var column in customers.AttributeColumns)
        {
            if (ignored.Contains(column))
            {
                leftOut.Add(new LeftOutColumn(column, "listed in customers.ignore in the mapping"));
                continue;
            }
            // Identifying columns (email, name, owner...) go to the exports for people, never to the models.
            if (passedThrough.Contains(column))
            {
                leftOut.Add(new LeftOutColumn(column, "identifies a person: passed through to the exports, not a feature"));
                continue;
            }
            var values = ValuesOf(customers, column);
            var reason = ReasonToLeaveOut(column, values, out var kind);
            if (reason is not null)
            {
                leftOut.Add(new LeftOutColumn(column, reason, Leak: OutcomeWord(column) is not null));
                continue;
            }
            Add(attributes, numbers, texts, column, kind, values);
        }
        return new FeaturePlan(customers.HasSharedAccounts(), usageValues, severityValues, contentValues, repeatPurchases, attributes, numbers, texts, leftOut);
    }

    /// <summary>
    /// Every behaviour feature, and the given attributes with the given kinds: for customers given in a request, whose
    /// few rows cannot decide a plan; the model's own schema does (a value that is not a number reads as missing).
    /// </summary>
    public static FeaturePlan Everything(CustomerTable customers, IReadOnlyList<(string Name, FeatureKind Kind)> attributes)
    {
        var kept = new List<AttributeFeature>();
        var numbers = new List<float[]?>();
        var texts = new List<string?[]?>();
        foreach (var (name, kind) in attributes)
        {
            Add(kept, numbers, texts, name, kind, ValuesOf(customers, name));
        }
        return new FeaturePlan(true, true, true, FeatureNames.ContentValues.Select(v => v.Kind), true, kept, numbers, texts, []);
    }

    private static void Add(List<AttributeFeature> attributes, List<float[]?> numbers, List<string?[]?> texts, string column, FeatureKind kind, string?[] values)
    {
        attributes.Add(new AttributeFeature(column, kind, values.Count(v => v is not null)));
        numbers.Add(kind == FeatureKind.Numeric ? [.. values.Select(v => ColumnTypes.TryNumber(v, out float x) ? x : float.NaN)] : null);
        texts.Add(kind == FeatureKind.Categorical ? values : null);
    }

    private static string?[] ValuesOf(CustomerTable customers, string column)
    {
        var values = new string?[customers.Count];
        for (int c = 0; c < customers.Count; c++)
        {
            values[c] = customers[c].Attributes.TryGetValue(column, out var v) ? v : FindIgnoringCase(customers[c].Attributes, column);
        }
        return values;
    }

    // Two files of one table may spell a header in different case; the reader keys values by each file's spelling.
    private static string? FindIgnoringCase(IReadOnlyDictionary<string, string> attributes, string column) =>
        attributes.Count == 0 ? null : attributes.FirstOrDefault(kv => kv.Key.Equals(column, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Why a column is not a feature (null when it is one), and its kind when it is.</summary>
    internal static string? ReasonToLeaveOut(string column, string?[] values, out FeatureKind kind)
    {
        kind = ColumnTypes.Infer(values);
        if (OutcomeWord(column) is { } word)
        {
            return $"its name says '{word}': a column written at or after the outcome would leak the label into the models";
        }
        if (ReservedName(column) is { } reserved)
        {
            return $"same name as the column JourneyML writes as '{reserved}'; rename it in the export to use it";
        }
        var present = values.Where(v => v is not null).Select(v => v!).ToList();
        if (present.Count == 0)
        {
            return "no customer has a value";
        }
        int distinct = present.Distinct(StringComparer.Ordinal).Count();
        if (distinct == 1)
        {
            return $"the same value for every customer who has one ('{Truncate(present[0])}')";
        }
        return kind == FeatureKind.Numeric ? NumericReason(column, present, distinct) : CategoricalReason(present, distinct);
    }

    private static string? NumericReason(string column, List<string> present, int distinct)
    {
        if (distinct < present.Count || present.Count < 10)
        {
            return null;
        }
        var numbers = present.Select(v => ColumnTypes.TryNumber(v, out float x) ? (double)x : double.NaN).ToList();
        bool whole = numbers.All(x => x == Math.Floor(x));
        // A number unique per customer is an id when its name says so, or when the numbers run nearly in sequence.
        if (whole && (LooksLikeId(column) || numbers.Max() - numbers.Min() < 2.0 * present.Count))
        {
            return "an id: a different whole number for every customer";
        }
        return null;
    }

    private static string? CategoricalReason(List<string> present, int distinct)
    {
        if (present.Count(v => v.Contains('@', StringComparison.Ordinal)) * 2 > present.Count)
        {
            return "email addresses: personal, and different for every customer";
        }
        if (distinct == present.Count && present.Count >= 10)
        {
            return $"a different value for every customer ({distinct:N0} of them): a name, an id or free text, not a category";
        }
        if (distinct > MaxCategories && distinct * 2 > present.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"free text: {distinct:N0} different values among {present.Count:N0} customers (a category repeats)");
        }
        return null;
    }

    /// <summary>The column JourneyML itself writes under this name (features, ids, status, labels), or null.</summary>
    private static string? ReservedName(string column)
    {
        var reserved = FeatureNames.Definitions.Select(d => d.Name)
            .Concat([FeatureTableFiles.IdColumn, FeatureTableFiles.AccountColumn, FeatureTableFiles.StatusColumn, LabelNames.Churn, LabelNames.Conversion]);
        return reserved.FirstOrDefault(r => r.Equals(column, StringComparison.OrdinalIgnoreCase))
            ?? (column.StartsWith(FeatureTableFiles.LabelPrefix, StringComparison.OrdinalIgnoreCase) ? column : null);
    }

    private static readonly string[] s_outcomePrefixes = ["churn", "cancel", "convert"];
    private static readonly string[] s_outcomeWords = ["won", "lost"];
    private static readonly string[] s_outcomeJapanese = ["解約", "退会", "成約", "受注", "失注"];

    /// <summary>The word in a column's name that says it records an outcome (churn, cancel, converted, won, lost; 解約, 退会, 成約, 受注, 失注), or null.</summary>
    public static string? OutcomeWord(string column)
    {
        foreach (var word in s_outcomeJapanese)
        {
            if (column.Contains(word, StringComparison.Ordinal))
            {
                return word;
            }
        }
        foreach (var token in Tokens(column))
        {
            if (s_outcomeWords.Contains(token) || s_outcomePrefixes.Any(p => token.StartsWith(p, StringComparison.Ordinal)))
            {
                return token;
            }
        }
        return null;
    }

    private static readonly string[] s_idWords = ["id", "uuid", "guid", "no", "number", "code", "key"];

    private static bool LooksLikeId(string column) =>
        Tokens(column).Any(t => s_idWords.Contains(t)) || column.Contains("番号", StringComparison.Ordinal) || column.Contains("コード", StringComparison.Ordinal);

    /// <summary>A name's words, lower case: split at anything but letters and digits, and where camelCase turns upper ("isChurned" → is, churned).</summary>
    internal static IEnumerable<string> Tokens(string name)
    {
        var token = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char ch = name[i];
            bool boundary = !char.IsLetterOrDigit(ch) || (char.IsUpper(ch) && i > 0 && char.IsLower(name[i - 1]));
            if (boundary && token.Length > 0)
            {
                yield return token.ToString();
                token.Clear();
            }
            if (char.IsLetterOrDigit(ch))
            {
                token.Append(char.ToLowerInvariant(ch));
            }
        }
        if (token.Length > 0)
        {
            yield return token.ToString();
        }
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
