using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>A private mail environment whose Redis is a 3-master Redis Cluster (its own Dovecot too, for the
/// multi-process tests that need a mail server of their own).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public MailEnvironment Env { get; private set; } = null!;

    /// <summary>The cluster's seed nodes, as <c>Redis:Configuration</c> takes them.</summary>
    public string Seeds => Env.RedisConfiguration!;

    public async ValueTask InitializeAsync() =>
        Env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { RedisCluster = true }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Env is not null) await Env.DisposeAsync();
    }
}
