using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailGateway.Api.Hosting;
using MailGateway.Api.Shared;
using MailGateway.Imap.Caching;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Imap:Cache:Shared with the Redis of the shared level frozen (SIGSTOP by pid): reads that miss locally are
/// served from IMAP (a store failure is a miss), over REST and GraphQL, never a 500; after SIGCONT the shared level
/// is used again. The shared level sits on a Redis of its own here (the production <see cref="RedisSharedReadCache"/>
/// over a second multiplexer with the gateway's timeouts), so the account store keeps answering: with one Redis for
/// both, a frozen Redis answers 503 storage_unavailable at the account lookup first (RedisFreezeTests). User user76.</summary>
public sealed class RedisFreezeSharedCacheTests(MailEnvFixture fixture)
{
    private const string User = "user76";
    private const string Owner = "faults-owner-76";

    [Fact]
    public async Task Reads_missing_locally_are_served_from_imap_while_the_shared_cache_redis_is_frozen()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sharedRedis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var multiplexer = await PrivateRedis.ConnectAsync(sharedRedis);
        var store = fixture.RedisNamespaceFor(typeof(RedisFreezeSharedCacheTests));
        GatewayApp Create(string signingKey) => fixture.CreateApp(o =>
        {
            o.SigningKey = signingKey;
            store.ApplyTo(o.Settings);
            o.Settings["Imap:Cache:Shared"] = "true";
            o.ConfigureServices = services => services.Replace(ServiceDescriptor.Singleton<ISharedReadCache>(sp =>
                new RedisSharedReadCache(multiplexer, sp.GetRequiredService<Api.Storage.RedisKeys>())));
        });
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Create(key);
        await using var b = Create(key);
        using var onA = a.CreateClient(Owner);
        using var onB = b.CreateClient(Owner);
        var accountId = await a.RegisterAccountAsync(onA, User, ct);
        for (var i = 0; i < 3; i++) await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create($"shared {i}"), ct);
        var page = $"{PrivateRedis.InboxMessages(accountId)}?limit=3";
        await GetJsonAsync(onA, page, ct);
        await GetJsonAsync(onB, page, ct);
        Assert.Equal(3, b.Services.GetRequiredService<ReadCache>().SharedHits); // b found what a shared: the level is in use

        await sharedRedis.FreezeRedisAsync();
        try
        {
            for (var i = 0; i < 2; i++) await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create($"frozen {i}"), ct);
            var clock = Stopwatch.StartNew();
            var items = (await GetJsonAsync(onB, page, ct)).GetProperty("items");
            Assert.Equal(["frozen 1", "frozen 0", "shared 2"], items.EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
            var message = await GetJsonAsync(onB, $"/api/v1/accounts/{accountId}/messages/{items[0].GetProperty("id").GetString()}", ct);
            Assert.Equal("frozen 1", message.GetProperty("subject").GetString());
            var graphql = await GraphQLCalls.DataAsync(onA,
                "query($a: ID!, $m: ID!) { account(id: $a) { messages(mailboxId: $m, first: 3) { edges { node { subject } } } } }",
                new { a = accountId, m = ResourceIds.Mailbox("INBOX") }, ct);
            Assert.Equal("frozen 1", graphql.GetProperty("account").GetProperty("messages").GetProperty("edges")[0].GetProperty("node").GetProperty("subject").GetString());
            TestContext.Current.TestOutputHelper?.WriteLine($"three reads with the shared level frozen took {clock.ElapsedMilliseconds} ms");
        }
        finally
        {
            await sharedRedis.ThawRedisAsync();
        }

        await using var c = Create(key);
        using var onC = c.CreateClient(Owner);
        await GetJsonAsync(onC, page, ct);
        Assert.True(c.Services.GetRequiredService<ReadCache>().SharedHits > 0, "the shared level is not used again after SIGCONT");
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
