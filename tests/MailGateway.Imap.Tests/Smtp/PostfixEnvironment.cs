using MailGateway.Testing;

namespace MailGateway.Imap.Tests.Smtp;

/// <summary>A private Dovecot + Postfix (no Redis) for the SMTP tests of this assembly.</summary>
public sealed class PostfixEnvironment : IAsyncLifetime
{
    public MailEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = false, StartPostfix = true }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Env is not null) await Env.DisposeAsync();
    }
}
