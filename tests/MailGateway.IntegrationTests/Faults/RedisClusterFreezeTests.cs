using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Scale;
using MailGateway.Testing;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.SignalR;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>One master of a private 3-master Redis Cluster frozen by SIGSTOP (DESIGN.md §10). The frozen master serves
/// the account records (<c>{accounts}</c>) and the webhook queue (<c>{whq}</c>); the others keep answering, so part of
/// a publish can succeed while the rest fails. Requests whose keys live there answer 503 <c>storage_unavailable</c>
/// with Retry-After within seconds on REST, GraphQL over HTTP and over graphql-transport-ws and SignalR, never a 500
/// and never a hang; readiness is unhealthy; mail appended meanwhile is announced after SIGCONT exactly once per
/// channel (fails when the checkpoint moves before the durable side took the event, or when the retry of a half-done
/// publish is delivered twice); and all of it works again without a restart.</summary>
public sealed class RedisClusterFreezeTests(MailEnvFixture fixture)
{
    private const string User = "user57";
    private const string Owner = "cluster-faults-owner-57";

    [Fact]
    public async Task A_frozen_cluster_master_answers_503_on_every_path_loses_no_event_and_recovers_without_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await MailEnvironment.StartAsync(new MailEnvironmentOptions { RedisCluster = true }, ct);
        await using var scenario = await EventFaultScenario.StartAsync(fixture, redis, User, Owner, ct);
        var app = scenario.App;
        var accountId = scenario.AccountId;
        using var http = app.CreateClient(Owner);
        using var anonymous = app.CreateAnonymousClient();
        await using var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: ct);
        await socket.InitAsync(app.CreateToken(Owner), ct);
        await socket.ExpectAsync("connection_ack", ct);
        await scenario.AppendAsync("Before the freeze", ct);
        await scenario.WaitForAsync("Before the freeze", TimeSpan.FromSeconds(30));

        var node = await redis.RedisClusterPrimaryOfAsync("{accounts}", ct);
        Assert.Equal(node, await redis.RedisClusterPrimaryOfAsync("{whq}", ct)); // the same master (slots 14365, 12717)
        await redis.FreezeRedisClusterNodeAsync(node);
        try
        {
            var frozenFor = Stopwatch.StartNew();
            await scenario.AppendAsync("During the freeze", ct);
            foreach (var path in new[] { "/api/v1/accounts", $"/api/v1/accounts/{accountId}" })
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(path, ct);
                await AssertStorageUnavailableAsync(response, ct);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{path} took {clock.Elapsed}");
            }
            using (var graphql = await http.PostAsJsonAsync("/graphql", new { query = "{ accounts { id } }" }, ct))
            {
                var body = await graphql.Content.ReadAsStringAsync(ct);
                Assert.NotEqual(HttpStatusCode.InternalServerError, graphql.StatusCode);
                Assert.Contains("storage_unavailable", body, StringComparison.Ordinal);
            }
            await socket.SendAsync(new { id = "q", type = "subscribe", payload = new { query = "{ accounts { id } }" } }, ct);
            Assert.Equal(["storage_unavailable"], RedisFreezeRealtimeTests.ErrorCodes(await RedisFreezeRealtimeTests.ExpectResultAsync(socket, "q", ct)));
            var hubError = await Assert.ThrowsAsync<HubException>(() => scenario.Events.SubscribeAsync(accountId, ct));
            Assert.Contains("storage_unavailable", hubError.Message, StringComparison.Ordinal);
            Assert.Contains("Retry after", hubError.Message, StringComparison.Ordinal);
            using (var ready = await anonymous.GetAsync("/health/ready", ct))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            // Keep it frozen ~8 s in all, as an operator's stall would (the watcher fails to publish meanwhile).
            var rest = TimeSpan.FromSeconds(8) - frozenFor.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest, ct);
        }
        finally
        {
            await redis.ThawRedisClusterNodeAsync(node);
        }

        var thawed = Stopwatch.StartNew();
        await scenario.AssertOnceAsync(TimeSpan.FromSeconds(90), ct, "During the freeze", "Before the freeze");
        TestContext.Current.TestOutputHelper?.WriteLine($"announced within {thawed.ElapsedMilliseconds} ms after SIGCONT (3 s of it waiting for duplicates)");
        await Recovery.WaitForOkAsync(http, $"/api/v1/accounts/{accountId}", TimeSpan.FromSeconds(30), "after SIGCONT of a cluster master", ct);
        await RedisClusterTests.WaitReadyAsync(app, ct);
        await RedisFreezeRealtimeTests.RetryAsync(() => scenario.Events.SubscribeAsync(accountId, ct), ct);
        await socket.SendAsync(new { id = "q2", type = "subscribe", payload = new { query = "{ accounts { id } }" } }, ct);
        Assert.Empty(RedisFreezeRealtimeTests.ErrorCodes(await RedisFreezeRealtimeTests.ExpectResultAsync(socket, "q2", ct)));
    }

    internal static async Task AssertStorageUnavailableAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("storage_unavailable", json.RootElement.GetProperty("code").GetString());
    }
}
