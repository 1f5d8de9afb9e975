using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace MailGateway.Api.Hosting;

/// <summary>Readiness of Redis, a single node or a Redis Cluster alike: every primary the multiplexer knows is
/// connected and answers PING (on a cluster, a missing primary means a range of slots is unreachable).</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var primaries = redis.GetServers().Where(s => !s.IsReplica).ToList();
            if (primaries.Count == 0 || !redis.IsConnected)
                return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to Redis.");
            foreach (var server in primaries)
            {
                if (!server.IsConnected)
                    return new HealthCheckResult(context.Registration.FailureStatus, $"Redis primary {server.EndPoint} is not connected.");
                await server.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            var kind = primaries.Any(s => s.ServerType == ServerType.Cluster) ? "Redis Cluster primaries" : "Redis primary";
            return HealthCheckResult.Healthy($"{primaries.Count} {kind} answer.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer.", ex);
        }
    }
}
