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

    /// <summary>FLUSHALL on every master: the next test starts without the accounts, demand and leases of the last one.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        foreach (var port in Env.RedisClusterPorts)
        {
            var info = new System.Diagnostics.ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "-h", Env.Host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "FLUSHALL" })
                info.ArgumentList.Add(arg);
            using var process = System.Diagnostics.Process.Start(info)!;
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Env is not null) await Env.DisposeAsync();
    }
}
