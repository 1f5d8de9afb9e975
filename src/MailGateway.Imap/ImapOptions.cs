namespace MailGateway.Imap;

/// <summary>The <c>Imap</c> configuration section.</summary>
public sealed class ImapOptions
{
    public const string Section = "Imap";

    /// <summary>Authenticated connections per account in the command pool (the watch connection is extra).</summary>
    public int MaxConnectionsPerAccount { get; set; } = 3;
    /// <summary>Connections across all accounts on this instance.</summary>
    public int MaxConnections { get; set; } = 2000;
    /// <summary>Command connections to one IMAP server (host name) across all instances with Redis; 0 = no cap.</summary>
    public int MaxConnectionsPerHost { get; set; }
    /// <summary>The share of <see cref="MaxConnections"/> one user (owner) may hold, at least
    /// <see cref="MaxConnectionsPerAccount"/>, so other users keep working.</summary>
    public double UserConnectionShare { get; set; } = 0.25;
    /// <summary>How long a request waits for a free connection before 503.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>An unused connection is closed after this long.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>A connection unused for this long is checked with NOOP before it is leased.</summary>
    public TimeSpan NoopAfter { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Allow <c>security: none</c> (plaintext IMAP).</summary>
    public bool AllowInsecure { get; set; }
    /// <summary>Allow IMAP hosts on loopback or private networks (quick start and tests).</summary>
    public bool AllowPrivateNetworks { get; set; }
    /// <summary>When not empty, accounts may only use these hosts (exact names or <c>*.example.com</c>).</summary>
    public List<string> AllowedHosts { get; set; } = [];
    /// <summary>Extra trust roots (PEM files) for server certificates.</summary>
    public List<string> TrustedCertificateFiles { get; set; } = [];
    /// <summary>Check revocation (CRL/OCSP) of server certificates that chain to the system trust store. Off by
    /// default because it blocks connects when the gateway cannot reach the CA's revocation endpoints.</summary>
    public bool CheckCertificateRevocation { get; set; }

    /// <summary>Set TCP_QUICKACK after every read (Linux): avoids a ~40 ms delayed-ACK stall per larger answer from
    /// servers that write without TCP_NODELAY, such as Cyrus (issue 16 item 7; figures in the README bench section).</summary>
    public bool TcpQuickAck { get; set; } = true;
}
