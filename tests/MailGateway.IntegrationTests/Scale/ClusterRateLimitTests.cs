using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>Per-user rate limits are counted for the whole cluster (issue 15, item 3): two gateway instances on one
/// Redis give a user one budget, not one per instance, and the refusal is the same 429 + Retry-After problem on every
/// path (REST, GraphQL over HTTP and WebSocket, the SignalR hub).</summary>
public sealed class ClusterRateLimitTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(ClusterRateLimitTests)); // every instance of a test shares it

    private GatewayApp Instance(string key, IReadOnlyDictionary<string, string> settings) => fixture.CreateApp(o =>
    {
        o.SigningKey = key;
        _redis.ApplyTo(o.Settings);
        foreach (var (k, v) in settings) o.Settings[k] = v;
    });

    [Fact]
    public async Task The_per_user_request_limit_is_one_budget_across_instances_on_REST_GraphQL_and_SignalR()
    {
        var key = new GatewayAppOptions().SigningKey;
        var settings = new Dictionary<string, string> { ["RateLimiting:PermitsPerMinute"] = "4" };
        await using var a = Instance(key, settings);
        await using var b = Instance(key, settings);
        var user = "rl-cluster-" + Guid.NewGuid().ToString("N")[..8];
        using var onA = a.CreateClient(user);
        using var onB = b.CreateClient(user);

        foreach (var client in new[] { onA, onB, onA, onB })
        {
            using var ok = await client.GetAsync("/api/v1/accounts", _ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        // Four permits per minute in all: each instance alone would still have two left.
        await AssertRateLimitedAsync(await onA.GetAsync("/api/v1/accounts", _ct));
        await AssertRateLimitedAsync(await onB.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, _ct));
        await AssertRateLimitedAsync(await onB.PostAsync("/hubs/mail/negotiate?negotiateVersion=1", null, _ct));

        using var other = b.CreateClient(user + "-other");
        using var fine = await other.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task The_GraphQL_operation_budget_is_shared_by_HTTP_and_WebSocket_on_all_instances()
    {
        var key = new GatewayAppOptions().SigningKey;
        var settings = new Dictionary<string, string> { ["GraphQL:RequestsPerWindow"] = "2", ["GraphQL:RateLimitWindow"] = "00:05:00" };
        await using var a = Instance(key, settings);
        await using var b = Instance(key, settings);
        var user = "rl-graphql-" + Guid.NewGuid().ToString("N")[..8];
        using var onA = a.CreateClient(user);
        using var onB = b.CreateClient(user);

        using (var first = await onA.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, _ct)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await onB.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, _ct)) Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        await using var socket = await GraphQLSocket.ConnectAsync(b, cancellationToken: _ct);
        await socket.InitAsync(b.CreateToken(user), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        await socket.SendAsync(new { id = "q", type = "subscribe", payload = new { query = "{ me { id } }" } }, _ct);
        var next = await socket.ExpectAsync("next", _ct);
        Assert.Equal("rate_limited", next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());

        using var refused = await onA.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, _ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(3), $"Retry-After {refused.Headers.RetryAfter}");
        Assert.Contains("rate_limited", await refused.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    private async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
            Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        }
    }
}
