using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Events;

/// <summary>Mail that arrives while no gateway runs is announced after the restart, exactly once.</summary>
public sealed class EventRestartTests(MailEnvFixture fixture)
{
    private const string User = "user163";
    private const string Owner = "events-owner-163";

    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(EventRestartTests)); // every instance of a test shares it

    private GatewayApp Create(string signingKey) => fixture.CreateApp(o =>
    {
        o.SigningKey = signingKey;
        _redis.ApplyTo(o.Settings);
    });

    [Fact]
    public async Task Mail_appended_while_stopped_is_announced_once_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = new GatewayAppOptions().SigningKey;
        string accountId;
        await using (var first = Create(key))
        {
            using var http = first.CreateClient(Owner);
            accountId = await first.RegisterAccountAsync(http, User, ct);
            await using var client = await EventClient.ConnectAsync(first, first.CreateToken(Owner), ct);
            await client.SubscribeAsync(accountId, ct);
            await client.WaitForAsync("account.connected"); // the baseline sync state is persisted by now
            await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("While running"), ct);
            await client.WaitForAsync("message.created");
        }

        var down1 = await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("While stopped 1"), ct);
        var down2 = await fixture.Env.AppendAsync(User, "Archive", TestMail.Create("While stopped 2"), ct);

        await using (var second = Create(key))
        {
            await using var client = await EventClient.ConnectAsync(second, second.CreateToken(Owner), ct);
            await client.SubscribeAsync(accountId, ct);
            await client.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == down1
                && e.GetProperty("data").GetProperty("mailboxPath").GetString() == "INBOX");
            await client.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == down2
                && e.GetProperty("data").GetProperty("mailboxPath").GetString() == "Archive");
            await Task.Delay(1500, ct);
            var subjects = client.OfType("message.created").Select(EventClient.Subject).Order().ToList();
            Assert.Equal(["While stopped 1", "While stopped 2"], subjects);
        }

        // A third start has nothing new to announce.
        await using (var third = Create(key))
        {
            await using var client = await EventClient.ConnectAsync(third, third.CreateToken(Owner), ct);
            await client.SubscribeAsync(accountId, ct);
            await client.WaitForAsync("account.connected");
            await Task.Delay(1500, ct);
            Assert.Empty(client.OfType("message.created"));
        }
    }
}
