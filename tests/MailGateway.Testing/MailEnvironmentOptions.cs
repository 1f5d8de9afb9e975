namespace MailGateway.Testing;

/// <summary>How <see cref="MailEnvironment.StartAsync"/> builds the private Dovecot + Redis environment.</summary>
public sealed class MailEnvironmentOptions
{
    /// <summary>
    /// Fixed directory to use (created if missing, reused if it holds an earlier environment's TLS keys and mail).
    /// Null = a fresh temp directory that is deleted on dispose (unless <c>MAILENV_KEEP=1</c>).
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Which IMAP server to run (Cyrus needs cyrus-common and sasl2-bin; see <see cref="MailServerKind"/>).</summary>
    public MailServerKind Server { get; set; } = MailServerKind.Dovecot;

    /// <summary>A <c>tls</c> directory whose CA and server certificate to reuse (so one trusted CA covers several environments).</summary>
    public string? CertificatesFrom { get; set; }

    /// <summary>Start a private redis-server too.</summary>
    public bool StartRedis { get; set; } = true;

    /// <summary>
    /// Run Redis as a private Redis Cluster of <see cref="RedisClusterMasters"/> masters instead of one redis-server
    /// (default: on when the environment variable <c>MAILENV_REDIS=cluster</c>, so a whole test run can be repeated
    /// against a cluster). Stop/start of Redis is not available then.
    /// </summary>
    public bool RedisCluster { get; set; } = Environment.GetEnvironmentVariable("MAILENV_REDIS") == "cluster";

    /// <summary>Masters of the cluster (at least 3).</summary>
    public int RedisClusterMasters { get; set; } = 3;

    /// <summary>Replicas per master (0: masters only; 1 gives 3 masters + 3 replicas, so a killed master's replica takes over).</summary>
    public int RedisClusterReplicas { get; set; }

    /// <summary>The nodes' <c>cluster-node-timeout</c>: how long a node may be unreachable before it counts as failed
    /// (and, with replicas, before its replica is promoted).</summary>
    public TimeSpan RedisClusterNodeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Let redis write an append-only file so data survives <see cref="MailEnvironment.StopRedisAsync"/>.</summary>
    public bool RedisAppendOnly { get; set; }

    /// <summary>Extra login names besides user1..user200, alice, bob, demo (password <c>pass-&lt;user&gt;</c>).</summary>
    public IReadOnlyList<string> ExtraUsers { get; set; } = [];

    /// <summary>Move idle IDLE sessions into imap-hibernate after this long (null = off, the Dovecot default).</summary>
    public TimeSpan? ImapHibernateTimeout { get; set; }

    /// <summary>Fixed ports (0 = pick free loopback ports).</summary>
    public int ImapPort { get; set; }
    public int ImapsPort { get; set; }
    public int RedisPort { get; set; }

    /// <summary>Start a private Postfix too (submission on <see cref="MailEnvironment.SmtpPort"/>, delivering over Dovecot LMTP;
    /// root only). Adds LMTP and a SASL auth socket to dovecot.conf.</summary>
    public bool StartPostfix { get; set; }
    public int SmtpPort { get; set; }
    public int SmtpsPort { get; set; }

    /// <summary>How long to wait for the servers to answer.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>What <see cref="MailEnvironment.SeedAsync(string, SeedOptions, CancellationToken)"/> puts into a mailbox.</summary>
public sealed class SeedOptions
{
    /// <summary>Messages in INBOX.</summary>
    public int InboxCount { get; set; } = 100;

    /// <summary>Messages in Sent and Archive (null = clamp(InboxCount/50, 3, 40)); Drafts/Trash/Junk/Projects get a quarter.</summary>
    public int? OtherFolderCount { get; set; }

    /// <summary>Fill the other folders at all.</summary>
    public bool OtherFolders { get; set; } = true;

    /// <summary>Add the <c>body-50k</c> marker message to INBOX.</summary>
    public bool Body50kMarker { get; set; } = true;

    /// <summary>Add the <c>large-attachment</c> marker (5 MiB binary attachment) to INBOX.</summary>
    public bool LargeAttachmentMarker { get; set; }

    /// <summary>Dates are spread over this many days before <see cref="Now"/>.</summary>
    public int Days { get; set; } = 90;

    /// <summary>Random seed: the same seed gives the same messages.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Newest date (default: the current time rounded down to the minute).</summary>
    public DateTimeOffset? Now { get; set; }
}
