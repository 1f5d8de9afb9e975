using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.SignalR.Client;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>Calls on an open connection count against the same per-user budget as REST (<c>RateLimiting:PermitsPerMinute</c>),
/// for the whole cluster: once REST calls on instance B used it up, a SignalR hub method call and a GraphQL WebSocket
/// operation on instance A are refused with <c>rate_limited</c> and a retry-after, while they passed before.</summary>
public sealed class ConnectionRateLimitTests(MailEnvFixture fixture)
{
    private const int Permits = 6;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(ConnectionRateLimitTests));

    private GatewayApp Instance(string key) => fixture.CreateApp(o =>
    {
        o.SigningKey = key;
        _redis.ApplyTo(o.Settings);
        o.Settings["RateLimiting:PermitsPerMinute"] = $"{Permits}";
    });

    [Fact]
    public async Task A_hub_method_call_takes_a_permit_of_the_users_cluster_wide_budget()
    {
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Instance(key);
        await using var b = Instance(key);
        var user = "rl-hub-" + Guid.NewGuid().ToString("N")[..8];
        await using var hub = a.CreateHubConnection(user);
        await hub.StartAsync(_ct);

        // With permits left the call runs (and fails on the unknown account, not on the limit).
        var passed = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync("Subscribe", "acc_unknown", _ct));
        Assert.DoesNotContain("rate_limited", passed.Message, StringComparison.Ordinal);

        var refused = await RefusedAfterUsingUpAsync(b, user, async () =>
        {
            try
            {
                await hub.InvokeAsync("Subscribe", "acc_unknown", _ct);
                return null;
            }
            catch (Microsoft.AspNetCore.SignalR.HubException e) when (e.Message.Contains("rate_limited:", StringComparison.Ordinal))
            {
                return e.Message;
            }
            catch (Microsoft.AspNetCore.SignalR.HubException e)
            {
                TestContext.Current.SendDiagnosticMessage("not refused: " + e.Message);
                return null;
            }
        });
        Assert.Matches(@"Retry after \d+ s\.$", refused);
    }

    [Fact]
    public async Task A_GraphQL_WebSocket_operation_takes_a_permit_of_the_users_cluster_wide_budget()
    {
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Instance(key);
        await using var b = Instance(key);
        var user = "rl-gqlws-" + Guid.NewGuid().ToString("N")[..8];
        await using var socket = await GraphQLSocket.ConnectAsync(a, cancellationToken: _ct);
        await socket.InitAsync(a.CreateToken(user), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        var n = 0;
        async Task<JsonElement?> ErrorOfNextOperationAsync()
        {
            var id = $"q{++n}";
            await socket.SendAsync(new { id, type = "subscribe", payload = new { query = "{ me { id } }" } }, _ct);
            var next = await socket.ExpectAsync("next", _ct);
            return next.GetProperty("payload").TryGetProperty("errors", out var errors) ? errors[0] : null;
        }

        Assert.Null(await ErrorOfNextOperationAsync());
        var refused = await RefusedAfterUsingUpAsync(b, user, async () =>
            await ErrorOfNextOperationAsync() is { } error ? error.GetRawText() : null);
        using var json = JsonDocument.Parse(refused);
        var extensions = json.RootElement.GetProperty("extensions");
        Assert.Equal("rate_limited", extensions.GetProperty("code").GetString());
        Assert.InRange(extensions.GetProperty("retryAfter").GetInt32(), 1, 60);
    }

    /// <summary>Uses up the user's budget with REST calls on <paramref name="other"/> (until 429), then makes the call;
    /// its refusal, or a second round when the one-minute window turned over in between.</summary>
    private async Task<string> RefusedAfterUsingUpAsync(GatewayApp other, string user, Func<Task<string?>> call)
    {
        using var rest = other.CreateClient(user);
        for (var round = 0; round < 3; round++)
        {
            var limited = false;
            for (var i = 0; i <= Permits && !limited; i++)
            {
                using var response = await rest.GetAsync("/api/v1/accounts", _ct);
                limited = response.StatusCode == HttpStatusCode.TooManyRequests;
            }
            Assert.True(limited, "REST never answered 429");
            if (await call() is { } refusal) return refusal;
        }
        Assert.Fail("the call was never refused although REST calls used up the user's budget");
        return "";
    }
}
