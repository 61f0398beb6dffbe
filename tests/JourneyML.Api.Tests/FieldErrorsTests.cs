using JourneyML.Api.Errors;

namespace JourneyML.Api.Tests;

public sealed class FieldErrorsTests
{
    [Fact]
    public void Every_invalid_parameter_is_named_with_its_reason_in_one_answer_and_left_out_ones_are_valid()
    {
        var e = Assert.Throws<RequestValidationException>(() => new FieldErrors()
            .Between("top", 0, 1, 10_000).Between("horizonDays", 731, 1, 730, "days").Between("minRisk", double.NaN, 0, 1)
            .Between("tolerance", 0.6, 0, 0.5).OneOf("format", "pdf", "json", "html", "md").Check("to", false, "must be after from")
            .Between("limit", null, 1, 10).OneOf("other", null, "json", "csv").ThrowIfAny());
        Assert.Equal(["between 1 and 10,000"], e.Errors["top"]);
        Assert.Equal(["between 1 and 730 days"], e.Errors["horizonDays"]);
        Assert.Equal(["between 0 and 1"], e.Errors["minRisk"]);
        Assert.Equal(["between 0 and 0.5"], e.Errors["tolerance"]);
        Assert.Equal(["json, html or md"], e.Errors["format"]);
        Assert.Equal(["must be after from"], e.Errors["to"]);
        Assert.Equal(6, e.Errors.Count);
        new FieldErrors().Between("top", 10_000, 1, 10_000).OneOf("format", "csv", "json", "csv").ThrowIfAny();
    }
}
