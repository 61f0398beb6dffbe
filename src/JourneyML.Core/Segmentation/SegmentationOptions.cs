namespace JourneyML.Core.Segmentation;

/// <summary>Settings of a behavioural segmentation run.</summary>
public sealed record SegmentationOptions
{
    public int MinK { get; init; } = 2;
    public int MaxK { get; init; } = 12;

    /// <summary>A number of segments chosen by the user (<c>--segments K</c>); overrides the automatic choice.</summary>
    public int? FixedK { get; init; }

    /// <summary>Rows used for the silhouette in the choice of k: the silhouette is quadratic in the rows.</summary>
    public int SampleSize { get; init; } = 3000;

    public int Seed { get; init; } = 1;

    /// <summary>Standardised distance beyond which a cluster is "new", not a match of a champion segment.</summary>
    public double NewSegmentDistance { get; init; } = 1.5;

    internal void Validate()
    {
        if (MinK < 2 || MaxK < MinK)
        {
            throw new ArgumentOutOfRangeException(nameof(MinK), $"need 2 <= MinK <= MaxK, got {MinK}..{MaxK}");
        }
        if (FixedK is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FixedK), "the number of segments must be at least 1");
        }
        if (SampleSize < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleSize), "the k-selection sample needs at least 10 rows");
        }
    }
}

/// <summary>
/// Scores of one number of segments k (NaN where not computed, as with a fixed k). Higher silhouette and Calinski-Harabasz
/// are better; inertia (within-segment sum of squares, all rows) only falls with k; the gap statistic is the log dispersion
/// against uniform reference data on the sample, with its standard error.
/// </summary>
public sealed record KCandidate(int K, double Silhouette, double Inertia, double CalinskiHarabasz, double Gap, double GapError);

/// <summary>Mean of one feature in a segment against the whole population, and how many population standard deviations apart they are.</summary>
public sealed record FeatureStat(string Feature, double Mean, double PopulationMean, double ZScore);

/// <summary>What a segment is, in numbers and in words, for marketing and CS.</summary>
public sealed record SegmentProfile(
    int SegmentId,
    string Name,
    string Description,
    int Size,
    double Share,
    IReadOnlyList<FeatureStat> Features,
    double? ChurnRate,
    double? ConversionRate,
    IReadOnlyList<string> DistinguishingFeatures,
    bool IsNew)
{
    /// <summary>The name in Japanese, from the same facts (「ログイン増加・コンテンツ少なめ」); null in metadata written before it.</summary>
    public string? NameJapanese { get; init; }

    /// <summary>The name in a language: the Japanese one where asked for and written, the English one otherwise.</summary>
    public string NameIn(bool japanese) => japanese && !string.IsNullOrEmpty(NameJapanese) ? NameJapanese : Name;
}

/// <summary>The outcome of <see cref="BehaviourSegmentation.Train"/>.</summary>
/// <param name="Assignments">Segment id of every row of the training table.</param>
/// <param name="NewSegments">Ids of segments with no counterpart in the champion model.</param>
/// <param name="VanishedSegments">Ids of champion segments with no counterpart in this model.</param>
public sealed record SegmentationResult(
    SegmentationModel Model,
    int[] Assignments,
    IReadOnlyList<SegmentProfile> Profiles,
    IReadOnlyList<KCandidate> Candidates,
    int ChosenK,
    string ChoiceReason,
    IReadOnlyList<int> NewSegments,
    IReadOnlyList<int> VanishedSegments)
{
    /// <summary>Every feature column of the table: used for the segments (and how) or left out (and why).</summary>
    public IReadOnlyList<SegmentColumnChoice> Columns { get; init; } = [];
}
