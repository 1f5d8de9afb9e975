using System.Diagnostics;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>A Redis Cluster with replicas (3 masters + 3 replicas, cluster-node-timeout 1 s): the master of the webhook
/// queue (<c>{whq}</c>) is killed by SIGKILL, its replica is promoted, and the gateway follows the new topology by
/// itself (no restart): until then requests for the account records (same master) answer 503 storage_unavailable;
/// mail appended right after the kill is announced exactly once per channel; REST and readiness work again. Fails when the gateway keeps talking to the dead master or when the outage loses or repeats an event.</summary>
public sealed class RedisClusterFailoverTests(MailEnvFixture fixture)
{
    private const string User = "user59";
    private const string Owner = "cluster-faults-owner-59";

    [Fact]
    public async Task A_killed_master_is_replaced_by_its_replica_and_no_event_is_lost_or_repeated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await MailEnvironment.StartAsync(new MailEnvironmentOptions
        {
            RedisCluster = true,
            RedisClusterReplicas = 1,
            RedisClusterNodeTimeout = TimeSpan.FromSeconds(1),
        }, ct);
        Assert.Equal(6, redis.RedisClusterPorts.Count);
        await using var scenario = await EventFaultScenario.StartAsync(fixture, redis, User, Owner, ct);
        await scenario.AppendAsync("Before the kill", ct);
        await scenario.WaitForAsync("Before the kill", TimeSpan.FromSeconds(30));

        var node = await redis.RedisClusterPrimaryOfAsync("{whq}", ct);
        Assert.Equal(node, await redis.RedisClusterPrimaryOfAsync("{accounts}", ct)); // the same master (slots 12717, 14365)
        using var http = scenario.App.CreateClient(Owner);
        await redis.KillRedisClusterNodeAsync(node);
        var killed = Stopwatch.StartNew();
        // The watcher sees this at once and fails to publish it until the replica is promoted (node timeout 1 s + election).
        await scenario.AppendAsync("After the kill", ct);
        // Until then the account records are unreachable too: 503 storage_unavailable, never a 500.
        using (var during = await http.GetAsync("/api/v1/accounts", ct))
            await RedisClusterFreezeTests.AssertStorageUnavailableAsync(during, ct);
        var promoted = await redis.WaitForRedisClusterTakeoverAsync("{whq}", node, TimeSpan.FromSeconds(60), ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"replica {promoted} took over {killed.ElapsedMilliseconds} ms after SIGKILL of master {node}");
        Assert.NotEqual(node, promoted);

        await scenario.AssertOnceAsync(TimeSpan.FromSeconds(90), ct, "After the kill", "Before the kill");
        TestContext.Current.TestOutputHelper?.WriteLine($"announced within {killed.ElapsedMilliseconds} ms after SIGKILL");
        await Recovery.WaitForOkAsync(http, "/api/v1/accounts", TimeSpan.FromSeconds(30), "after the promotion", ct);
        await Scale.RedisClusterTests.WaitReadyAsync(scenario.App, ct);
    }
}
