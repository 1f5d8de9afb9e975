using MailGateway.Api.Events;
using MailGateway.Api.Storage;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>SignalR events must not depend on the SignalR Redis backplane (pub/sub keeps nothing): the soak run lost
/// 9 of 1,073 SignalR events (webhooks none) that were sent while the backplane reconnected after a Redis restart or
/// freeze. Here the backplane cannot publish at all (an ACL denies its channels, the gateway's own channels stay
/// allowed): an event still reaches the subscribed client, exactly once, because each instance sends it to its own
/// connections from the durable Redis Stream.</summary>
public sealed class SignalRBackplaneLossTests(MailEnvFixture fixture)
{
    private const string User = "user1";
    private const string Owner = "soak-owner-1";

    [Fact]
    public async Task A_signalr_client_gets_the_event_while_the_backplane_cannot_publish()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o => o.UseEnvironment(env));
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, env, ct);
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));

        // Only the gateway's own channels (the stream nudge, the connection budget) and StackExchange.Redis's own stay
        // allowed: Redis disconnects the backplane's subscriber, and its resubscribe and every PUBLISH fail (NOPERM).
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var streamKey = app.Services.GetRequiredService<IOptions<EventsOptions>>().Value.StreamKey;
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(env.RedisConfiguration! + ",allowAdmin=true"))
        {
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "resetchannels",
                $"&{streamKey}:notify", $"&{keys.Name("imap-budget:wanted")}", "&__Booksleeve_MasterChanged");
            var denied = await admin.GetDatabase().ExecuteAsync("ACL", "DRYRUN", "default", "PUBLISH", keys.Name("signalr") + "x", "1");
            Assert.Contains("no permissions", denied.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        var message = new MimeMessage { Subject = "backplane-gone", Body = new TextPart("plain") { Text = "soak" } };
        message.From.Add(MailboxAddress.Parse("soak@example.test"));
        await env.AppendAsync(User, "INBOX", message, ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "backplane-gone", TimeSpan.FromSeconds(30));
        Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == "backplane-gone");
    }
}
