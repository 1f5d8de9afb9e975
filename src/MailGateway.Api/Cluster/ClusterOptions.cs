namespace MailGateway.Api.Cluster;

/// <summary>The <c>Cluster</c> configuration section: how instances share the work (docs/architecture.md, docs/decisions/).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>How often an instance renews its registration, which lives <see cref="BeatsToLive"/> beats. Default
    /// (zero): an eighth of <c>Events:LeaseTtl</c>, so a dead instance drops out after half the lease TTL and the new
    /// owners take its leases over at once: its accounts are watched again within the lease TTL.</summary>
    public TimeSpan HeartbeatInterval { get; set; }

    /// <summary>Bounded-load rendezvous hashing: no instance owns more than (1 + slack) × its fair share of the
    /// watched accounts. 0.25 keeps 3 × 20 accounts within 20 ± 5 and moves few accounts when an instance leaves.</summary>
    public double OwnershipSlack { get; set; } = 0.25;

    /// <summary>Beats a registration outlives its last heartbeat: a live instance must miss three in a row (a GC pause,
    /// a loaded machine, a slow Redis) before the others count it dead and take its leases over.</summary>
    public const int BeatsToLive = 4;

    /// <summary>Registration lifetime without a heartbeat.</summary>
    public TimeSpan InstanceTtl => HeartbeatInterval * BeatsToLive;
}
