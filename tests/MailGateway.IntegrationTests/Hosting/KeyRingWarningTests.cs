using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Hosting;

/// <summary>A key ring kept in Redis without a protecting certificate is said at startup.</summary>
public class KeyRingWarningTests(MailEnvFixture fixture)
{
    [Fact]
    public async Task Startup_warns_when_the_key_ring_in_redis_is_unprotected()
    {
        var before = fixture.Logs.Count;
        await using var app = fixture.CreateApp();
        _ = app.Server;
        Assert.Contains(fixture.Logs.Since(before), l => l.Contains("without encryption at rest", StringComparison.Ordinal));
    }
}
