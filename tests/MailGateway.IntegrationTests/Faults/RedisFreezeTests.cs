using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Redis frozen by SIGSTOP (it keeps its sockets open and answers nothing): requests that need it answer
/// 503 <c>storage_unavailable</c> with Retry-After within seconds, never a 500 and never a hang; readiness is
/// unhealthy; after SIGCONT everything works again without a restart.</summary>
public sealed class RedisFreezeTests(MailEnvFixture fixture)
{
    private const string User = "user152";
    private const string Owner = "faults-owner-152";

    [Fact]
    public async Task A_frozen_redis_answers_503_storage_unavailable_with_retry_after_and_recovers_without_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o => o.Settings["Redis:Configuration"] = redis.RedisConfiguration);
        using var http = app.CreateClient(Owner);
        using var anonymous = app.CreateAnonymousClient();
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        using (var ok = await http.GetAsync("/api/v1/accounts", ct)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var ready = await anonymous.GetAsync("/health/ready", ct)) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        await redis.FreezeRedisAsync();
        try
        {
            var frozenFor = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            using (var list = await http.GetAsync("/api/v1/accounts", ct))
            {
                await AssertStorageUnavailableAsync(list);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the request took {clock.Elapsed}");
            }
            clock.Restart();
            using (var get = await http.GetAsync($"/api/v1/accounts/{accountId}", ct))
            {
                await AssertStorageUnavailableAsync(get);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the request took {clock.Elapsed}");
            }
            using (var graphql = await http.PostAsJsonAsync("/graphql", new { query = "{ accounts { id } }" }, ct))
            {
                var body = await graphql.Content.ReadAsStringAsync(ct);
                Assert.NotEqual(HttpStatusCode.InternalServerError, graphql.StatusCode);
                Assert.Contains("storage_unavailable", body, StringComparison.Ordinal);
            }
            using (var ready = await anonymous.GetAsync("/health/ready", ct))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            // Keep it frozen ~8 s in all, as an operator's stall would.
            var rest = TimeSpan.FromSeconds(8) - frozenFor.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest, ct);
        }
        finally
        {
            await redis.ThawRedisAsync();
        }

        await Recovery.WaitForOkAsync(http, "/api/v1/accounts", TimeSpan.FromSeconds(30), "after SIGCONT", ct);
        using (var ready = await anonymous.GetAsync("/health/ready", ct)) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static async Task AssertStorageUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("storage_unavailable", json.RootElement.GetProperty("code").GetString());
    }
}
