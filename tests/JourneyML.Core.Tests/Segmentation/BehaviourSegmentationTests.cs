using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using JourneyML.SampleData;
using JourneyML.Core.Tests.SampleData;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Segmentation;

[Collection(SegmentationCollection.Name)]
public sealed class BehaviourSegmentationTests(SegmentationFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Automatic_k_recovers_the_planted_segments_of_the_sample()
    {
        var result = fixture.Result;
        double ari = ClusterAgreement.AdjustedRandIndex(result.Assignments, fixture.Sample.Planted);
        foreach (var c in result.Candidates)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"k={c.K,2} silhouette={c.Silhouette:F4} inertia={c.Inertia:F0} calinski-harabasz={c.CalinskiHarabasz:F1} gap={c.Gap:F4}±{c.GapError:F4}"));
        }
        output.WriteLine($"chosen k={result.ChosenK}: {result.ChoiceReason}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"adjusted Rand index {ari:F3}"));
        foreach (var p in result.Profiles)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.SegmentId} {p.Name} ({p.Size}, {p.Share:P0}): {p.Description} [{string.Join(", ", p.DistinguishingFeatures)}]"));
        }
        Assert.True(ari >= 0.8, $"adjusted Rand index {ari:F3} with k={result.ChosenK}");
        Assert.InRange(result.ChosenK, 6, 8);
    }
}

[Collection(SegmentationCollection.Name)]
public sealed class SegmentationModelTests(SegmentationFixture fixture, GeneratedSamples samples, ITestOutputHelper output)
{
    [Fact]
    public void A_saved_model_assigns_exactly_as_the_trained_one_in_batch_and_one_by_one()
    {
        var (table, _, _) = fixture.Sample;
        var model = fixture.Result.Model;
        string directory = samples.NewDirectory("model");
        model.Save(directory);
        // JourneyML's own k-means: the description is the whole model, no ML.NET model beside it.
        Assert.False(File.Exists(Path.Combine(directory, SegmentationModel.LegacyModelFileName)));
        Assert.Contains("\"version\": 2", File.ReadAllText(Path.Combine(directory, SegmentationModel.DescriptionFileName)), StringComparison.Ordinal);
        var loaded = SegmentationModel.Load(directory);

        Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        Assert.Equal(model.SegmentIds, loaded.SegmentIds);
        Assert.Equal(model.SegmentNames, loaded.SegmentNames);
        Assert.Equal(fixture.Result.Assignments, model.Assign(table));
        Assert.Equal(fixture.Result.Assignments, loaded.Assign(table));
        for (int r = 0; r < table.RowCount; r += 7)
        {
            var row = table.Columns.OfType<NumericColumn>().ToDictionary(c => c.Name, c => c.Values[r]);
            Assert.Equal(fixture.Result.Assignments[r], loaded.Assign(row));
        }
    }

