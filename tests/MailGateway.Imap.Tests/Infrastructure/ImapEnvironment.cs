using MailGateway.Imap.Tests.Infrastructure;
using MailGateway.Testing;

[assembly: AssemblyFixture(typeof(ImapEnvironment))]

namespace MailGateway.Imap.Tests.Infrastructure;

/// <summary>One private Dovecot for all IMAP integration tests of this assembly; each test class uses its own users.</summary>
public sealed class ImapEnvironment : IAsyncLifetime
{
    public MailEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = false }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Env is not null) await Env.DisposeAsync();
    }
}
