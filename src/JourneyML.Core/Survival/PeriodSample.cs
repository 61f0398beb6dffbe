using System.Text.Json.Serialization;

namespace JourneyML.Core.Survival;

/// <summary>
/// Case-control sampling of person-periods: the hazard model fits on at most a budget of person-period rows, keeping a
/// share of the periods a customer churned in and a (smaller) share of the others. A logistic-link model fitted on such a
/// sample learns the log-odds shifted by log(<see cref="EventShare"/> / <see cref="NonEventShare"/>) and nothing else
/// (the prior correction of case-control designs, King and Zeng 2001): adding <see cref="Offset"/> to its log-odds gives
/// back the hazard of the whole population, so the curves stay calibrated while the fit touches a fixed number of rows
/// however many customers there are. Which rows are kept is a hash of the row and the seed: the same rows every run.
/// </summary>
/// <param name="EventShare">Share of the churned-in periods kept (1 unless the events alone overflow the budget).</param>
/// <param name="NonEventShare">Share of the other periods kept.</param>
public sealed record PeriodSample(double EventShare, double NonEventShare)
{
    /// <summary>Every row kept: what data within the budget fits on.</summary>
    public static PeriodSample All { get; } = new(1, 1);

    /// <summary>At least this many non-event periods are kept per event period (more when the budget allows).</summary>
    public const int ControlsPerCase = 4;

    [JsonIgnore]
    public bool Samples => EventShare < 1 || NonEventShare < 1;

    /// <summary>What to add to the log-odds a model fitted on the sample gives, for the population's hazard.</summary>
    [JsonIgnore]
    public double Offset => Math.Log(NonEventShare / EventShare);

    /// <summary>The weight that makes a kept row stand for the rows left out (1 / its share): for estimates over the sample.</summary>
    public double Weight(bool churned) => 1 / (churned ? EventShare : NonEventShare);

    /// <summary>
    /// Every row when there are at most <paramref name="budget"/>; otherwise every event period and as many others as fill
    /// the budget, and when the events alone would take more than a fifth of it, a fifth of it in events and the rest others.
    /// </summary>
    public static PeriodSample For(long events, long nonEvents, int budget)
    {
        if (events + nonEvents <= budget || events == 0 || nonEvents == 0)
        {
            return All;
        }
        double cases = Math.Min(events, (double)budget / (1 + ControlsPerCase));
        return new PeriodSample(cases / events, Math.Min(1, (budget - cases) / nonEvents));
    }

    /// <summary>Whether row <paramref name="row"/> (an index stable from run to run) is in the sample.</summary>
    public bool Keeps(int row, bool churned, int seed)
    {
        double share = churned ? EventShare : NonEventShare;
        return share >= 1 || Uniform(row, seed) < share;
    }

    /// <summary>A uniform number in [0, 1) from the row and the seed (SplitMix64): no random stream to keep in step.</summary>
    internal static double Uniform(int row, int seed)
    {
        ulong z = unchecked(((ulong)(uint)row << 32 | (uint)seed) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
