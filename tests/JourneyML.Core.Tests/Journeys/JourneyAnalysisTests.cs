using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>The process analysis on hand-built timelines whose answers are known.</summary>
public sealed class JourneyAnalysisTests
{
    private static readonly StageModel Stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
    private static readonly DateTime From = D(1, 1), To = D(7, 1);
    private static DateTime D(int month, int day) => new(2026, month, day, 0, 0, 0, DateTimeKind.Utc);

    private static JourneyMap Analyse(Dictionary<string, IReadOnlyList<StageStay>> timelines, JourneyAnalysisOptions? options = null) =>
        JourneyAnalysis.With(JourneyMap.Build(Stages, timelines, From, To), Stages, timelines, options: options);

    private static FunnelCell Cell(JourneyMap map, string from, string to, int window, string kind = "all", string group = "all") =>
        map.Funnel.Cells.Single(c => c.FromStage == from && c.ToStage == to && c.WindowDays == window && c.GroupKind == kind && c.Group == group);

    [Fact]
    public void The_funnel_counts_who_reached_a_later_stage_within_each_window_and_leaves_out_entries_too_recent_to_judge()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("MQL", D(1, 1), D(1, 21)), new("SQL", D(1, 21), D(3, 1)), new("Opportunity", D(3, 1), null)],     // SQL after 20 days
            ["b"] = [new("MQL", D(1, 1), D(3, 12)), new("SQL", D(3, 12), null)],                                          // SQL after 70 days
            ["c"] = [new("MQL", D(1, 1), D(1, 11)), new("Customer-Onboarding", D(1, 11), null)],                          // skipped SQL: passed it
            ["d"] = [new("MQL", D(6, 15), D(6, 20)), new("SQL", D(6, 20), null)],                                         // too recent for 30 days
            // Never moved on; its second MQL stay is not a second entry.
            ["e"] = [new("MQL", D(2, 1), D(2, 15)), new("Interest", D(2, 15), D(3, 1)), new("MQL", D(3, 1), null)],
        };
        var segments = new Dictionary<string, string> { ["a"] = "1 Fast", ["b"] = "1 Fast", ["c"] = "2 Slow", ["d"] = "2 Slow", ["e"] = "2 Slow" };
        var map = Analyse(timelines, new JourneyAnalysisOptions { Segments = segments });

        var thirty = Cell(map, "MQL", "SQL", 30);
        Assert.Equal((5, 4, 2), (thirty.Entered, thirty.Observed, thirty.Reached)); // a and c within 30 days; d not judged yet
        Assert.Equal(0.5, thirty.Share);
        Assert.True(thirty.Low95 < 0.5 && thirty.High95 > 0.5);
        Assert.True(thirty.TooSmall);
        Assert.Equal(3, Cell(map, "MQL", "SQL", 90).Reached);                      // b too, after 70 days
        Assert.Equal(2, Cell(map, "MQL", "Opportunity", 90).Reached);              // a (59 days) and c (skipped to a customer)
        Assert.Equal((3, 2), (Cell(map, "MQL", "SQL", 30, "cohort", "2026-01").Observed, Cell(map, "MQL", "SQL", 30, "cohort", "2026-01").Reached));
        Assert.Equal(0, Cell(map, "MQL", "SQL", 90, "cohort", "2026-02").Reached);
        Assert.Equal(2, Cell(map, "MQL", "SQL", 30, "segment", "1 Fast").Observed);
        Assert.Equal(1, Cell(map, "MQL", "SQL", 30, "segment", "2 Slow").Reached); // c; d not judged, e never
        Assert.Equal([30, 90], map.Funnel.WindowDays);
    }

    [Fact]
    public void The_funnel_window_is_the_users_choice_and_a_bad_one_is_refused()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("MQL", D(1, 1), D(1, 21)), new("SQL", D(1, 21), null)],
        };
        var map = Analyse(timelines, new JourneyAnalysisOptions { WindowDays = [14] });
        Assert.Equal([14], map.Funnel.WindowDays);
        Assert.Equal(0, Cell(map, "MQL", "SQL", 14).Reached); // 20 days is past a 14-day window
        var error = Assert.Throws<InvalidInputException>(() => Analyse(timelines, new JourneyAnalysisOptions { WindowDays = [0] }));
        Assert.Contains("--window 0", error.Message);
    }

    [Theory]
    [InlineData("A B A B", "A B", 1)]
    [InlineData("A B A B A B", "A B", 2)]
    [InlineData("A B C B C D", "A B C D", 1)]
    [InlineData("A B A", "A B A", 0)]
    [InlineData("A B C A B C A", "A B C A", 1)]
    public void Loops_collapse_into_one_pass_with_a_count(string path, string collapsed, int loops)
    {
        var result = Variants.Collapse(path.Split(' '), out int counted);
        Assert.Equal(collapsed, string.Join(' ', result));
        Assert.Equal(loops, counted);
    }

    [Fact]
    public void Variants_group_customers_by_their_collapsed_path_and_say_where_drop_offs_went()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("MQL", D(1, 1), D(2, 1)), new("SQL", D(2, 1), D(3, 1)), new("MQL", D(3, 1), D(4, 1)), new("SQL", D(4, 1), null)],
            ["b"] = [new("MQL", D(1, 1), D(1, 31)), new("SQL", D(1, 31), null)],
            ["c"] = [new("MQL", D(1, 1), D(2, 1)), new("Dormant", D(2, 1), null)],
        };
        var map = Analyse(timelines);
        var top = map.Variants.Top[0];
        Assert.Equal(["MQL", "SQL"], top.Stages);
        Assert.Equal((2, 1, 1), (top.Customers, top.CustomersWhoLooped, top.Loops));
        Assert.Equal(2 / 3.0, top.Share, 6);
        Assert.Equal(90, top.MedianDays); // a: Jan 1 to Apr 1 (the value at rank n/2 of 30 and 90)
        Assert.Equal(2, map.Variants.DistinctVariants);
        var fromSql = map.Variants.DropOffs.Single(d => d.Stage == "SQL");
        Assert.Equal("MQL", Assert.Single(fromSql.WentTo).Stage);
        Assert.Equal("SQL", Assert.Single(fromSql.ThenWentTo).Stage);
        var fromMql = map.Variants.DropOffs.Single(d => d.Stage == "MQL");
        Assert.Equal(("Dormant", Variants.StillThere), (fromMql.WentTo.Single().Stage, fromMql.ThenWentTo.Single().Stage));
    }

    [Fact]
    public void Time_in_stage_is_a_distribution_with_stays_still_running_counted_apart()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("MQL", D(2, 1), D(2, 11)), new("SQL", D(2, 11), null)],  // 10 days
            ["b"] = [new("MQL", D(2, 1), D(2, 21)), new("SQL", D(2, 21), null)],  // 20 days
            ["c"] = [new("MQL", D(2, 1), D(3, 3)), new("SQL", D(3, 3), null)],    // 30 days
            ["d"] = [new("MQL", D(3, 23), null)],                                 // 100 days so far
            ["e"] = [new("MQL", D(3, 3), D(8, 1)), new("SQL", D(8, 1), null)],    // left after the map's end: still in as the map sees it
            ["f"] = [new("MQL", D(1, 1).AddDays(-30), D(1, 10)), new("SQL", D(1, 10), null)], // began before the window: not a stay of the window
        };
        var map = Analyse(timelines);
        var mql = map.TimeInStage.Single(d => d.Stage == "MQL");
        Assert.Equal(3, mql.Finished.Count);
        Assert.Equal(20, mql.Finished.Median!.Days);
        Assert.Equal(2, mql.StillIn);
        Assert.Equal(30, mql.MedianWithStillIn); // Kaplan–Meier: 1 × 4/5 × 3/4 × 2/3 = 0.4 at 30 days
        Assert.Equal([0, 1, 2, 0, 0, 0, 0, 0], mql.Finished.Histogram.Select(b => b.Count));
        Assert.NotNull(mql.Finished.TooSmall);
    }

    [Fact]
    public void A_quantiles_interval_comes_from_the_order_statistics_around_it()
    {
        var days = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        var median = Days.Quantile(days, 0.5)!;
        Assert.Equal((51, 41, 61), (median.Days, median.Low95, median.High95));
        var p90 = Days.Quantile(days, 0.9)!;
        Assert.True(p90.Low95 < 91 && p90.High95 > 91 && p90.High95 <= 100);
    }

    [Fact]
    public void Bottlenecks_show_the_slowest_moves_where_time_piles_up_and_who_came_back()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("SQL", D(1, 1), D(3, 1)), new("MQL", D(3, 1), D(3, 11)), new("SQL", D(3, 11), null)],
            ["b"] = [new("SQL", D(1, 1), D(1, 11)), new("Opportunity", D(1, 11), null)],
        };
        var map = Analyse(timelines);
        var slowest = map.Bottlenecks.SlowestMoves[0];
        Assert.Equal(("SQL", "MQL", DesignMoves.Backward, 59.0), (slowest.From, slowest.To, slowest.Kind, slowest.Median!.Days));
        var sql = map.Bottlenecks.Stages.Single(s => s.Stage == "SQL");
        Assert.Equal((2, 1, 0.5), (sql.Customers, sql.Reentered, sql.ReentryShare));
        Assert.Equal(59 + 112 + 10, sql.CustomerDays); // a: Jan 1-Mar 1 and Mar 11-Jul 1; b: Jan 1-11
        Assert.Equal(["SQL", "Opportunity", "MQL"], map.Bottlenecks.Stages.Select(s => s.Stage)); // 181, 171 and 10 customer-days
    }

    [Fact]
    public void A_stay_already_running_when_the_timelines_began_counts_as_a_move_but_is_not_timed()
    {
        var begin = From.AddDays(-90);
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("SQL", begin, D(2, 1)), new("Opportunity", D(2, 1), null)],           // in SQL since at least the timelines' start
            ["b"] = [new("SQL", D(1, 1), D(1, 11)), new("Opportunity", D(1, 11), null)],
        };
        var map = Analyse(timelines, new JourneyAnalysisOptions { TimelinesStart = begin });
        var edge = map.Bottlenecks.SlowestMoves.Single(e => e.From == "SQL");
        Assert.Equal((2, 1, 10.0), (edge.Moves, edge.TimedMoves, edge.Median!.Days));
        Assert.Equal(2, Analyse(timelines).Bottlenecks.SlowestMoves.Single(e => e.From == "SQL").TimedMoves); // without the start, both are timed
    }

    private static Dictionary<string, IReadOnlyList<StageStay>> ConformanceTimelines() => new()
    {
        ["a"] = [new("MQL", D(1, 1), D(2, 1)), new("SQL", D(2, 1), D(3, 1)), new("Opportunity", D(3, 1), null)], // as designed
        ["b"] = [new("MQL", D(1, 1), D(2, 1)), new("Opportunity", D(2, 1), null)],                               // skips SQL
        ["c"] = [new("SQL", D(1, 1), D(2, 1)), new("MQL", D(2, 1), D(3, 1)), new("SQL", D(3, 1), null)],          // back, then on
        ["d"] = [new("MQL", D(1, 1), D(2, 1)), new("Dormant", D(2, 1), null)],                                    // off the path
        ["e"] = [new("MQL", D(1, 1), null)],                                                                      // never moved
    };

    [Fact]
    public void Conformance_holds_customers_against_the_path_order_and_names_how_they_deviate()
    {
        var c = Analyse(ConformanceTimelines()).Conformance;
        Assert.Equal((5, 4, 1), (c.Customers, c.CustomersWhoMoved, c.Following));
        Assert.Equal(0.25, c.Share);
        Assert.Equal((6, 3), (c.Moves, c.AllowedMoves));
        Assert.Equal(1, c.Deviations.Single(d => d.Kind == DesignMoves.Skip).Customers);
        Assert.Equal(1, c.Deviations.Single(d => d.Kind == DesignMoves.Backward).Customers);
        Assert.Equal(1, c.Deviations.Single(d => d.Kind == DesignMoves.OffPath).Customers);
        Assert.Contains(c.TopDeviatingMoves, m => m is { From: "MQL", To: "Opportunity", Kind: DesignMoves.Skip, Customers: 1 });
        Assert.Equal(DesignedJourney.PathSource, c.Design);
    }

    [Fact]
    public void A_designed_map_from_the_user_replaces_the_path_order_and_a_wrong_stage_in_it_is_named()
    {
        using var folder = new TempFolder("designed");
        var file = Path.Combine(folder.Path, "designed.json");
        File.WriteAllText(file, """{ "moves": [ { "from": "MQL", "to": "SQL" }, { "from": "SQL", "to": "Opportunity" }, { "from": "MQL", "to": "Opportunity" } ] }""");
        var c = Analyse(ConformanceTimelines(), new JourneyAnalysisOptions { Designed = DesignedJourney.Load(file, Stages) }).Conformance;
        Assert.Equal(2, c.Following); // a, and b whose skip the design allows
        Assert.Equal("designed.json", c.Design);
        Assert.DoesNotContain(c.Deviations, d => d.Kind == DesignMoves.Skip);

        File.WriteAllText(file, """{ "moves": [ { "from": "MQL", "to": "SQL" }, { "from": "SQL", "to": "Contract" } ] }""");
        var error = Assert.ThrowsAny<InvalidInputException>(() => DesignedJourney.Load(file, Stages));
        Assert.Contains("designed.json", error.Message);
        Assert.Contains("move 2", error.Message);
        Assert.Contains("\"Contract\" is not a stage", error.Message);
        File.WriteAllText(file, "{ \"moves\": [ ");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidInputException>(() => DesignedJourney.Load(file, Stages)).Message);

        // The same moves given in a request's field are checked the same way, and the error names the field.
        var given = DesignedJourney.FromMoves("designed", [new("MQL", "SQL"), new("SQL", "Opportunity"), new("MQL", "SQL")], Stages);
        Assert.Equal([new DesignedMove("MQL", "SQL"), new DesignedMove("SQL", "Opportunity")], given.Moves);
        var field = Assert.Throws<DesignedJourneyException>(() => DesignedJourney.FromMoves("designed", [new("MQL", "Contract")], Stages));
        Assert.Equal("designed", field.Where);
        Assert.StartsWith("move 1, \"to\": \"Contract\" is not a stage", field.Reason);
        Assert.Contains("to itself", Assert.Throws<DesignedJourneyException>(() => DesignedJourney.FromMoves("designed", [new("SQL", "SQL")], Stages)).Reason);
    }

    [Fact]
    public void The_analysis_travels_in_the_json_markdown_and_html()
    {
        var map = Analyse(ConformanceTimelines());
        var json = map.ToJson();
        foreach (var key in new[] { "\"funnel\"", "\"timeInStage\"", "\"variants\"", "\"bottlenecks\"", "\"conformance\"", "\"low95\"" })
        {
            Assert.Contains(key, json);
        }
        var back = System.Text.Json.JsonSerializer.Deserialize(json, JourneyJson.Default.JourneyMap)!;
        Assert.Equal(map.Conformance.Following, back.Conformance.Following);
        Assert.Equal(map.Funnel.Cells.Count, back.Funnel.Cells.Count);
        var markdown = JourneyMapMarkdown.Render(map);
        Assert.Contains("## Funnel with conversion windows", markdown);
        Assert.Contains("## Conformance to the designed journey", markdown);
        Assert.Contains("25% (", markdown);
        var html = JourneyMapHtml.Render(map);
        Assert.Contains("<svg id=\"funnel-30\"", html);
        Assert.Contains("class=\"histogram\" data-stage=\"MQL\"", html);
        Assert.Contains("<svg id=\"deviations\"", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
    }
}
