using System.ComponentModel.DataAnnotations;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Serving;

/// <summary>How the service serves (section "Serving"): reload cadence, limits, alerts, where its data lives.</summary>
public sealed class ServingOptions
{
    public const string Section = "Serving";

    /// <summary>How often the registry is checked for a new champion and a new snapshot, in seconds.</summary>
    [Range(0.05, 300)]
    public double ReloadSeconds { get; set; } = 2;

    /// <summary>
    /// The longest the warm-up before ready may take, in seconds: every serving path runs until the JIT is quiet (full
    /// speed), or this long. 0 runs each path once.
    /// </summary>
    [Range(0, 600)]
    public double WarmUpSeconds { get; set; } = 30;

    /// <summary>Customers per batch prediction call; more gets 413.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 10_000;

    /// <summary>Largest request body accepted, in bytes; larger gets 413.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBytes { get; set; } = 32L << 20;

    /// <summary>Factors in words per prediction.</summary>
    [Range(0, 20)]
    public int TopFactors { get; set; } = 3;

    /// <summary>Snapshots (as-of dates) kept in a customer's risk history.</summary>
    [Range(1, 120)]
    public int HistoryDepth { get; set; } = 12;

    /// <summary>
    /// An alert is raised when a customer's churn risk crosses this (from below) between two snapshots. Unset (the
    /// default): the At-risk cut of the latest snapshot's model (metadata.json atRisk.threshold), so alerts follow the
    /// same list as the At-risk stage; 0.4 for a model trained before the cut was derived.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? ChurnRiskThreshold { get; set; }

    /// <summary>Stages whose entry raises an alert.</summary>
    public string[] AlertStages { get; set; } = [.. AlertRules.DefaultStages];

    /// <summary>The behaviour logs journey maps are built from on demand, and retraining jobs read by default.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataPath { get; set; } = "data";

    /// <summary>
    /// Folders a retraining job may read data from (a request names a folder; anything outside these is refused).
    /// The data path is always allowed.
    /// </summary>
    public string[] DataRoots { get; set; } = [];
}

/// <summary>Who may call what (section "Security").</summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";
    public const string HeaderName = "X-Api-Key";

    /// <summary>
    /// The key state-changing calls need (promote, rollback, retrain, webhooks) in the X-Api-Key header. Not set: those
    /// calls are switched off (403), never open.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Also require the key for reads (predictions, lists, maps).</summary>
    public bool ProtectReads { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ApiKey) && ApiKey.Trim().Length < 16)
        {
            yield return new ValidationResult("Security:ApiKey must be at least 16 characters (use a long random value)", [nameof(ApiKey)]);
        }
        if (ProtectReads && string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return new ValidationResult("Security:ProtectReads needs Security:ApiKey", [nameof(ProtectReads)]);
        }
    }
}

/// <summary>Alert webhooks (section "Webhooks"): called after each scoring run with the new alerts.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>URLs called with every new snapshot's alerts (the API's webhook list adds to these).</summary>
    public string[] Urls { get; set; } = [];

    /// <summary>
    /// Hosts (names or addresses, as written in the URL) a webhook may call although they are, or resolve to, internal
    /// addresses: loopback, private ranges, link-local. Empty by default: webhooks call public hosts only.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Shared secret: each call carries X-JourneyML-Signature: sha256=HMAC(secret, body).</summary>
    public string? Secret { get; set; }

    [Range(1, 10)]
    public int Attempts { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled for each next one.</summary>
    [Range(0.0, 60)]
    public double RetryDelaySeconds { get; set; } = 1;

    [Range(0.5, 120)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// The longest one delivery takes with every attempt, delay and timeout: the lease an instance takes on a delivery
    /// lasts this (plus a margin), so a dead instance's delivery is taken over by another after it.
    /// </summary>
    public TimeSpan LongestDelivery() =>
        TimeSpan.FromSeconds(Attempts * TimeoutSeconds + RetryDelaySeconds * (Math.Pow(2, Attempts - 1) - 1) + 30);
}
