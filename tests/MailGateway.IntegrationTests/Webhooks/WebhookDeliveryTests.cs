using System.Text.Json;
using MailGateway.Api.Events;

using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Webhooks;

public sealed class WebhookDeliveryTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(WebhookDeliveryTests)); // a Redis of its own
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Test_event_arrives_signed_and_the_receiver_verifies_it()
    {
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-test-user");
        var created = await gateway.CreateWebhookAsync(client, new { url = _receiver.Url, description = "test" });
        var id = created.GetProperty("id").GetString();
        _receiver.Trust(created.GetProperty("secret").GetString()!);

        using var response = await client.PostAsync($"/api/v1/webhooks/{id}/test", null, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        var received = (await _receiver.WaitForAsync(1, Wait)).Single();
        Assert.True(received.Verified);
        Assert.Equal(200, received.AnsweredStatus);
        Assert.Equal(MailEventTypes.WebhookTest, received.Type);
        Assert.Equal(received.Event.GetProperty("id").GetString(), received.Id);
        Assert.StartsWith("MailGateway-Webhooks/", received.UserAgent, StringComparison.Ordinal);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("v1,", received.Signature, StringComparison.Ordinal);

        var log = await WaitForStateAsync(client, id!, "succeeded");
        Assert.Equal(200, log.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal(1, log.GetProperty("attemptCount").GetInt32());

        // Metrics: outcome counter, attempt latency and queue depth are exported on /metrics.
        using var anonymous = gateway.App.CreateAnonymousClient();
        var metrics = await anonymous.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("mailgateway_webhooks_deliveries_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("outcome=\"succeeded\"", metrics, StringComparison.Ordinal);
        Assert.Contains("mailgateway_webhooks_attempt_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("mailgateway_webhooks_queue_depth", metrics, StringComparison.Ordinal);

        // Neither the secret nor a signature appears in any log line.
        gateway.TrackSecret(received.Signature![3..]);
        gateway.AssertNoSecretLogged();
    }

    [Fact]
    public async Task A_receiver_answering_500_twice_gets_the_same_webhook_id_three_times()
    {
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-retry-user");
        var accountId = await gateway.AddAccountAsync("wh-retry-user", "user170");
        var created = await gateway.CreateWebhookAsync(client, new { url = _receiver.Url, events = new[] { "message.*" } });
        _receiver.Trust(created.GetProperty("secret").GetString()!);
        _receiver.Script(500, 500);

        var mailEvent = WebhookGateway.Event(accountId);
        await gateway.PublishAsync(mailEvent);

        var received = await _receiver.WaitForAsync(3, Wait);
        Assert.All(received, r => Assert.True(r.Verified));
        Assert.All(received, r => Assert.Equal(mailEvent.Id, r.Id));
        Assert.Equal([500, 500, 200], received.Select(r => r.AnsweredStatus));
        Assert.All(received.Skip(1).Zip(received), p => Assert.True(p.First.ReceivedAt - p.Second.ReceivedAt >= TimeSpan.FromMilliseconds(150)));

        var log = await WaitForStateAsync(client, created.GetProperty("id").GetString()!, "succeeded");
        Assert.Equal(3, log.GetProperty("attemptCount").GetInt32());
        Assert.Equal([500, 500, 200], log.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task Exhausted_schedule_dead_letters_and_a_manual_retry_delivers()
    {
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-dead-user");
        var accountId = await gateway.AddAccountAsync("wh-dead-user", "user171");
        var created = await gateway.CreateWebhookAsync(client, new { url = _receiver.Url, events = new[] { "message.*" } });
        var id = created.GetProperty("id").GetString()!;
        _receiver.Trust(created.GetProperty("secret").GetString()!);
        _receiver.Script(500, 503, 500);

        await gateway.PublishAsync(WebhookGateway.Event(accountId));
        var dead = await WaitForStateAsync(client, id, "deadLettered");
        Assert.Equal(3, dead.GetProperty("attemptCount").GetInt32());
        Assert.False(dead.TryGetProperty("nextAttemptAt", out var next) && next.ValueKind != JsonValueKind.Null);

        using var retry = await client.PostAsync($"/api/v1/webhooks/{id}/deliveries/{dead.GetProperty("id").GetString()}/retry", null,
            TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, retry.StatusCode);
        var done = await WaitForStateAsync(client, id, "succeeded");
        Assert.Equal(4, done.GetProperty("attemptCount").GetInt32());
        Assert.Equal(4, _receiver.Received.Count);
    }

    [Fact]
    public async Task A_slow_endpoint_does_not_delay_another()
    {
        await using var slow = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        slow.ResponseDelay = TimeSpan.FromSeconds(4);
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-slow-user");
        var accountId = await gateway.AddAccountAsync("wh-slow-user", "user172");
        slow.Trust((await gateway.CreateWebhookAsync(client, new { url = slow.Url, events = new[] { "message.*" } })).GetProperty("secret").GetString()!);
        _receiver.Trust((await gateway.CreateWebhookAsync(client, new { url = _receiver.Url, events = new[] { "message.*" } })).GetProperty("secret").GetString()!);

        for (var i = 0; i < 3; i++)
            await gateway.PublishAsync(WebhookGateway.Event(accountId));

        var fast = await _receiver.WaitForAsync(3, TimeSpan.FromSeconds(3));
        Assert.All(fast, r => Assert.True(r.Verified));
        Assert.True(slow.Received.Count <= 1, "the slow endpoint gets one delivery at a time");
    }

    [Fact]
    public async Task Redirects_are_not_followed_and_a_slow_answer_times_out()
    {
        await using var gateway = new WebhookGateway(fixture, _redis,
            new Dictionary<string, string?> { ["Webhooks:Timeout"] = "00:00:01" });
        using var client = gateway.ClientFor("wh-redirect-user");
        var accountId = await gateway.AddAccountAsync("wh-redirect-user", "user176");
        var created = await gateway.CreateWebhookAsync(client, new { url = _receiver.Url, events = new[] { "message.*" } });
        var id = created.GetProperty("id").GetString()!;
        _receiver.Trust(created.GetProperty("secret").GetString()!);
        _receiver.Script(302);
        _receiver.ResponseDelay = TimeSpan.Zero;

        await gateway.PublishAsync(WebhookGateway.Event(accountId));
        await _receiver.WaitForAsync(2, Wait);                          // 302, then the scheduled retry answered 200
        Assert.DoesNotContain(_receiver.Received, r => r.Query?.Contains("redirected", StringComparison.Ordinal) == true);
        var log = await WaitForStateAsync(client, id, "succeeded");
        var first = log.GetProperty("attempts")[0];
        Assert.Equal(302, first.GetProperty("statusCode").GetInt32());
        Assert.Contains("redirects are not followed", first.GetProperty("error").GetString(), StringComparison.Ordinal);

        _receiver.ResponseDelay = TimeSpan.FromSeconds(1.5);           // longer than Webhooks:Timeout
        await gateway.PublishAsync(WebhookGateway.Event(accountId, MailEventTypes.MessageDeleted));
        var until = DateTime.UtcNow + Wait;
        while (_receiver.StartedIds.Count < 3 && DateTime.UtcNow < until)   // the slow attempt arrived (and was given up)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        _receiver.ResponseDelay = TimeSpan.Zero;
        JsonElement timedOut;
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            timedOut = (await WebhookGateway.GetJsonAsync(client, $"/api/v1/webhooks/{id}/deliveries")).GetProperty("items")[0];
        }
        while (timedOut.GetProperty("state").GetString() != "succeeded" && DateTime.UtcNow < until);
        var slow = timedOut.GetProperty("attempts")[0];
        Assert.False(slow.TryGetProperty("statusCode", out var code) && code.ValueKind != JsonValueKind.Null);
        Assert.StartsWith("No answer within", slow.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("succeeded", timedOut.GetProperty("state").GetString());
    }

    internal static async Task<JsonElement> WaitForStateAsync(HttpClient client, string webhookId, string state)
    {
        var until = DateTime.UtcNow + Wait;
        while (true)
        {
            var log = await WebhookGateway.GetJsonAsync(client, $"/api/v1/webhooks/{webhookId}/deliveries");
            var match = log.GetProperty("items").EnumerateArray().FirstOrDefault(d => d.GetProperty("state").GetString() == state);
            if (match.ValueKind == JsonValueKind.Object)
                return match;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"No delivery reached '{state}': {log}");
            await Task.Delay(100);
        }
    }
}
