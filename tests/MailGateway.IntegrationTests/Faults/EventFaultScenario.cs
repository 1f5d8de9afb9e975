using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Scale;
using MailGateway.IntegrationTests.Webhooks;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>The setup of the Redis event-fault tests: a gateway on a private Redis (one redis-server or a Redis
/// Cluster) watching one account, with a webhook and a SignalR subscription; <see cref="AppendAsync"/> and <see cref="AssertOnceAsync"/>
/// check that a message is announced exactly once on both channels.</summary>
internal sealed class EventFaultScenario(GatewayApp app, EventClient events, WebhookReceiver receiver, MailEnvFixture fixture, string user, string accountId) : IAsyncDisposable
{
    public GatewayApp App => app;

    /// <summary>The SignalR connection, subscribed to <see cref="AccountId"/>.</summary>
    public EventClient Events => events;

    public string AccountId => accountId;

    public static async Task<EventFaultScenario> StartAsync(MailEnvFixture fixture, MailEnvironment redis, string user, string owner, CancellationToken ct,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var receiver = await WebhookReceiver.StartAsync(ct);
        var app = fixture.CreateApp(o =>
        {
            var s = o.Settings;
            s["Redis:Configuration"] = redis.RedisConfiguration;
            s["Events:SupervisorInterval"] = "00:00:00.200";
            s["Webhooks:AllowPrivateNetworks"] = "true";
            s["Webhooks:PollInterval"] = "00:00:00.100";
            s["Webhooks:RetryJitter"] = "0";
            s["Webhooks:RetrySchedule:0"] = "00:00:00";
            s["Webhooks:RetrySchedule:1"] = "00:00:00.500";
            s["Webhooks:RetrySchedule:2"] = "00:00:01";
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) s[key] = value;
        });
        if (redis.IsRedisCluster) await RedisClusterTests.WaitReadyAsync(app, ct); // the multiplexer finds the primaries in the background
        using var http = app.CreateClient(owner);
        var accountId = await app.RegisterAccountAsync(http, user, ct);
        var hook = await WebhookGatewayCalls.CreateAsync(http, new { url = receiver.Url, events = new[] { "message.created" } }, ct);
        receiver.Trust(hook.GetProperty("secret").GetString()!);
        var events = await EventClient.ConnectAsync(app, app.CreateToken(owner), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));
        return new EventFaultScenario(app, events, receiver, fixture, user, accountId);
    }

    /// <summary>Appends a message with <paramref name="subject"/> over IMAP (the gateway is not involved).</summary>
    public Task AppendAsync(string subject, CancellationToken ct) => fixture.Env.AppendAsync(user, "INBOX", TestMail.Create(subject), ct);

    /// <summary>Waits for the message on both channels.</summary>
    public async Task WaitForAsync(string subject, TimeSpan within)
    {
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == subject, within);
        await receiver.WaitForAsync(1, within, r => Subject(r) == subject);
    }

    /// <summary>Waits for message <paramref name="subject"/> on both channels, leaves room for a duplicate, and asserts
    /// there is none, for it and for the <paramref name="earlier"/> messages already waited for: one SignalR event and
    /// one webhook id, delivered once.</summary>
    public async Task AssertOnceAsync(TimeSpan within, CancellationToken ct, string subject, params string[] earlier)
    {
        await WaitForAsync(subject, within);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // room for a duplicate to show up
        foreach (var each in earlier.Prepend(subject))
        {
            Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == each);
            var deliveries = receiver.Received.Where(r => Subject(r) == each).ToList();
            Assert.Single(deliveries.Select(d => d.Id).Distinct());
            Assert.Single(deliveries, d => d.AnsweredStatus is >= 200 and < 300);
        }
    }

    private static string? Subject(ReceivedWebhook r) =>
        r.Event.TryGetProperty("data", out var data) && data.TryGetProperty("summary", out var summary)
            && summary.TryGetProperty("subject", out var subject) ? subject.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        await events.DisposeAsync();
        await app.DisposeAsync();
        await receiver.DisposeAsync();
    }
}
