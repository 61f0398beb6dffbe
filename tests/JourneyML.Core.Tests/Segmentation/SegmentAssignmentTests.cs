using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Tests.Segmentation;

/// <summary>
/// Assigning a whole table (log-scaling and standardising eight values at a time, in chunks on every core) gives every
/// customer the segment the value-by-value path gives: the same standardised floats bit for bit, the same nearest centroid.
/// </summary>
[Collection(SegmentationCollection.Name)]
public sealed class SegmentAssignmentTests(SegmentationFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Standardising_a_run_of_values_gives_each_value_s_float_bit_for_bit(bool log)
    {
        var scale = new SegmentFeatureScale("logins_30d", log, 1.7345, 0.91234);
        var random = new Random(7);
        // Whole counts (the log table), fractions, negatives (clamped before log1p), missing values, large values.
        var raw = Enumerable.Range(0, 1_003).Select(i => (i % 5) switch
        {
            0 => (float)random.Next(0, 6_000),
            1 => (float)(random.NextDouble() * 40),
            2 => (float)(-random.NextDouble() * 3),
            3 => i % 3 == 0 ? float.NaN : (float)(random.NextDouble() * 1e6),
            _ => (float)Math.Round(random.NextDouble() * 10, 2),
        }).Concat(Enumerable.Range(0, 1_000).Select(i => (i % 97) switch
        {
            // Runs of whole counts (the table's fast path), with its edges, negative counts and a missing value among them.
            0 => 4_095f,
            1 => 4_096f,
            2 => -2f,
            3 => float.NaN,
            _ => (float)random.Next(0, 5_000),
        })).ToArray();
        foreach (int length in new[] { 0, 1, 7, 8, 9, 31, raw.Length })
        {
            var run = new float[length];
            var tabled = new float[length];
            scale.Standardise(raw.AsSpan(0, length), run);
            // The table of standardised counts (log-scaled features only) gives the same floats again.
            scale.Standardise(raw.AsSpan(0, length), tabled, scale.StandardisedCounts());
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(scale.Standardise(raw[i])), BitConverter.SingleToInt32Bits(run[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(scale.Standardise(raw[i])), BitConverter.SingleToInt32Bits(tabled[i]));
            }
        }
    }

    [Fact]
    public void A_large_table_gets_the_segments_of_the_value_by_value_path()
    {
        var (sample, _, _) = fixture.Sample;
        var model = fixture.Result.Model;
        // Several chunks (the parallel path), rows of every kind repeated in a shuffled order.
        int rows = 5 * SegmentationModel.AssignChunk + 77;
        var random = new Random(3);
        var order = Enumerable.Range(0, rows).Select(_ => random.Next(sample.RowCount)).ToArray();
        var table = new FeatureTable([.. order.Select(r => sample.CustomerIds[r] + "-" + random.Next())], [.. sample.Columns.Select(c => c.Rows(order))]);

        var columns = model.Scales.Select(s => s.Values(table)).ToArray();
        var expected = new int[rows];
        var row = new float[columns.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = model.Scales[j].Standardise(columns[j][r]);
            }
            expected[r] = model.SegmentIds[model.Nearest(row)];
        }
        var assigned = model.Assign(table);
        Assert.Equal(expected, assigned);
        Assert.True(assigned.Distinct().Count() >= 3, "not vacuous: the rows fall in several segments");
    }
}
