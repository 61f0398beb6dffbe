namespace JourneyML.Core.Pipelines;

/// <summary>What is really true of one customer, known only for generated data: the planted segment and the true probabilities.</summary>
public sealed record KnownCustomerTruth(int? Segment, double? ChurnProbability, double? ConversionProbability);

/// <summary>
/// An oracle handed in to a training run (<see cref="TrainingOptions.Oracle"/>): per customer id, the truth a data
/// generator planted. A run that has one reports how well the models recover it (the oracle AUCs, the segments'
/// adjusted Rand index). Real exports have none; the sample generator's project reads one from its ground-truth files.
/// </summary>
public sealed class KnownTruth(IReadOnlyDictionary<string, KnownCustomerTruth> customers)
{
    public IReadOnlyDictionary<string, KnownCustomerTruth> Customers { get; } = customers;

    /// <summary>The truth in the order of a feature table's rows: segment -1 and NaN probabilities where nothing is known.</summary>
    public KnownTruthRows AlignTo(IReadOnlyList<string> customerIds)
    {
        var segment = new int[customerIds.Count];
        var churn = new float[customerIds.Count];
        var conversion = new float[customerIds.Count];
        for (int r = 0; r < customerIds.Count; r++)
        {
            var truth = Customers.GetValueOrDefault(customerIds[r]);
            segment[r] = truth?.Segment ?? -1;
            churn[r] = truth?.ChurnProbability is { } c ? (float)c : float.NaN;
            conversion[r] = truth?.ConversionProbability is { } v ? (float)v : float.NaN;
        }
        return new KnownTruthRows(segment, churn, conversion);
    }
}

/// <summary>Known truth aligned to a feature table's rows.</summary>
public sealed record KnownTruthRows(int[] Segment, float[] ChurnProbability, float[] ConversionProbability);
