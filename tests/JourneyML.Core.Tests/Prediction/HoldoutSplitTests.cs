using System.Globalization;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>The holdout is a random sample of the customers whatever their ids look like: sequential, prefixed or time-ordered.</summary>
public sealed class HoldoutSplitTests
{
    private const int Count = 5000;

    public static TheoryData<string, int> Families() => new()
    {
        { "numbers", 1 }, { "numbers", 7 }, { "prefixed", 1 }, { "prefixed", 3 }, { "timestamps", 1 }, { "ulid", 1 }, { "ulid", 2 },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_tenth_of_the_ids_in_their_own_order_has_a_fifth_held_out(string family, int seed)
    {
        var ids = Ids(family);
        var labels = Enumerable.Range(0, Count).Select(i => i % 5 == 0 ? 1f : 0f).ToArray();
        var (_, holdout) = ClassifierTraining.StratifiedSplit([.. Enumerable.Range(0, Count)], labels, ids, 0.2, seed);
        var held = holdout.ToHashSet();
        // Ids are generated in their sort order, so row order is id order. 500 ids a tenth: a random 20% sample holds
        // 100 +- 9 of them; 70 to 130 is more than three standard deviations either side. FNV-1a held out none of 1,000 to 2,999.
        var perTenth = Enumerable.Range(0, 10).Select(d => Enumerable.Range(d * Count / 10, Count / 10).Count(held.Contains)).ToArray();
        Assert.All(perTenth, n => Assert.InRange(n, 70, 130));
        // And over 50 finer blocks of 100 ids, the counts are as spread as binomial draws (chi-square, 49 degrees of freedom, p > 0.001).
        double chiSquare = Enumerable.Range(0, 50).Select(b => Enumerable.Range(b * 100, 100).Count(held.Contains))
            .Sum(n => (n - 20.0) * (n - 20.0) / 20.0);
        Assert.True(chiSquare < 85.4, $"{family}: chi-square {chiSquare:F1} over 50 blocks; counts per tenth {string.Join(", ", perTenth)}");
    }

    [Fact]
    public void The_split_is_stratified_and_the_same_for_a_seed_and_another_for_another_seed()
    {
        var ids = Ids("prefixed");
        var labels = Enumerable.Range(0, Count).Select(i => i % 7 == 0 ? 1f : 0f).ToArray();
        var rows = Enumerable.Range(0, Count).ToArray();
        var (train, holdout) = ClassifierTraining.StratifiedSplit(rows, labels, ids, 0.2, 1);
        var (_, again) = ClassifierTraining.StratifiedSplit(rows, labels, ids, 0.2, 1);
        var (_, other) = ClassifierTraining.StratifiedSplit(rows, labels, ids, 0.2, 2);
        Assert.Equal(holdout, again);
        Assert.NotEqual(holdout, other);
        Assert.Equal(Count, train.Length + holdout.Length);
        Assert.Empty(train.Intersect(holdout));
        int positives = rows.Count(r => labels[r] == 1);
        Assert.Equal((int)Math.Round(positives * 0.2), holdout.Count(r => labels[r] == 1));
    }

    /// <summary>
    /// Where customers share accounts, the holdout is whole accounts: no account has customers on both sides (the model is
    /// measured on accounts it has not seen), about a fifth of the customers and of the positives are held out, customers
    /// without an account are split one by one, and the split repeats for a seed.
    /// </summary>
    [Fact]
    public void Customers_of_one_account_are_held_out_together()
    {
        var ids = Ids("prefixed");
        var random = new Random(3);
        // Accounts of 1-6 contacts; every tenth customer has none; an account converts together (mostly).
        var accounts = new string?[Count];
        var labels = new float[Count];
        for (int i = 0, account = 0; i < Count; account++)
        {
            int size = 1 + random.Next(6);
            bool converts = random.NextDouble() < 0.2;
            for (int k = 0; k < size && i < Count; k++, i++)
            {
                accounts[i] = i % 10 == 9 ? null : $"A{account:D5}";
                labels[i] = converts && random.NextDouble() < 0.8 ? 1 : 0;
            }
        }
        var rows = Enumerable.Range(0, Count).ToArray();
        var (train, holdout) = ClassifierTraining.StratifiedSplit(rows, labels, ids, 0.2, 1, accounts);
        var (_, again) = ClassifierTraining.StratifiedSplit(rows, labels, ids, 0.2, 1, accounts);
        Assert.Equal(holdout, again);
        Assert.Equal(Count, train.Length + holdout.Length);
        var trainAccounts = train.Select(r => accounts[r]).OfType<string>().ToHashSet();
        Assert.DoesNotContain(holdout.Select(r => accounts[r]).OfType<string>(), trainAccounts.Contains);
        Assert.InRange(holdout.Length, 0.18 * Count, 0.22 * Count);
        int positives = rows.Count(r => labels[r] == 1);
        Assert.InRange(holdout.Count(r => labels[r] == 1), 0.15 * positives, 0.25 * positives);
        Assert.Contains(holdout, r => accounts[r] is null);
        Assert.Contains(train, r => accounts[r] is null);
    }

    /// <summary>Ids in ascending order: 1..5000, C000001.., ISO timestamps a few minutes apart, ULID-like (48-bit time, then random).</summary>
    private static string[] Ids(string family)
    {
        var random = new Random(5);
        const string crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return [.. Enumerable.Range(1, Count).Select(i => family switch
        {
            "numbers" => i.ToString(CultureInfo.InvariantCulture),
            "prefixed" => "C" + i.ToString("D6", CultureInfo.InvariantCulture),
            "timestamps" => start.AddSeconds(97.0 * i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            _ => Ulid(1_700_000_000_000L + 1000L * i, random, crockford),
        })];
    }

    private static string Ulid(long milliseconds, Random random, string alphabet)
    {
        var chars = new char[26];
        for (int c = 9; c >= 0; c--, milliseconds /= 32)
        {
            chars[c] = alphabet[(int)(milliseconds % 32)];
        }
        for (int c = 10; c < 26; c++)
        {
            chars[c] = alphabet[random.Next(32)];
        }
        return new string(chars);
    }
}
