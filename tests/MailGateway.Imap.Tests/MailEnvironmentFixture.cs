using MailGateway.Testing;

namespace MailGateway.Imap.Tests;

public sealed class MailEnvironmentFixture : IAsyncLifetime
{
    public MailEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { RedisAppendOnly = true }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Env.DisposeAsync();
}
