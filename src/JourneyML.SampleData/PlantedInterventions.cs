using System.Globalization;
using System.Text.Json;
using JourneyML.Core.Data;

namespace JourneyML.SampleData;

/// <summary>
/// Interventions planted on top of a world (<see cref="GeneratorOptions.Interventions"/>), with the truth about their effect.
/// Every paying customer at the reference as-of date T is, with its own random stream (never the world's, so the world
/// itself is drawn exactly as without the option):
/// <list type="bullet">
/// <item>in the randomised <c>discount</c> campaign (30% of them), half on its control arm;</item>
/// <item>else in the randomised <c>email_campaign</c> (20%), half on its control arm;</item>
/// <item>else called by CS (<c>cs_call</c>, no control arm) with a chance rising with the planted churn probability p:
/// CS calls the riskiest, so a naive called-versus-not comparison makes calls look harmful.</item>
/// </list>
/// Each contact happens on the day after T (inside the contact window of a run as of T or of the export's end minus the horizon). A treated customer who would have churned in the horizon is kept with the
/// chance r(kind, segment) (<see cref="RelativeEffect"/>): the true effect on churn within the horizon is p × r, and a kept
/// customer stays for the rest of the export (no cancellation; their later activity is what the world drew). Some
/// customers also got a CS call in the months before T, with no effect: those feed the intervention features only.
/// </summary>
internal sealed class PlantedInterventions
{
    public const string FileName = "interventions";
    public const string TruthFileName = "interventions_truth";
    public const string DiscountCampaign = "renewal_offer";
    public const string EmailCampaign = "spring_newsletter";

