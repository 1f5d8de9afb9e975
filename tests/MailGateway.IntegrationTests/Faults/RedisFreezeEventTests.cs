using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Mail appended over IMAP while Redis is frozen (SIGSTOP) is announced after SIGCONT exactly once: one webhook
/// delivery and one SignalR event. Fails when the checkpoint moves before the durable side took the event, or when a
/// claim of a failed attempt makes the retry look like a duplicate. The claim a frozen Redis executed after the
/// gateway gave up on it must not hold the retry back until it expires (the claim TTL is 60 s here: the message must
/// arrive well before that).</summary>
public sealed class RedisFreezeEventTests(MailEnvFixture fixture)
{
    private const string User = "user153";
    private const string Owner = "faults-owner-153";

    [Fact]
    public async Task Mail_appended_while_redis_is_frozen_is_delivered_once_per_channel_after_it_thaws()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var scenario = await EventFaultScenario.StartAsync(fixture, redis, User, Owner, ct,
            new Dictionary<string, string?> { ["Events:PublishClaimTtl"] = "00:01:00" });
        await scenario.AppendAsync("Before the freeze", ct);
        await scenario.WaitForAsync("Before the freeze", TimeSpan.FromSeconds(30));

        await redis.FreezeRedisAsync();
        try
        {
            await scenario.AppendAsync("During the freeze", ct);
            await Task.Delay(TimeSpan.FromSeconds(8), ct); // the stall an operator would see; the watcher fails to publish meanwhile
        }
        finally
        {
            await redis.ThawRedisAsync();
        }

        var thawed = Stopwatch.StartNew();
        await scenario.AssertOnceAsync(TimeSpan.FromSeconds(35), ct, "During the freeze", "Before the freeze");
        TestContext.Current.TestOutputHelper?.WriteLine($"announced within {thawed.ElapsedMilliseconds} ms after SIGCONT (3 s of it waiting for duplicates)");
    }
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
