using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Scale;

/// <summary><c>Redis:KeyPrefix</c>: two deployments on one Redis database (as on a Redis Cluster, which has only
/// database 0) keep apart by the prefix alone, and a prefix that would break the cluster hash tags is refused at startup.</summary>
public sealed class RedisKeyPrefixTests(MailEnvFixture fixture)
{
    private const string User = "user94";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_gateways_with_different_prefixes_on_one_database_do_not_see_each_others_accounts()
    {
        var seeds = fixture.Env.RedisConfiguration!;
        var key = new GatewayAppOptions().SigningKey;
        await using var first = fixture.CreateApp(o => { o.SigningKey = key; o.Settings["Redis:KeyPrefix"] = "prefix-a:"; });
        await using var second = fixture.CreateApp(o => { o.SigningKey = key; o.Settings["Redis:KeyPrefix"] = "prefix-b:"; });
        using var a = first.CreateClient("prefix-owner");
        using var b = second.CreateClient("prefix-owner");
        var accountId = await first.RegisterAccountAsync(a, User, _ct);

        using (var missing = await b.GetAsync($"/api/v1/accounts/{accountId}", _ct))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        var listed = await b.GetFromJsonAsync<JsonElement>("/api/v1/accounts", _ct);
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == accountId);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(seeds);
        var db = redis.GetDatabase();
        Assert.True(await db.SetContainsAsync("prefix-a:{accounts}:all", accountId));
        Assert.False(await db.SetContainsAsync("prefix-b:{accounts}:all", accountId));
        Assert.False(await db.SetContainsAsync("mg:{accounts}:all", accountId));
    }

    [Fact]
    public void A_prefix_with_a_brace_is_refused_at_startup()
    {
        using var app = fixture.CreateApp(o => o.Settings["Redis:KeyPrefix"] = "mg:{x}:");
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Redis:KeyPrefix", error.ToString(), StringComparison.Ordinal);
    }
}
