using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Mail appended over IMAP while Redis is frozen (SIGSTOP) is announced after SIGCONT exactly once: one webhook
/// delivery and one SignalR event. Fails when the checkpoint moves before the durable side took the event, or when a
/// claim of a failed attempt makes the retry look like a duplicate.</summary>
public sealed class RedisFreezeEventTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user153";
    private const string Owner = "faults-owner-153";
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Mail_appended_while_redis_is_frozen_is_delivered_once_per_channel_after_it_thaws()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o =>
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
        });
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        var hook = await WebhookGatewayCalls.CreateAsync(http, new { url = _receiver.Url, events = new[] { "message.created" } }, ct);
        _receiver.Trust(hook.GetProperty("secret").GetString()!);
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));

        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Before the freeze"), ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "Before the freeze", TimeSpan.FromSeconds(30));
        await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(30), r => Subject(r) == "Before the freeze");

        await redis.FreezeRedisAsync();
        try
        {
            await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("During the freeze"), ct);
            await Task.Delay(TimeSpan.FromSeconds(8), ct); // the stall an operator would see; the watcher fails to publish meanwhile
        }
        finally
        {
            await redis.ThawRedisAsync();
        }

        var thawed = Stopwatch.StartNew();
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "During the freeze", TimeSpan.FromSeconds(90));
        await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(60), r => Subject(r) == "During the freeze");
        TestContext.Current.TestOutputHelper?.WriteLine($"announced {thawed.ElapsedMilliseconds} ms after SIGCONT");

        await Task.Delay(TimeSpan.FromSeconds(3), ct); // room for a duplicate to show up
        Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == "During the freeze");
        Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == "Before the freeze");
        var deliveries = _receiver.Received.Where(r => Subject(r) == "During the freeze").ToList();
        Assert.Single(deliveries.Select(d => d.Id).Distinct());
        Assert.Single(deliveries, d => d.AnsweredStatus is >= 200 and < 300);
    }

    private static string? Subject(ReceivedWebhook r) =>
        r.Event.TryGetProperty("data", out var data) && data.TryGetProperty("summary", out var summary)
            && summary.TryGetProperty("subject", out var subject) ? subject.GetString() : null;
}

internal static class WebhookGatewayCalls
{
    public static async Task<JsonElement> CreateAsync(HttpClient client, object body, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/webhooks", body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
