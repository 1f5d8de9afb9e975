using System.Threading.Channels;
using MailGateway.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>One private Dovecot for the watcher tests (no Redis).</summary>
public class WatchEnvFixture : IAsyncLifetime
{
    public MailEnvironment Env { get; private set; } = null!;

    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    public async ValueTask InitializeAsync() =>
        Env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = false, Server = Server }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Env is not null) await Env.DisposeAsync();
    }

    /// <summary>The real watcher with the pool's real connector (TLS to the private CA, password login).</summary>
    public ServiceProvider CreateServices(bool useNotify = true, TimeSpan? pollInterval = null, Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Imap:AllowPrivateNetworks"] = "true",
            ["Imap:TrustedCertificateFiles:0"] = Env.CaCertificatePath,
            ["Events:UseNotify"] = useNotify ? "true" : "false",
            ["Events:PollInterval"] = (pollInterval ?? TimeSpan.FromSeconds(30)).ToString(),
            ["Events:ReconnectMin"] = "00:00:00.200",
        };
        configure?.Invoke(settings);
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        services.AddSingleton<IImapCredentialProvider, PasswordProvider>();
        services.AddImapSessionPool(config.GetSection("Imap"));
        services.AddMailboxWatching(config.GetSection("Events"));
        return services.BuildServiceProvider();
    }

    public ImapAccount Account(string user) => new(user, Env.Host, Env.ImapsPort, ImapSecurity.Tls, user);

    private sealed class PasswordProvider : IImapCredentialProvider
    {
        public ValueTask<ImapSecret> GetSecretAsync(ImapAccount account, bool forceRefresh, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new ImapSecret(MailEnvironment.PasswordOf(account.Username)));
    }
}

/// <summary>Runs a watch in the background and lets a test wait for the change it expects.</summary>
internal sealed class WatchRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<MailboxChange> _changes = Channel.CreateUnbounded<MailboxChange>();
    private readonly Task _pump;

    public WatchRecorder(IMailboxWatcher watcher, ImapAccount account, IReadOnlyDictionary<string, MailboxState> known)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in watcher.WatchAsync(account, known, _stop.Token))
                {
                    if (change is MailboxChange.Synced s) State[s.Mailbox] = s.State;
                    All.Add(change);
                    _changes.Writer.TryWrite(change);
                }
            }
            catch (OperationCanceledException) { }
        });
    }

    public Dictionary<string, MailboxState> State { get; } = new(StringComparer.Ordinal);

    public System.Collections.Concurrent.ConcurrentBag<MailboxChange> All { get; } = [];

    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null) where T : MailboxChange
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var change = await _changes.Reader.ReadAsync(cts.Token);
            if (change is T t && (match is null || match(t))) return t;
        }
    }

    /// <summary>Changes of type <typeparamref name="T"/> that arrive within <paramref name="quiet"/>.</summary>
    public async Task<List<T>> CollectAsync<T>(TimeSpan quiet) where T : MailboxChange
    {
        var list = new List<T>();
        using var cts = new CancellationTokenSource(quiet);
        try
        {
            while (true)
            {
                var change = await _changes.Reader.ReadAsync(cts.Token);
                if (change is T t) list.Add(t);
            }
        }
        catch (OperationCanceledException) { }
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
