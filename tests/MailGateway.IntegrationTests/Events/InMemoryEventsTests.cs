using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Events;

/// <summary>Without Redis (one instance, in-memory demand, leases, sync state and transport) push works the same.</summary>
public sealed class InMemoryEventsTests(MailEnvFixture fixture)
{
    [Fact]
    public async Task Push_works_without_redis()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var http = app.CreateClient("events-owner-167");
        var accountId = await app.RegisterAccountAsync(http, "user167", ct);
        await using var client = await EventClient.ConnectAsync(app, app.CreateToken("events-owner-167"), ct);
        await client.SubscribeAsync(accountId, ct);
        await client.WaitForAsync("account.connected");
        await fixture.Env.AppendAsync("user167", "Archive", TestMail.Create("In memory, other mailbox"), ct);
        var created = await client.WaitForAsync("message.created");
        Assert.Equal("Archive", created.GetProperty("data").GetProperty("mailboxPath").GetString());
        Assert.Equal("In memory, other mailbox", EventClient.Subject(created));
        await Task.Delay(1000, ct);
        Assert.Single(client.OfType("message.created"));
    }
}
