using System.Buffers;

namespace JourneyML.Core.Data;

/// <summary>Every customer of a dataset, indexed by id and grouped by account. Small enough to hold (one row per person).</summary>
public sealed class CustomerTable
{
    private readonly Dictionary<string, int> _indexById;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _indexBySpan;

    /// <summary>
    /// The customer columns passed through to the exports (<see cref="PassThroughColumns"/>): kept in each customer's
    /// attributes for the exports, and never features.
    /// </summary>
    public IReadOnlyList<PassThroughColumn> PassThrough { get; init; } = [];

    public CustomerTable(IReadOnlyList<Customer> customers)
    {
        Customers = customers;
        _indexById = new Dictionary<string, int>(customers.Count, StringComparer.Ordinal);
        for (int i = 0; i < customers.Count; i++)
        {
            _indexById[customers[i].CustomerId] = i;
        }
        _indexBySpan = _indexById.GetAlternateLookup<ReadOnlySpan<char>>();
        var accounts = new Dictionary<string, int>(StringComparer.Ordinal);
        AccountIndex = new int[customers.Count];
        var accountIds = new List<string>();
        for (int i = 0; i < customers.Count; i++)
        {
            var account = customers[i].AccountId;
            if (string.IsNullOrEmpty(account))
            {
                AccountIndex[i] = -1;
                continue;
            }
            if (!accounts.TryGetValue(account, out int a))
            {
                a = accountIds.Count;
                accounts[account] = a;
                accountIds.Add(account);
            }
            AccountIndex[i] = a;
        }
        AccountIds = accountIds;
    }

    public IReadOnlyList<Customer> Customers { get; }
    public int Count => Customers.Count;
    public Customer this[int index] => Customers[index];

    /// <summary>Per customer, the index into <see cref="AccountIds"/>, or -1 for a customer without an account.</summary>
    public int[] AccountIndex { get; }
    public IReadOnlyList<string> AccountIds { get; }

    /// <summary>
    /// The customers file's own extra columns (beyond id, account, sign-up, plan, role and region), in header order, as the
    /// user spelled them; a customer's values are in <see cref="Customer.Attributes"/> (blank ones absent).
    /// </summary>
    public IReadOnlyList<string> AttributeColumns { get; init; } = [];

    /// <summary>Whether some account holds two or more contacts: without that there is nothing to roll up.</summary>
    public bool HasSharedAccounts()
    {
        var contacts = new int[AccountIds.Count];
        foreach (int a in AccountIndex)
        {
            if (a >= 0 && ++contacts[a] > 1)
            {
                return true;
            }
        }
        return false;
    }

    public bool TryGetIndex(string customerId, out int index) => _indexById.TryGetValue(customerId, out index);

    public bool TryGetIndex(ReadOnlySpan<char> customerId, out int index) => _indexBySpan.TryGetValue(customerId, out index);
}

/// <summary>
/// Events in columns, one block at a time: the form the feature step streams through. The arrays are pooled
/// and may be longer than <see cref="Count"/>; a batch handed out by <see cref="EventSource"/> is valid until the
/// reader moves to the next one.
/// </summary>
public sealed class EventBatch : IDisposable
{
    public EventBatch(int capacity)
    {
        Customer = ArrayPool<int>.Shared.Rent(capacity);
        Ticks = ArrayPool<long>.Shared.Rent(capacity);
        Kind = ArrayPool<EventKind>.Shared.Rent(capacity);
        Value = ArrayPool<float>.Shared.Rent(capacity);
        Channel = ArrayPool<string?>.Shared.Rent(capacity);
    }

    public int Count { get; set; }
    public int[] Customer { get; }
    public long[] Ticks { get; }
    public EventKind[] Kind { get; }
    /// <summary>Optional value (minutes, severity); NaN when missing.</summary>
    public float[] Value { get; }
    public string?[] Channel { get; }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(Customer);
        ArrayPool<long>.Shared.Return(Ticks);
        ArrayPool<EventKind>.Shared.Return(Kind);
        ArrayPool<float>.Shared.Return(Value);
        ArrayPool<string?>.Shared.Return(Channel, clearArray: true);
    }

    public void Add(int customer, long ticks, EventKind kind, float value, string? channel)
    {
        int i = Count++;
        Customer[i] = customer;
        Ticks[i] = ticks;
        Kind[i] = kind;
        Value[i] = value;
        Channel[i] = channel;
    }
}

/// <summary>The optional outcomes table, per customer index. Absent outcomes come from lifecycle events.</summary>
public sealed class OutcomeTable(int customers)
{
    public DateTime?[] ConvertedAt { get; } = new DateTime?[customers];
    public DateTime?[] ChurnedAt { get; } = new DateTime?[customers];
    public bool[] Present { get; } = new bool[customers];
}
