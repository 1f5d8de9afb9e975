using System.ComponentModel.DataAnnotations;

namespace MailGateway.Api.Webhooks;

/// <summary>Settings of section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Delay before each attempt: the first entry is the first attempt, then one retry per entry. Jitter is added.</summary>
    public IList<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>Up to this fraction of a delay is added at random, so many failing deliveries don't retry in lockstep.</summary>
    [Range(0.0, 1.0)]
    public double RetryJitter { get; set; } = 0.1;

    /// <summary>A 2xx must arrive within this time.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An endpoint failing without any success for this long is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>After a rotation the previous secret still signs (a second signature) for this long.</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Deliveries in flight at once for one endpoint, started in event order.</summary>
    [Range(1, 64)]
    public int MaxConcurrencyPerEndpoint { get; set; } = 1;

    /// <summary>Deliveries in flight at once on this instance, over all endpoints.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>How often an idle instance looks for due deliveries queued by other instances.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A claimed delivery returns to the queue when its instance has not finished it by then (killed instance).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Webhooks one user (token subject) may have: creating one more answers 409 <c>webhook_limit_reached</c>.</summary>
    [Range(1, 100_000)]
    public int MaxWebhooksPerUser { get; set; } = 25;

    /// <summary>Deliveries of one endpoint waiting or in flight at which <c>/test</c> and manual retries answer 429
    /// <c>too_many_pending_deliveries</c>. Mail events are always queued (they are never dropped): the claim order keeps
    /// a backlog from delaying other endpoints.</summary>
    [Range(1, 10_000_000)]
    public int MaxPendingPerEndpoint { get; set; } = 1000;

    /// <summary>Refuse nothing on network grounds: tests and demos with a receiver on loopback set it.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How often the accounts to watch for subscriptions are recomputed (at once after a subscription changes).</summary>
    public TimeSpan DemandRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Finished deliveries stay listed this long.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The delivery log of one endpoint keeps at most this many entries.</summary>
    [Range(10, 100_000)]
    public int DeliveryLogLength { get; set; } = 1000;

    internal static IReadOnlyList<TimeSpan> DefaultSchedule { get; } =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>The configured schedule, or the default one when none is configured.</summary>
    public IReadOnlyList<TimeSpan> EffectiveSchedule => RetrySchedule.Count > 0 ? [.. RetrySchedule] : DefaultSchedule;
}