    [Fact]
    public void A_version_written_with_the_ML_NET_k_means_still_loads_and_assigns_as_that_model_did()
    {
        var (table, _, _) = fixture.Sample;
        var model = fixture.Result.Model;
        string directory = samples.NewDirectory("legacy");
        model.Save(directory);
        var predicted = LegacySegmentation.Write(directory, table, model);

        var loaded = SegmentationModel.Load(directory);
        var expected = predicted.Select(cluster => loaded.SegmentIds[cluster]).ToArray();
        Assert.Equal(expected, loaded.Assign(table));

        // The two files of a version-1 folder must agree: a description from another version is refused.
        var json = Path.Combine(directory, SegmentationModel.DescriptionFileName);
        File.WriteAllText(json, LegacySegmentation.ShiftFirstCentroid(File.ReadAllText(json)));
        var error = Assert.Throws<InvalidDataException>(() => SegmentationModel.Load(directory));
        Assert.Contains("do not describe the same segmentation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var again = BehaviourSegmentation.Train(fixture.Sample.Table, new SegmentationOptions());
        Assert.Equal(fixture.Result.Assignments, again.Assignments);
        Assert.Equal(fixture.Result.Model.SegmentNames, again.Model.SegmentNames);
    }

    [Fact]
    public void Retraining_on_new_data_keeps_each_id_on_the_same_planted_segment()
    {
        var champion = fixture.Result;
        var next = NextWeek();
        var retrained = BehaviourSegmentation.Train(next.Table, new SegmentationOptions(), champion.Model);
        output.WriteLine($"retrained k={retrained.ChosenK}: new [{string.Join(", ", retrained.NewSegments)}], vanished [{string.Join(", ", retrained.VanishedSegments)}]");

        var before = MajorityPlanted(champion.Assignments, fixture.Sample.PlantedNames);
        var after = MajorityPlanted(retrained.Assignments, next.PlantedNames);
        foreach (var (id, planted) in after)
        {
            output.WriteLine($"segment {id}: {planted} (champion: {before.GetValueOrDefault(id)})");
        }
        Assert.Equal(before, after);
        Assert.Empty(retrained.NewSegments);
        Assert.Empty(retrained.VanishedSegments);
    }

    [Fact]
    public void A_segment_missing_from_new_data_is_vanished_and_an_unseen_behaviour_is_a_new_segment()
    {
        var champion = fixture.Result;
        var next = NextWeek();
        var evaluatorId = MajorityPlanted(champion.Assignments, fixture.Sample.PlantedNames).Single(p => p.Value == "evaluator").Key;

        // No evaluators this time, and a group never seen before: heavy users who keep returning to the pricing page.
        var keep = Enumerable.Range(0, next.Table.RowCount).Where(r => next.PlantedNames[r] != "evaluator").ToArray();
        var heavy = Enumerable.Range(0, next.Table.RowCount).Where(r => next.PlantedNames[r] == "power_user").Take(200).ToArray();
        var table = Rows(next.Table, keep, heavy, extra => extra["pricing_views_90d"] = 40);
        var retrained = BehaviourSegmentation.Train(table, new SegmentationOptions { FixedK = 7 }, champion.Model);
        output.WriteLine($"new [{string.Join(", ", retrained.NewSegments)}], vanished [{string.Join(", ", retrained.VanishedSegments)}]");

        Assert.Equal([evaluatorId], retrained.VanishedSegments);
        int fresh = Assert.Single(retrained.NewSegments);
        Assert.Equal(champion.Model.SegmentIds.Max() + 1, fresh);
        var newcomers = retrained.Assignments.Skip(keep.Length).ToArray();
        Assert.True(newcomers.Count(id => id == fresh) >= 0.9 * newcomers.Length, "the pricing-heavy users form the new segment");
        Assert.True(retrained.Profiles.Single(p => p.SegmentId == fresh).IsNew);
    }

    [Fact]
    public void Profiles_cover_everyone_with_unique_worded_names_and_churn_where_it_is_expected()
    {
        var result = fixture.Result;
        Assert.Equal(1.0, result.Profiles.Sum(p => p.Share), 9);
        Assert.Equal(fixture.Sample.Table.RowCount, result.Profiles.Sum(p => p.Size));
        Assert.Equal(result.Profiles.Count, result.Profiles.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(result.Profiles, p =>
        {
            Assert.Matches("^[A-Z][a-z]*( ?[a-z-]+,?)*$", p.Name);
            Assert.DoesNotContain("_", p.Name + p.Description, StringComparison.Ordinal);
            Assert.NotEmpty(p.DistinguishingFeatures);
            Assert.Equal(fixture.Sample.Table.Columns.Count(c => c.Kind == FeatureKind.Numeric), p.Features.Count);
        });

        var majority = MajorityPlanted(result.Assignments, fixture.Sample.PlantedNames);
        var declining = result.Profiles.Single(p => majority[p.SegmentId] == "declining");
        var power = result.Profiles.Single(p => majority[p.SegmentId] == "power_user");
        output.WriteLine($"declining-dominated: {declining.Name}: {declining.Description}");
        output.WriteLine($"power-user-dominated: {power.Name}: {power.Description}");
        Assert.True(declining.ChurnRate > power.ChurnRate, $"churn {declining.ChurnRate} vs {power.ChurnRate}");
        var evaluator = result.Profiles.Single(p => majority[p.SegmentId] == "evaluator");
        Assert.Null(evaluator.ChurnRate);
        Assert.True(evaluator.ConversionRate > 0.2);
    }

    [Fact]
    public void A_plain_numeric_table_is_segmented_on_all_its_columns()
    {
        var random = new Random(4);
        int n = 600;
        var spend = new float[n];
        var visits = new float[n];
        var rating = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool large = i % 3 == 0;
            spend[i] = (float)((large ? 900 : 40) * Math.Exp(random.NextDouble() * 0.5));
            visits[i] = (float)(large ? 20 + random.Next(10) : random.Next(4));
            rating[i] = i % 50 == 0 ? float.NaN : (float)(large ? 4.5 : 3) + (float)random.NextDouble();
        }
        var table = new FeatureTable(Enumerable.Range(0, n).Select(i => $"c{i}").ToArray(),
        [
            FeatureColumn.Numeric("monthly_spend", "spend per month", spend),
            FeatureColumn.Numeric("store_visits", "visits", visits),
            FeatureColumn.Numeric("rating", "satisfaction", rating),
            FeatureColumn.Categorical("country", "country", Enumerable.Repeat<string?>("nl", n).ToArray()),
        ]);
        var result = BehaviourSegmentation.Train(table, new SegmentationOptions { MaxK = 6 });
        output.WriteLine($"k={result.ChosenK}: {result.ChoiceReason}");
        Assert.Equal(["monthly_spend", "store_visits", "rating"], result.Model.FeatureNames);
        var big = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        Assert.True(ClusterAgreement.AdjustedRandIndex(result.Assignments, big) > 0.5 || result.ChosenK > 2);
        // A user's column is named as the user wrote it: "high monthly_spend", not "High monthly spend".
        Assert.All(result.Profiles.SelectMany(p => p.Name.Split(", ")), phrase =>
            Assert.Matches("^(High|Regular|Low|high|regular|low) (monthly_spend|store_visits|rating)$|^Typical behaviour$", phrase));
        output.WriteLine(string.Join(Environment.NewLine, result.Profiles.Select(p => $"{p.Name}: {p.Description}")));
    }

    private (FeatureTable Table, int[] Planted, string[] PlantedNames) NextWeek()
    {
        string directory = samples.NewDirectory("seed9");
        new SampleGenerator(new GeneratorOptions { Customers = 2000, Seed = 9 }).Generate(directory);
        return SegmentationFixture.Load(directory);
    }

    private static Dictionary<int, string> MajorityPlanted(int[] assignments, string[] planted) =>
        assignments.Zip(planted).GroupBy(p => p.First)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => p.Second).OrderByDescending(s => s.Count()).First().Key);

    /// <summary>The chosen rows of a table, then copies of <paramref name="copies"/> changed by <paramref name="change"/>.</summary>
    private static FeatureTable Rows(FeatureTable table, int[] rows, int[] copies, Action<Dictionary<string, float>> change)
    {
        var extra = copies.Select(r =>
        {
            var values = table.Columns.OfType<NumericColumn>().ToDictionary(c => c.Name, c => c.Values[r]);
            change(values);
            return values;
        }).ToList();
        var ids = rows.Select(r => table.CustomerIds[r]).Concat(copies.Select(r => table.CustomerIds[r] + "-x")).ToArray();
        var columns = table.Columns.OfType<NumericColumn>()
            .Select(c => FeatureColumn.Numeric(c.Name, c.Description, rows.Select(r => c.Values[r]).Concat(extra.Select(e => e[c.Name])).ToArray()))
            .ToList();
        var labels = table.Labels.ToDictionary(l => l.Key, l => rows.Select(r => l.Value[r]).Concat(copies.Select(_ => float.NaN)).ToArray());
        return new FeatureTable(ids, columns) { Labels = labels };
    }
}
