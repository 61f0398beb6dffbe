namespace JourneyML.Docs.Tests.Notebooks;

public sealed class NotebookDisplayTests
{
    private sealed record Segment(int Id, string Name, double Share, float Churn, DateTime Since);

    [Fact]
    public void A_list_of_records_is_a_table_with_numbers_right_aligned_and_missing_values_blank()
    {
        var (text, html) = NotebookDisplay.Render(new[]
        {
            new Segment(0, "Falling logins", 0.125, float.NaN, new DateTime(2026, 7, 1)),
            new Segment(12, "Many tickets", 0.5, 0.31f, new DateTime(2026, 7, 1, 12, 30, 0)),
        });
        Assert.Equal(
            """
            Id  Name            Share  Churn  Since
            --  --------------  -----  -----  ----------------
             0  Falling logins  0.125         2026-07-01
            12  Many tickets      0.5   0.31  2026-07-01 12:30
            """.Replace("\r\n", "\n", StringComparison.Ordinal), text.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("<th>Name</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td style=\"text-align:left\">Falling logins</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_lists_are_cut_and_say_so_and_one_object_shows_its_properties()
    {
        var (text, _) = NotebookDisplay.Render(Enumerable.Range(0, 100).ToList());
        Assert.EndsWith($"(first {NotebookDisplay.MaxRows} of 100 rows)", text, StringComparison.Ordinal);
        var (single, _) = NotebookDisplay.Render(new { Customers = 2000, Churn = 0.2 });
        Assert.Matches(@"(?m)^Customers +2000$", single);
        Assert.Equal("42", NotebookDisplay.Render(42).Text);
        Assert.Equal("a, b", NotebookDisplay.Cell(new[] { "a", "b" }));
    }
}
