using System.Diagnostics;
using System.Security.Cryptography;

namespace MailGateway.Testing;

/// <summary>
/// A private Dovecot IMAP server (and optionally redis-server) running from one directory on free loopback ports,
/// for integration tests, the demo and the benchmark. Users user1..user200, alice, bob and demo; password
/// <c>pass-&lt;user&gt;</c> (<see cref="PasswordOf"/>). Dispose stops the servers and deletes a temp directory.
/// </summary>
public sealed partial class MailEnvironment : IAsyncDisposable
{
    private readonly MailEnvironmentOptions _options;
    private readonly RunAs _account;
    private readonly bool _ownsDirectory;
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);
    private readonly LoginCounter _logins;
    private Process? _dovecot;
    private Process? _redis;
    private int _disposed;

    private MailEnvironment(MailEnvironmentOptions options, string directory, bool ownsDirectory)
    {
        _options = options;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        _logins = new LoginCounter(DovecotLogPath);
        _account = ServerProcess.ResolveAccount();
    }

    /// <summary>The directory holding config, mail, TLS keys, logs and sockets.</summary>
    public string Directory { get; }
    public string Host => "127.0.0.1";
    /// <summary>Plain IMAP listener that offers STARTTLS.</summary>
    public int ImapPort { get; private set; }
    /// <summary>Implicit-TLS IMAP listener.</summary>
    public int ImapsPort { get; private set; }
    /// <summary>The private CA (PEM) that signed the server certificate: the only thing a client must trust.</summary>
    public string CaCertificatePath => Path.Combine(Directory, "tls", "ca.crt");
    public string DovecotConfigPath => Path.Combine(Directory, "dovecot.conf");
    public string DovecotLogPath => Path.Combine(Directory, "log", "dovecot.log");
    /// <summary>StackExchange.Redis configuration string ("127.0.0.1:PORT"), null when Redis was not started.</summary>
    public string? RedisConfiguration => IsRedisCluster
        ? string.Join(',', RedisClusterPorts.Select(p => $"{Host}:{p}"))
        : RedisPort == 0 ? null : $"{Host}:{RedisPort}";
    public int RedisPort { get; private set; }
    /// <summary>HMAC key Dovecot accepts for HS256 bearer tokens (<see cref="MintImapOAuthToken(string, TimeSpan)"/>).</summary>
    public byte[] OAuthSigningKey { get; private set; } = [];
    public string OAuthSigningKeyBase64 => Convert.ToBase64String(OAuthSigningKey);
    /// <summary>How long <see cref="StartAsync"/> took until both servers answered.</summary>
    public TimeSpan StartupTime { get; private set; }

    public static string PasswordOf(string user) => $"pass-{user.ToLowerInvariant()}";

    /// <summary>All login names this environment knows.</summary>
    public IReadOnlyList<string> Users => [.. DovecotConfig.Users(_options.ExtraUsers)];

    public static async Task<MailEnvironment> StartAsync(MailEnvironmentOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MailEnvironmentOptions();
        var dovecotExe = options.Server == MailServerKind.Dovecot ? ServerProcess.FindExecutable("dovecot", "dovecot-imapd redis-server") : null;
        var redisExe = options.StartRedis ? ServerProcess.FindExecutable("redis-server", "dovecot-imapd redis-server") : null;
        var started = Stopwatch.StartNew();
        var owns = options.Directory is null;
        var dir = Path.GetFullPath(options.Directory ?? CreateTempDirectory());
        var env = new MailEnvironment(options, dir, owns);
        var redisStart = Task.CompletedTask;
        try
        {
            env.Prepare();
            redisStart = redisExe is null ? Task.CompletedTask
                : options.RedisCluster ? env.StartRedisClusterAsync(redisExe, ct)
                : env.StartRedisCoreAsync(redisExe, ct);
            if (dovecotExe is null)
                await env.StartCyrusCoreAsync(ct).ConfigureAwait(false);
            else
                await env.StartDovecotCoreAsync(dovecotExe, ct).ConfigureAwait(false);
            await redisStart.ConfigureAwait(false);
            if (options.StartPostfix)
                await env.StartPostfixCoreAsync(ct).ConfigureAwait(false);
            env.StartupTime = started.Elapsed;
            return env;
        }
        catch
        {
            // Let a Redis start that is still under way finish, so dispose stops it too.
            await redisStart.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            await env.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string CreateTempDirectory()
    {
        // Not under /root (0700): the dovecot account must traverse every parent.
        var root = Path.GetTempPath();
        if (ServerProcess.IsRoot && root.StartsWith("/root", StringComparison.Ordinal))
            root = "/tmp";
        var dir = Path.Combine(root, $"mailenv-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    private void Prepare()
    {
        ServerProcess.CheckTraversable(Directory);
        foreach (var sub in new[] { "run", "state", "log", "mail", "tls", "oauth2", "redis" })
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, sub));
        if (_options.CertificatesFrom is { } from)
        {
            foreach (var file in System.IO.Directory.GetFiles(from))
                File.Copy(file, Path.Combine(Directory, "tls", Path.GetFileName(file)), overwrite: true);
        }
        TestCertificates.EnsureCreated(Path.Combine(Directory, "tls"));
        // CountLogins counts this run only.
        if (File.Exists(DovecotLogPath))
            File.Move(DovecotLogPath, DovecotLogPath + ".old", overwrite: true);

        var keyFile = Path.Combine(Directory, "oauth2", "signing.key");
        if (!File.Exists(keyFile))
            File.WriteAllText(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        OAuthSigningKey = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
        DovecotConfig.WriteOAuth2(Directory, OAuthSigningKey);
        WriteUsers();
        ServerProcess.ChownTree(Directory, _account);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        var grace = TimeSpan.FromSeconds(10);
        // Postfix first: its idle smtpd processes hold connections to Dovecot's auth socket (POSTFIX.md pitfall 8).
        await StopPostfixAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(ServerProcess.StopAsync(_dovecot, grace), ServerProcess.StopAsync(_cyrus, grace), ServerProcess.StopAsync(_redis, grace),
            StopRedisClusterAsync()).ConfigureAwait(false);
        _dovecot = null;
        _cyrus = null;
        _redis = null;
        if (_ownsDirectory && Environment.GetEnvironmentVariable("MAILENV_KEEP") != "1")
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A straggling child may still write a log line; the temp dir is harmless.
            }
        }
    }
}
