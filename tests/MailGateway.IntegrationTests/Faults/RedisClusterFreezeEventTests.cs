using System.Diagnostics;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Mail appended over IMAP while the Redis Cluster master of the webhook queue (<c>{whq}</c>) is frozen by
/// SIGSTOP is announced after SIGCONT exactly once: one webhook delivery and one SignalR event. The other masters keep
/// answering meanwhile, so part of a publish can succeed while the rest fails: fails when the checkpoint moves before
/// the durable side took the event, or when the retry of a half-done publish is delivered twice.</summary>
public sealed class RedisClusterFreezeEventTests(MailEnvFixture fixture)
{
    private const string User = "user58";
    private const string Owner = "cluster-faults-owner-58";

    [Fact]
    public async Task Mail_appended_while_a_cluster_master_is_frozen_is_delivered_once_per_channel_after_it_thaws()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await MailEnvironment.StartAsync(new MailEnvironmentOptions { RedisCluster = true }, ct);
        await using var scenario = await EventFaultScenario.StartAsync(fixture, redis, User, Owner, ct);
        await scenario.AppendAsync("Before the freeze", ct);
        await scenario.AssertOnceAsync("Before the freeze", TimeSpan.FromSeconds(30), ct);

        var node = await redis.RedisClusterPrimaryOfAsync("{whq}", ct);
        await redis.FreezeRedisClusterNodeAsync(node);
        try
        {
            await scenario.AppendAsync("During the freeze", ct);
            await Task.Delay(TimeSpan.FromSeconds(8), ct); // the stall an operator would see; publishing fails meanwhile
        }
        finally
        {
            await redis.ThawRedisClusterNodeAsync(node);
        }

        var thawed = Stopwatch.StartNew();
        await scenario.AssertOnceAsync("During the freeze", TimeSpan.FromSeconds(90), ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"announced within {thawed.ElapsedMilliseconds} ms after SIGCONT (3 s of it waiting for duplicates)");
    }
}
