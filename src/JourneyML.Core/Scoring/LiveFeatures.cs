using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Scoring;

/// <summary>A customer given for a live prediction as a profile and recent events, with what is known of their outcomes.</summary>
public sealed record ProfileInput(Customer Customer, IReadOnlyList<CustomerEvent> Events, Outcome? Outcome = null);

/// <summary>
/// Point-in-time features for customers given in a request (profile plus recent events), computed by the same feature
/// step as batch scoring and training, so a live prediction and the nightly snapshot agree for the same events.
/// Account roll-ups see only the contacts given together.
/// </summary>
public static class LiveFeatures
{
    /// <param name="historyFrom">Where the given history begins (default: the earliest event given); trends need 60 days of it.</param>
    /// <param name="attributes">
    /// The customers table's columns the model reads, with their kinds (<see cref="AttributesOf"/> the model's schema): taken
    /// from each profile's attributes, missing where a profile has none. A few profiles cannot decide a column's type.
    /// </param>
    /// <exception cref="DataValidationException">Any profile or event is invalid; each problem names <c>customers</c>, the 1-based
    /// position of the customer, and the field (for example <c>events[3].type</c>).</exception>
    public static FeatureTable Build(IReadOnlyList<ProfileInput> inputs, DateTime asOf, DateTime? historyFrom = null,
        IReadOnlyList<(string Name, FeatureKind Kind)>? attributes = null)
    {
        var report = new ValidationReport();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Count; i++)
        {
            var c = inputs[i].Customer;
            long row = i + 1;
            if (string.IsNullOrWhiteSpace(c.CustomerId))
            {
                report.Add(new DataProblem(FeatureRows.RowsName, row, "profile.customerId", "missing customer id"));
            }
            else if (!ids.Add(c.CustomerId))
            {
                report.Add(new DataProblem(FeatureRows.RowsName, row, "profile.customerId", "the same customer id is given twice in this call"));
            }
            if (string.IsNullOrWhiteSpace(c.Plan))
            {
                report.Add(new DataProblem(FeatureRows.RowsName, row, "profile.plan", "missing plan"));
            }
            if (c.SignedUpAt == default)
            {
                report.Add(new DataProblem(FeatureRows.RowsName, row, "profile.signedUpAt", "missing sign-up time"));
            }
            else if (c.SignedUpAt >= asOf)
            {
                report.Add(new DataProblem(FeatureRows.RowsName, row, "profile.signedUpAt", $"signed up at or after the as-of date {asOf:yyyy-MM-ddTHH:mm:ssZ}: there is nothing to predict from yet"));
            }
        }
        report.ThrowIfInvalid();

        var events = new List<CustomerEvent>();
        var origin = new List<(int Input, int Event)>();
        for (int i = 0; i < inputs.Count; i++)
        {
            for (int j = 0; j < inputs[i].Events.Count; j++)
            {
                // The event belongs to the customer it was given with, whatever id it carries.
                events.Add(inputs[i].Events[j] with { CustomerId = inputs[i].Customer.CustomerId });
                origin.Add((i, j));
            }
        }
        var eventReport = new ValidationReport(maxListed: 50);
        var dataset = Dataset.FromRecords([.. inputs.Select(x => x.Customer)], events, asOf, eventReport, [.. inputs.Select(x => x.Outcome)], historyFrom);
        if (eventReport.HasProblems)
        {
            foreach (var problem in eventReport.Listed)
            {
                var (input, index) = origin[(int)problem.Row - 1];
                report.Add(new DataProblem(FeatureRows.RowsName, input + 1, $"events[{index}].{problem.Column}", problem.Reason));
            }
            report.ThrowIfInvalid();
        }
        // Every behaviour feature, whatever the few given rows hold: the model decides what it reads.
        var plan = FeaturePlan.Everything(dataset.Customers, attributes ?? []);
        var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = asOf, MaxDegreeOfParallelism = 1, Plan = plan });
        return table;
    }

    /// <summary>The customers table's columns in a model's feature schema (every feature that is not a behaviour feature), with their kinds.</summary>
    public static IReadOnlyList<(string Name, FeatureKind Kind)> AttributesOf(IReadOnlyList<FeatureSchemaEntry> schema)
    {
        var behaviour = FeatureNames.Definitions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        return [.. schema.Where(f => !behaviour.Contains(f.Name))
            .Select(f => (f.Name, FeatureRows.IsCategorical(f) ? FeatureKind.Categorical : FeatureKind.Numeric))];
    }
}
