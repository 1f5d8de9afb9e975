using System.Text.Json;
using MailKit;
using MailGateway.Imap.Caching;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>Imap:Cache:Shared: two instances on one Redis. What the first decoded (page summaries, a message body) the
/// second takes from Redis instead of fetching it again; flags stay proven per instance, so a flag another client
/// changed in between is current on the second. Users user189; Redis database 11.</summary>
public sealed class SharedReadCacheTests(MailEnvFixture fixture)
{
    private const string User = "user189";
    private const string Owner = "shared-cache-owner";

    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(SharedReadCacheTests)); // every instance of a test shares it

    private GatewayApp Create(string signingKey, bool shared) => fixture.CreateApp(o =>
    {
        o.SigningKey = signingKey;
        _redis.ApplyTo(o.Settings);
        o.Settings["Imap:Cache:Shared"] = shared ? "true" : "false";
    });

    [Fact]
    public async Task A_second_instance_reads_summaries_and_bodies_the_first_one_shared()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Create(key, shared: true);
        await using var b = Create(key, shared: true);
        await using var unshared = Create(key, shared: false);
        for (var i = 0; i < 4; i++) await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create($"Shared {i}"), ct);
        using var onA = a.CreateClient(Owner);
        var accountId = await a.RegisterAccountAsync(onA, User, ct);
        var inbox = $"/api/v1/accounts/{accountId}/mailboxes/{MailGateway.Api.Shared.ResourceIds.Mailbox("INBOX")}/messages?limit=3";

        var pageOnA = await GetJsonAsync(onA, inbox, ct);
        var first = pageOnA.GetProperty("items")[0];
        var messageUrl = $"/api/v1/accounts/{accountId}/messages/{first.GetProperty("id").GetString()}";
        var bodyOnA = await GetJsonAsync(onA, messageUrl, ct);
        await a.Services.GetRequiredService<ReadCache>().SharedWritesSettledAsync(ct); // shared writes run in the background

        // Another client flags the newest message: the summary in Redis is older than that, the flags must not be.
        using (var other = await fixture.Env.ConnectAsync(User, ct))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite, ct);
            await other.Inbox.AddFlagsAsync(new UniqueId(first.GetProperty("uid").GetUInt32()), MessageFlags.Flagged, true, ct);
            await other.DisconnectAsync(true, ct);
        }

        using var onB = b.CreateClient(Owner);
        var cacheB = b.Services.GetRequiredService<ReadCache>();
        var pageOnB = await GetJsonAsync(onB, inbox, ct);
        Assert.Equal(3, cacheB.SharedHits);
        Assert.Equal(Subjects(pageOnA), Subjects(pageOnB));
        Assert.True(pageOnB.GetProperty("items")[0].GetProperty("flagged").GetBoolean());

        var bodyOnB = await GetJsonAsync(onB, messageUrl, ct);
        Assert.Equal(4, cacheB.SharedHits);
        Assert.Equal(bodyOnA.GetProperty("text").GetString(), bodyOnB.GetProperty("text").GetString());
        Assert.True(bodyOnB.GetProperty("flagged").GetBoolean());

        // Switched off, nothing comes from Redis.
        using var onUnshared = unshared.CreateClient(Owner);
        await GetJsonAsync(onUnshared, inbox, ct);
        Assert.Equal(0, unshared.Services.GetRequiredService<ReadCache>().SharedHits);
    }

    private static string?[] Subjects(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("subject").GetString())];

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
