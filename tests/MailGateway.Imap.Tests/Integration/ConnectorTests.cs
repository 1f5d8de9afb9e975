using MailGateway.Imap.Tests.Infrastructure;

namespace MailGateway.Imap.Tests.Integration;

public sealed class ConnectorTests(ImapEnvironment fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Implicit_TLS_with_the_trusted_CA_logs_in_and_enables_QRESYNC()
    {
        await using var harness = new PoolHarness(fixture.Env);
        using var client = await harness.Connector.ConnectAsync(harness.Account("user30"), Ct);
        Assert.True(client.IsAuthenticated);
        Assert.True(client.IsSecure);
        Assert.True(harness.Telemetry.CommandCount > 0);
        var attempt = Assert.Single(harness.Observer.Attempts);
        Assert.True(attempt.Succeeded);
        Assert.Equal("acc-user30", attempt.AccountId);
    }
}
