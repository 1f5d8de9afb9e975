using MailGateway.Api.Events;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Events;

/// <summary>Two gateways on one Redis: one watch per account, each event once per client, failover without loss.</summary>
public sealed class MultiInstanceTests(MailEnvFixture fixture)
{
    private const string User = "user164";
    private const string Owner = "events-owner-164";

    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(MultiInstanceTests)); // every instance of a test shares it

    private GatewayApp Create(string signingKey) => fixture.CreateApp(o =>
    {
        o.SigningKey = signingKey;
        _redis.ApplyTo(o.Settings);
        o.Settings["Events:LeaseTtl"] = "00:00:03";
        o.Settings["Events:SupervisorInterval"] = "00:00:00.200";
    });

    private static bool Watches(GatewayApp app, string accountId) =>
        app.Services.GetRequiredService<WatchSupervisor>().Watching.Contains(accountId);

    [Fact]
    public async Task One_instance_watches_each_client_gets_each_event_once_and_the_watch_moves_on_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = new GatewayAppOptions().SigningKey;
        var a = Create(key);
        await using var b = Create(key);
        try
        {
            using var http = a.CreateClient(Owner);
            var accountId = await a.RegisterAccountAsync(http, User, ct);
            await using var onA = await EventClient.ConnectAsync(a, a.CreateToken(Owner), ct);
            await using var onB = await EventClient.ConnectAsync(b, b.CreateToken(Owner), ct);
            await onA.SubscribeAsync(accountId, ct);
            await onB.SubscribeAsync(accountId, ct);
            await onA.WaitForAsync("account.connected");
            await Task.Delay(1000, ct); // several supervisor passes on both
            Assert.True(Watches(a, accountId) ^ Watches(b, accountId), "exactly one instance must watch the account");

            var subjects = new[] { "Multi 1", "Multi 2", "Multi 3" };
            foreach (var subject in subjects)
                await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create(subject), ct);
            foreach (var client in new[] { onA, onB })
                foreach (var subject in subjects)
                    await client.WaitForAsync("message.created", e => EventClient.Subject(e) == subject);
            await Task.Delay(1500, ct);
            foreach (var client in new[] { onA, onB })
                Assert.Equal(subjects, client.OfType("message.created").Select(EventClient.Subject).Order().ToArray());
            Assert.True(Watches(a, accountId) ^ Watches(b, accountId));

            // The watching instance goes away; the other takes the watch over and nothing is lost.
            var (watching, survivor, survivorClient) = Watches(a, accountId) ? (a, b, onB) : (b, a, onA);
            await watching.DisposeAsync();
            await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("During failover"), ct);
            await survivorClient.WaitForAsync("message.created", e => EventClient.Subject(e) == "During failover", TimeSpan.FromSeconds(30));
            Assert.True(Watches(survivor, accountId));
            await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("After failover"), ct);
            await survivorClient.WaitForAsync("message.created", e => EventClient.Subject(e) == "After failover");
            await Task.Delay(1000, ct);
            Assert.Single(survivorClient.OfType("message.created"), e => EventClient.Subject(e) == "During failover");
        }
        finally
        {
            await a.DisposeAsync();
        }
    }
}
