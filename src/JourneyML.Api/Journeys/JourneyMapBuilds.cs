using System.Threading.RateLimiting;
using JourneyML.Api.Serving;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Journeys;

/// <summary>
/// The queue for journey maps built on demand: at most RateLimits:MapBuildsAtOnce build at once (a build reads every
/// event and keeps a core busy, which slows predictions), at most RateLimits:MapBuildsWaiting wait, oldest first; the
/// rest are turned away at once with a Retry-After worked out from how long builds have been taking.
/// </summary>
public sealed class JourneyMapBuilds(IOptions<RateLimitOptions> options) : IDisposable
{
    /// <summary>What Retry-After says before any build has been timed.</summary>
    private static readonly TimeSpan s_firstGuess = TimeSpan.FromSeconds(10);

    private readonly ConcurrencyLimiter _slots = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MapBuildsAtOnce,
        QueueLimit = options.Value.MapBuildsWaiting,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private readonly object _gate = new();
    private TimeSpan? _typical;

    /// <summary>Waits for a build slot; the lease is not acquired when the queue is full (answer 503 with <see cref="RetryAfter"/>).</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _slots.AcquireAsync(1, cancellationToken);

    /// <summary>Requests waiting for a slot now.</summary>
    public long Waiting => _slots.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>When a turned-away client may find a slot: the typical build time for each build ahead of it.</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            lock (_gate)
            {
                var ahead = (Waiting + options.Value.MapBuildsAtOnce) / (double)options.Value.MapBuildsAtOnce;
                return (_typical ?? s_firstGuess) * ahead;
            }
        }
    }

    /// <summary>Records how long a build took (a running mean that follows the latest builds).</summary>
    public void Built(TimeSpan took)
    {
        lock (_gate)
        {
            _typical = _typical is { } t ? t * 0.7 + took * 0.3 : took;
        }
    }

    public void Dispose() => _slots.Dispose();
}
