using MailGateway.Api.Storage;
namespace MailGateway.Api.Events;

/// <summary>The <c>Events</c> configuration section (the watcher reads <c>PollInterval</c>, <c>IdleRestart</c>,
/// <c>UseNotify</c> and the reconnect bounds from the same section).</summary>
public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>Redis Stream that carries events to every instance (<c>XADD ... MAXLEN ~</c>); by default
    /// <c>events</c> after <c>Redis:KeyPrefix</c>.</summary>
    public string StreamKey { get; set; } = RedisKeys.DefaultPrefix + "events";
    public int StreamMaxLength { get; set; } = 10_000;
    /// <summary>How long a published event id is remembered, so a repeat (e.g. after a failover) is dropped.</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(2);
    /// <summary>How long a publish attempt holds an event id before it counts as abandoned (a claim whose attempt
    /// failed and whose release did not reach Redis blocks retries at most this long).</summary>
    public TimeSpan PublishClaimTtl { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How often the boot marker is checked to notice a Redis that lost its data.</summary>
    public TimeSpan BootMarkerInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Lease that makes exactly one instance watch an account; renewed every third of it.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Lifetime of a demand registration (SignalR/GraphQL subscribers) unless renewed by its instance.</summary>
    public TimeSpan DemandTtl { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the supervisor compares demand with running watches.</summary>
    public TimeSpan SupervisorInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How often a running watch re-reads its account (credentials changed, disabled, removed).</summary>
    public TimeSpan AccountCheckInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long the stream reader waits for a notification before it polls the stream anyway.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
