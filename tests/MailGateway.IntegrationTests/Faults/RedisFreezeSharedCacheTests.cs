using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailGateway.Api.Hosting;
using MailGateway.Imap.Caching;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Imap:Cache:Shared with the Redis of the shared level frozen (SIGSTOP by pid): reads that miss locally are
/// served from IMAP (a store failure is a miss), over REST and GraphQL, never a 500. Only the first miss waits out the
/// Redis timeout (3 s): it opens the shared level's circuit breaker, further misses skip Redis for
/// <c>Imap:Cache:SharedBreakDuration</c>, and the miss that probes Redis after that period does so in the background, so
/// it is not held up either; after SIGCONT a probe finds the store back and the level is used again.
/// The shared level sits on a Redis of its own here (the production <see cref="RedisSharedReadCache"/> over a second
/// multiplexer with the gateway's timeouts), so the account store keeps answering: with one Redis for both, a frozen
/// Redis answers 503 storage_unavailable at the account lookup first (RedisFreezeTests). User user76.</summary>
public sealed class RedisFreezeSharedCacheTests(MailEnvFixture fixture)
{
    private const string User = "user76";
    private const string Owner = "faults-owner-76";
    /// <summary>Short, so the test also reaches the probe (half-open) while Redis is still frozen.</summary>
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(2);
    /// <summary>Each miss after the first must answer well under the 3 s Redis timeout.</summary>
    private static readonly TimeSpan FastMiss = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task With_the_shared_cache_redis_frozen_only_the_first_miss_waits_for_it_and_the_level_comes_back_after_SIGCONT()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        await using var sharedRedis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var multiplexer = await PrivateRedis.ConnectAsync(sharedRedis);
        var store = fixture.RedisNamespaceFor(typeof(RedisFreezeSharedCacheTests));
        GatewayApp Create(string signingKey) => fixture.CreateApp(o =>
        {
            o.SigningKey = signingKey;
            store.ApplyTo(o.Settings);
            o.Settings["Imap:Cache:Shared"] = "true";
            o.Settings["Imap:Cache:SharedBreakDuration"] = BreakDuration.ToString();
            o.ConfigureServices = services => services.Replace(ServiceDescriptor.Singleton<ISharedReadCache>(sp =>
                new RedisSharedReadCache(multiplexer, sp.GetRequiredService<Api.Storage.RedisKeys>())));
        });
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Create(key);
        await using var b = Create(key);
        using var onA = a.CreateClient(Owner);
        using var onB = b.CreateClient(Owner);
        var cacheA = a.Services.GetRequiredService<ReadCache>();
        var cacheB = b.Services.GetRequiredService<ReadCache>();
        var accountId = await a.RegisterAccountAsync(onA, User, ct);
        for (var i = 0; i < 5; i++) await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create($"shared {i}"), ct);
        var page = $"{PrivateRedis.InboxMessages(accountId)}?limit=5";
        var before = (await GetJsonAsync(onA, page, ct)).GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        await cacheA.SharedWritesSettledAsync(ct);
        await GetJsonAsync(onB, page, ct);
        Assert.Equal(5, cacheB.SharedHits); // b found what a shared: the level is in use
        await GraphQLCalls.DataAsync(onB, "{ accounts { id } }", ct: ct); // GraphQL's first-use cost is not what is timed below
        string MessageUrl(string id) => $"/api/v1/accounts/{accountId}/messages/{id}";

        var logMark = fixture.Logs.Count;
        await sharedRedis.FreezeRedisAsync();
        TimeSpan opened;
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < 2; i++) await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create($"frozen {i}"), ct);
            // The first miss (two new summaries) asks the frozen Redis and waits for its timeout.
            var first = Stopwatch.StartNew();
            var items = (await GetJsonAsync(onB, page, ct)).GetProperty("items");
            opened = clock.Elapsed;
            Assert.Equal(["frozen 1", "frozen 0", "shared 4", "shared 3", "shared 2"], items.EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
            Assert.True(cacheB.SharedLevelOpen, "the failed shared lookup did not open the breaker");
            output?.WriteLine($"first miss with the shared level frozen: {first.ElapsedMilliseconds} ms");

            // Further misses (bodies b never read) skip Redis: REST, GraphQL, REST.
            async Task TimedAsync(string what, Func<Task<string?>> read, string expected)
            {
                var miss = Stopwatch.StartNew();
                Assert.Equal(expected, await read());
                output?.WriteLine($"{what}: {miss.ElapsedMilliseconds} ms");
                Assert.True(miss.Elapsed < FastMiss, $"{what} took {miss.ElapsedMilliseconds} ms with the shared level frozen: it waited for Redis");
            }
            await TimedAsync("REST body miss", async () => (await GetJsonAsync(onB, MessageUrl(before[0]), ct)).GetProperty("subject").GetString(), "shared 4");
            await TimedAsync("GraphQL body miss", async () => (await GraphQLCalls.DataAsync(onB, "query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) { subject } }",
                new { a = accountId, m = before[1] }, ct)).GetProperty("message").GetProperty("subject").GetString(), "shared 3");
            await TimedAsync("REST body miss", async () => (await GetJsonAsync(onB, MessageUrl(before[2]), ct)).GetProperty("subject").GetString(), "shared 2");
            // After the open period the next miss carries the probe: it asks Redis in the background, and is not held up either.
            var rest = BreakDuration - (clock.Elapsed - opened) + TimeSpan.FromMilliseconds(300);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, ct); // waiting out the open period, not asserting a time
            await TimedAsync("REST body miss after the open period", async () => (await GetJsonAsync(onB, MessageUrl(before[3]), ct)).GetProperty("subject").GetString(), "shared 1");
            Assert.True(cacheB.SharedLevelOpen, "the breaker closed while Redis was frozen");
        }
        finally
        {
            await sharedRedis.ThawRedisAsync();
        }

        // After SIGCONT: a writes a body b has not read; b's next probe finds Redis back (shared lookups on b's real store
        // call it; each is skipped or probes), and b then reads that body from Redis.
        await GetJsonAsync(onA, MessageUrl(before[4]), ct);
        await cacheA.SharedWritesSettledAsync(ct);
        using (var recovery = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            recovery.CancelAfter(TimeSpan.FromSeconds(60));
            while (cacheB.SharedLevelOpen)
            {
                await cacheB.LoadSharedSummariesAsync("breaker-probe", "INBOX", 1, [1], recovery.Token);
                await Task.Delay(250, recovery.Token);
            }
        }
        var hits = cacheB.SharedHits;
        Assert.Equal("shared 0", (await GetJsonAsync(onB, MessageUrl(before[4]), ct)).GetProperty("subject").GetString());
        Assert.True(cacheB.SharedHits == hits + 1, "the shared level is not used again after SIGCONT");
        Assert.False(cacheB.SharedLevelOpen);
        var logs = fixture.Logs.Since(logMark);
        Assert.Contains(logs, l => l.Contains("[3950]", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("[3951]", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
