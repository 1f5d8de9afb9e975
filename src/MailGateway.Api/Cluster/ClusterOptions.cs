namespace MailGateway.Api.Cluster;

/// <summary>The <c>Cluster</c> configuration section: how instances share the work (docs/architecture.md, docs/decisions/).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>How often an instance renews its registration, which lives three beats. Default (zero): a third of
    /// <c>Events:LeaseTtl</c>, so a dead instance drops out, and its accounts move, within the lease TTL.</summary>
    public TimeSpan HeartbeatInterval { get; set; }

    /// <summary>Bounded-load rendezvous hashing: no instance owns more than (1 + slack) × its fair share of the
    /// watched accounts. 0.25 keeps 3 × 20 accounts within 20 ± 5 and moves few accounts when an instance leaves.</summary>
    public double OwnershipSlack { get; set; } = 0.25;

    /// <summary>Registration lifetime without a heartbeat.</summary>
    public TimeSpan InstanceTtl => HeartbeatInterval * 3;
}