    /// <summary>The kinds planted at T, in the truth file's column order.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["cs_call", "discount", "email_campaign"];

    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("customer_id", ColumnType.Text),
        new("occurred_at", ColumnType.Time),
        new("kind", ColumnType.Text),
        new("campaign", ColumnType.OptionalText),
        new("arm", ColumnType.OptionalText),
    ];

    public static IReadOnlyList<TableColumn> TruthColumns { get; } =
    [
        new("customer_id", ColumnType.Text),
        new("segment", ColumnType.Text),
        new("churn_probability", ColumnType.OptionalNumber),
        new("kind_at_as_of", ColumnType.OptionalText),
        new("arm", ColumnType.OptionalText),
        .. Kinds.Select(k => new TableColumn($"uplift_{k}", ColumnType.OptionalNumber)),
        new("best_action", ColumnType.OptionalText),
        new("churned_in_horizon", ColumnType.Integer),
        new("churn_prevented", ColumnType.Integer),
    ];

    /// <summary>
    /// The planted share of would-be churners a kind keeps, by segment. The riskiest are often past saving: a call keeps
    /// few of the declining (they have already left in their heads) and none of the dormant, but many of the support-heavy
    /// (their problem is one a call can fix) and of the steady. A discount brings back the dormant and keeps steady
    /// customers, and does nothing for a support problem or a decline. The email campaign does nothing at all.
    /// </summary>
    public static double RelativeEffect(string kind, string segment) => (kind, segment) switch
    {
        ("cs_call", _) when segment.Contains("dormant", StringComparison.Ordinal) => 0,
        ("cs_call", "declining") => 0.05,
        ("cs_call", "support_heavy") => 0.6,
        ("cs_call", "power_user") => 0.2,
        ("cs_call", _) => 0.35,
        ("discount", _) when segment.Contains("dormant", StringComparison.Ordinal) => 0.5,
        ("discount", "steady") => 0.4,
        ("discount", _) => 0,
        _ => 0,
    };

    private readonly SimulatedWorld _world;
    private readonly TableWriter _rows;
    private readonly TableWriter _truth;
    private readonly Dictionary<(string Kind, string Segment), (double Effect, int Customers)> _bySegment = [];
    private readonly Dictionary<string, (double Effect, int Treated)> _onTreated = [];
    private int _paying;

    public PlantedInterventions(SimulatedWorld world, string directory, TableFormat format)
    {
        _world = world;
        RowsPath = Path.Combine(directory, FileName + Extension(format));
        TruthPath = Path.Combine(directory, TruthFileName + Extension(format));
        TruthJsonPath = Path.Combine(directory, TruthFileName + ".json");
        _rows = TableWriter.Create(RowsPath, format, Columns, ExportDialectNames.CanonicalTimeFormat, world.Options.RowGroupSize);
        _truth = TableWriter.Create(TruthPath, format, TruthColumns, ExportDialectNames.CanonicalTimeFormat, world.Options.RowGroupSize);
    }

    public string RowsPath { get; }
    public string TruthPath { get; }
    public string TruthJsonPath { get; }

    /// <summary>What the planter did to one customer; the caller removes the cancellation when <see cref="Prevented"/>.</summary>
    public readonly record struct Planted(bool Prevented);

    /// <summary>Plants one customer's interventions, writes its rows and truth, and says whether its churn was prevented.</summary>
    public Planted Plant(string customerId, string segment, LifecycleStatus status, double? churnProbability, bool churnedInHorizon, long? churnedSecond)
    {
        var rng = new SeededRandom(_world.Options.Seed, StreamOf(customerId));
        if (status != LifecycleStatus.Customer || churnProbability is not { } p)
        {
            WriteTruth(customerId, segment, null, null, InterventionArm.None, churnedInHorizon, prevented: false, null);
            return new Planted(false);
        }
        _paying++;
        PlantHistory(rng, customerId, p);
        var (kindAtT, campaign, arm) = Assign(rng, p);
        // The day after T, in working hours: inside the contact window whether a run takes T or the export's end minus the horizon
        // (a day later), and before almost every planted churn (those come from T + 1 day on).
        long contact = _world.AsOfSecond + 86400 + (long)rng.Uniform(8 * 3600, 20 * 3600);
        var at = _world.ToDateTime(contact);
        double reach = Reach(contact);
        foreach (var kind in Kinds)
        {
            var key = (kind, segment);
            var (sum, n) = _bySegment.GetValueOrDefault(key);
            _bySegment[key] = (sum + p * reach * RelativeEffect(kind, segment), n + 1);
        }
        // Drawn for everyone, used only for the treated, so every customer's later draws stay put whatever their arm.
        bool kept = rng.Chance(kindAtT is null ? 0 : RelativeEffect(kindAtT, segment));
        if (kindAtT is not null)
        {
            Row(customerId, at, kindAtT, campaign, arm);
        }
        bool treated = kindAtT is not null && arm != InterventionArm.Control;
        if (treated)
        {
            var (sum, n) = _onTreated.GetValueOrDefault(kindAtT!);
            _onTreated[kindAtT!] = (sum + p * reach * RelativeEffect(kindAtT!, segment), n + 1);
        }
        // A churn before the contact cannot be prevented by it.
        bool prevented = treated && churnedInHorizon && kept && churnedSecond > contact;
        WriteTruth(customerId, segment, p * reach, kindAtT, arm, churnedInHorizon && !prevented, prevented, p);
        return new Planted(prevented);
    }

    /// <summary>Randomised campaigns first (independent of risk), then CS calls aimed at the riskiest of the rest.</summary>
    private static (string? Kind, string? Campaign, InterventionArm Arm) Assign(SeededRandom rng, double p)
    {
        double u = rng.NextDouble();
        var arm = rng.Chance(0.5) ? InterventionArm.Treatment : InterventionArm.Control;
        double callChance = Math.Clamp(0.03 + 2.5 * p, 0, 0.9);
        bool called = rng.Chance(callChance);
        if (u < 0.3)
        {
            return ("discount", DiscountCampaign, arm);
        }
        if (u < 0.5)
        {
            return ("email_campaign", EmailCampaign, arm);
        }
        return called ? ("cs_call", null, InterventionArm.None) : (null, null, InterventionArm.None);
    }

    /// <summary>Earlier CS calls (before T, no effect on anything): the riskier the customer, the likelier one was made.</summary>
    private void PlantHistory(SeededRandom rng, string customerId, double p)
    {
        bool earlier = rng.Chance(Math.Clamp(0.1 + p, 0, 0.8));
        double daysBefore = rng.Uniform(3, 180);
        if (earlier)
        {
            Row(customerId, _world.ToDateTime(_world.AsOfSecond - (long)(daysBefore * 86400)), "cs_call", null, InterventionArm.None);
        }
    }

    private void Row(string customerId, DateTime at, string kind, string? campaign, InterventionArm arm)
    {
        _rows.Text(customerId);
        _rows.Time(at);
        _rows.Text(kind);
        _rows.Text(campaign);
        _rows.Text(arm == InterventionArm.None ? null : arm.Name());
        _rows.EndRow();
    }

    /// <summary>The share of a horizon's planted churns that come after a contact at this second (churn days are uniform on [T+1, T+H-1]).</summary>
    private double Reach(long contactSecond)
    {
        double day = (contactSecond - _world.AsOfSecond) / 86400.0;
        return Math.Clamp((_world.Horizon - 1 - day) / (_world.Horizon - 2), 0, 1);
    }

    /// <param name="reachable">The churn probability a contact can act on (p times the share of churns after the contact); the uplifts are it times the kind's effect.</param>
    private void WriteTruth(string customerId, string segment, double? reachable, string? kind, InterventionArm arm, bool churned, bool prevented, double? p)
    {
        _truth.Text(customerId);
        _truth.Text(segment);
        _truth.Number(p);
        _truth.Text(kind);
        _truth.Text(arm == InterventionArm.None ? null : arm.Name());
        string? best = null;
        double bestUplift = 0;
        foreach (var k in Kinds)
        {
            double? uplift = reachable is { } q ? Math.Round(q * RelativeEffect(k, segment), 6) : null;
            _truth.Number(uplift);
            if (uplift > bestUplift)
            {
                (best, bestUplift) = (k, uplift.Value);
            }
        }
        _truth.Text(best);
        _truth.Integer(churned ? 1 : 0);
        _truth.Integer(prevented ? 1 : 0);
        _truth.EndRow();
    }

    /// <summary>
    /// Keeps a customer whose churn after T was prevented: every cancellation after T goes; returns the latest one left
    /// (an earlier churn the customer came back from), for the outcomes table.
    /// </summary>
    public static long? KeepCustomer(List<SimEvent> events, SimulatedWorld world)
    {
        events.RemoveAll(e => e.Kind == EventKind.Cancellation && e.Second > world.AsOfSecond);
        return events.Where(e => e.Kind == EventKind.Cancellation).Select(e => (long?)e.Second).Max();
    }

    /// <summary>Closes the tables and writes the per kind × segment truth: the planted effect on churn within the horizon.</summary>
    public void Finish()
    {
        _rows.Dispose();
        _truth.Dispose();
        using var stream = File.Create(TruthJsonPath);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("asOf", _world.Options.ReferenceAsOf.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        json.WriteNumber("horizonDays", _world.Options.HorizonDays);
        json.WriteString("effect", "reduction in the probability of churning within the horizon when treated at the as-of date (absolute, 0.05 = 5 points)");
        json.WriteNumber("payingCustomers", _paying);
        json.WriteStartArray("kinds");
        foreach (var kind in Kinds)
        {
            json.WriteStartObject();
            json.WriteString("kind", kind);
            json.WriteString("design", kind == "cs_call" ? "targeted: CS calls the riskiest (no control arm)" : "randomised: half of the campaign on a control arm");
            var all = _bySegment.Where(kv => kv.Key.Kind == kind).ToList();
            json.WriteNumber("effect", Math.Round(all.Sum(kv => kv.Value.Effect) / Math.Max(1, all.Sum(kv => kv.Value.Customers)), 6));
            var (treatedSum, treated) = _onTreated.GetValueOrDefault(kind);
            json.WriteNumber("effectOnTreated", Math.Round(treatedSum / Math.Max(1, treated), 6));
            json.WriteNumber("treated", treated);
            json.WriteStartArray("segments");
            foreach (var ((_, segment), (sum, n)) in all.OrderBy(kv => kv.Key.Segment, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("segment", segment);
                json.WriteNumber("relativeEffect", RelativeEffect(kind, segment));
                json.WriteNumber("effect", Math.Round(sum / n, 6));
                json.WriteNumber("customers", n);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A stream per customer from its id (FNV-1a), far from the worlds' own streams, and the same whatever the chunking.</summary>
    private static long StreamOf(string customerId)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in customerId)
        {
            h = unchecked((h ^ c) * 1099511628211UL);
        }
        return unchecked((long)(h ^ 0x1A7E_5EED_0000_0000UL));
    }

    private static string Extension(TableFormat format) => format == TableFormat.Parquet ? ".parquet" : ".csv";
}
