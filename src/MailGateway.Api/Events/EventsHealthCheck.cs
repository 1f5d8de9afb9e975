using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MailGateway.Api.Events;

/// <summary>Readiness of the event pipeline: the watch supervisor runs and (with Redis) the stream reader has its position.</summary>
internal sealed class EventsHealthCheck(WatchSupervisor supervisor, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (supervisor.ExecuteTask is { IsCompleted: true })
            return Task.FromResult(HealthCheckResult.Unhealthy("The watch supervisor stopped."));
        var reader = services.GetService<EventStreamReader>();
        if (reader?.ExecuteTask is { IsCompleted: true })
            return Task.FromResult(HealthCheckResult.Unhealthy("The event stream reader stopped."));
        if (reader is not null && !reader.Ready.IsCompleted)
            return Task.FromResult(HealthCheckResult.Degraded("The event stream reader is waiting for Redis."));
        return Task.FromResult(HealthCheckResult.Healthy($"{supervisor.Watching.Count} account(s) watched here."));
    }
}
