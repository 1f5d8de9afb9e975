using MailGateway.Imap.Pooling;
using MailGateway.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Tests.Infrastructure;

/// <summary>The IMAP services as the host registers them, pointed at the private Dovecot.</summary>
internal sealed class PoolHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public PoolHarness(MailEnvironment env, Action<Dictionary<string, string?>>? configure = null, bool trustCa = true)
    {
        Env = env;
        var settings = new Dictionary<string, string?>
        {
            ["AllowPrivateNetworks"] = "true",
            ["MaxConnectionsPerAccount"] = "3",
            ["LeaseTimeout"] = "00:00:20",
        };
        if (trustCa) settings["TrustedCertificateFiles:0"] = env.CaCertificatePath;
        configure?.Invoke(settings);
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddSingleton<IImapCredentialProvider>(Credentials);
        services.AddSingleton<IImapLoginObserver>(Observer);
        services.AddImapSessionPool(config);
        _services = services.BuildServiceProvider();
    }

    public MailEnvironment Env { get; }
    public TestCredentials Credentials { get; } = new();
    public CapturingLoggerProvider Logs { get; } = new();
    public RecordingLoginObserver Observer { get; } = new();
    public IImapSessionPool Pool => _services.GetRequiredService<IImapSessionPool>();
    public IServiceProvider Services => _services;
    internal ImapSessionPool PoolImpl => _services.GetRequiredService<ImapSessionPool>();
    public ImapTelemetry Telemetry => _services.GetRequiredService<ImapTelemetry>();
    internal ImapConnector Connector => _services.GetRequiredService<ImapConnector>();

    public ImapAccount Account(string user, ImapSecurity security = ImapSecurity.Tls, string? host = null, string stamp = "1", string? pin = null,
        ImapAuthMechanism mechanism = ImapAuthMechanism.Password) =>
        new($"acc-{user}", host ?? Env.Host, security == ImapSecurity.Tls ? Env.ImapsPort : Env.ImapPort, security, user, mechanism, stamp, pin);

    public async Task<IImapSession> RentAsync(string user) => await Pool.RentAsync(Account(user), TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
