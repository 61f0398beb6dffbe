using System.Text.RegularExpressions;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Segmentation;

/// <summary>
/// Every segment name has its Japanese beside it, from the same facts: every phrase of the English table has a Japanese
/// mirror, and a name in Japanese has no Latin letter but those of the user's own column names.
/// </summary>
public sealed partial class SegmentNamesJapaneseTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_phrase_has_a_Japanese_mirror_without_a_Latin_letter()
    {
        var features = SegmentProfiles.WordedFeatures.ToList();
        Assert.NotEmpty(features);
        foreach (string feature in features)
        {
            Assert.True(SegmentProfiles.s_wordingJa.TryGetValue(feature, out var ja), $"{feature} has no Japanese words");
            foreach (string words in new[] { ja!.High, ja.Regular, ja.Low })
            {
                Assert.DoesNotMatch(Latin(), words);
                Assert.NotEmpty(words);
            }
        }
        Assert.Empty(SegmentProfiles.s_wordingJa.Keys.Except(features, StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotMatch(Latin(), SegmentProfiles.NoLoginsJa + SegmentProfiles.TypicalJa);
        // The user's own column keeps its spelling, whatever script it is in.
        Assert.Equal("Annual Incomeが高め", SegmentProfiles.OwnColumnJa("Annual Income").High);
        Assert.Equal("プラン：エンタープライズ", SegmentProfiles.LevelJa("プラン", "エンタープライズ"));
    }

    [Fact]
    public void A_Japanese_name_says_as_many_things_as_the_English_one_with_no_Latin_letter_but_the_users_columns()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            var table = SegmentNamingTests.RandomTable(random, out var userColumns);
            var result = BehaviourSegmentation.Train(table, new SegmentationOptions { FixedK = random.Next(2, 7), Seed = seed });
            Assert.Equal(result.Profiles.Count, result.Profiles.Select(p => p.NameJapanese).Distinct().Count());
            foreach (var profile in result.Profiles)
            {
                string ja = profile.NameJapanese!;
                // "High Visits, falling logins, second group" is three parts; 「Visitsが高め・ログイン減少（2つ目のグループ）」 too.
                int english = profile.Name.Split(", ").Length;
                int japanese = ja.Split('・').Length + (ja.EndsWith('）') ? 1 : 0);
                Assert.True(english == japanese, $"seed {seed}: '{profile.Name}' and '{ja}' do not say the same");
                string withoutColumns = userColumns.OrderByDescending(c => c.Length).Aggregate(ja, (text, column) => text.Replace(column, "", StringComparison.Ordinal));
                Assert.True(!Latin().IsMatch(withoutColumns), $"seed {seed}: '{ja}' has a Latin word of ours");
            }
            if (seed < 3)
            {
                output.WriteLine(string.Join("\n", result.Profiles.Select(p => $"{p.Name} | {p.NameJapanese}")));
            }
        }
    }

    [Fact]
    public void A_saved_model_keeps_its_Japanese_names_and_an_older_file_falls_back_to_English()
    {
        var table = SegmentNamingTests.RandomTable(new Random(7), out _);
        var result = BehaviourSegmentation.Train(table, new SegmentationOptions { FixedK = 3, Seed = 7 });
        var saved = TempFolder.Create("names-ja");
        result.Model.Save(saved);
        var loaded = SegmentationModel.Load(saved);
        Assert.Equal(result.Model.SegmentNamesJapanese, loaded.SegmentNamesJapanese);
        Assert.Equal(result.Profiles.Single(p => p.SegmentId == loaded.SegmentIds[0]).NameJapanese, loaded.SegmentNameIn(0, japanese: true));

        // A segments.json written before the Japanese names: no nameJa, so the English name serves both languages.
        string path = Path.Combine(saved, "segments.json");
        File.WriteAllText(path, Regex.Replace(File.ReadAllText(path), ",\\s*\"nameJa\": \"[^\"]*\"", ""));
        var older = SegmentationModel.Load(saved);
        Assert.Null(older.SegmentNamesJapanese);
        Assert.Equal(older.SegmentNames[0], older.SegmentNameIn(0, japanese: true));
    }

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex Latin();
}
