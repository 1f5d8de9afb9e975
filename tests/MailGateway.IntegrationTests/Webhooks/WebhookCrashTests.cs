using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>A gateway process killed (SIGKILL) in the middle of an attempt: its lease expires and another instance delivers.</summary>
public sealed class WebhookCrashTests(MailEnvFixture fixture)
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(WebhookCrashTests)); // a Redis of its own
    private const string Subject = "wh-crash-user";

    [Fact]
    public async Task A_delivery_in_flight_on_a_killed_instance_is_delivered_by_another_after_its_lease()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        receiver.ResponseDelay = TimeSpan.FromSeconds(1);
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = _redis.Configuration,
            ["Redis:KeyPrefix"] = _redis.KeyPrefix,
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:Timeout"] = "00:00:02",
            ["Webhooks:Lease"] = "00:00:03",
        };
        var signingKey = new GatewayAppOptions().SigningKey;
        string webhookId;
        DateTimeOffset killedAt;
        await using (var doomed = await GatewayProcess.StartAsync(fixture.Env, signingKey, settings, ct))
        {
            using var http = new HttpClient { BaseAddress = new Uri(doomed.Address) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Create(signingKey, Subject));
            using var create = await http.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url }, ct);
            var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync(ct)).RootElement;
            webhookId = created.GetProperty("id").GetString()!;
            receiver.Trust(created.GetProperty("secret").GetString()!);
            (await http.PostAsync($"/api/v1/webhooks/{webhookId}/test", null, ct)).Dispose();

            await receiver.WaitForRequestStartAsync(TimeSpan.FromSeconds(20));
            await doomed.KillAsync();            // mid-attempt: no answer read, nothing recorded, lease still held
            killedAt = DateTimeOffset.UtcNow;
        }

        await using var survivor = new WebhookGateway(fixture, _redis, settings.ToDictionary(p => p.Key, p => (string?)p.Value));
        using var client = survivor.ClientFor(Subject);
        var log = await WebhookDeliveryTests.WaitForStateAsync(client, webhookId, "succeeded");
        Assert.Equal(1, log.GetProperty("attemptCount").GetInt32());   // the killed attempt left no record; the retry did

        var delivered = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10), r => r.AnsweredStatus == 200)).Last();
        Assert.True(delivered.Verified);
        Assert.Equal(2, receiver.StartedIds.Count);                      // the killed attempt arrived too, unanswered
        Assert.All(receiver.StartedIds, id => Assert.Equal(delivered.Id, id));   // same webhook-id: receivers can deduplicate
        // Claimed just before the kill with a 3 s lease; answered 1 s after it arrived.
        Assert.True(delivered.ReceivedAt - killedAt >= TimeSpan.FromSeconds(2.5), "re-sent only after the dead instance's lease expired");
    }
}
