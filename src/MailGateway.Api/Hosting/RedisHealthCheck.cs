using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace MailGateway.Api.Hosting;

/// <summary>Readiness of Redis, a single node or a Redis Cluster alike: every primary that serves data is connected and
/// answers PING (on a cluster, a missing primary means a range of slots is unreachable). On a cluster the primaries
/// that count are those the cluster itself lists with slots now: a master that failed and whose replica took over keeps
/// no slots, so it does not hold readiness down once the cluster is whole again.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var primaries = redis.GetServers().Where(s => !s.IsReplica).ToList();
            if (primaries.Count == 0 || !redis.IsConnected)
                return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to Redis.");
            var cluster = primaries.Any(s => s.ServerType == ServerType.Cluster);
            if (cluster)
            {
                if (ServingPrimaries(primaries) is not { } serving)
                    return new HealthCheckResult(context.Registration.FailureStatus, "No connected Redis Cluster node describes the cluster, or a master that serves slots is not known yet.");
                primaries = serving;
            }
            foreach (var server in primaries)
            {
                if (!server.IsConnected)
                    return new HealthCheckResult(context.Registration.FailureStatus, $"Redis primary {server.EndPoint} is not connected.");
                await server.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            var kind = cluster ? "Redis Cluster primaries" : "Redis primary";
            return HealthCheckResult.Healthy($"{primaries.Count} {kind} answer.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer.", ex);
        }
    }

    /// <summary>The primaries that serve slots by the cluster's view as the multiplexer last read it (CLUSTER NODES,
    /// refreshed whenever the cluster redirects a command, as after a failover), as this multiplexer's servers; null
    /// when no connected node has described the cluster or a serving master is not among the servers yet.</summary>
    private List<IServer>? ServingPrimaries(List<IServer> known)
    {
        if (known.Where(s => s.IsConnected).Select(s => s.ClusterConfiguration).FirstOrDefault(c => c is not null) is not { } nodes) return null;
        var servers = redis.GetServers();
        var serving = nodes.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0)
            .Select(n => servers.FirstOrDefault(s => Equals(s.EndPoint, n.EndPoint))).ToList();
        return serving.Count == 0 || serving.Contains(null) ? null : [.. serving.OfType<IServer>()];
    }
}
