using MailGateway.Api.Storage;
using MailGateway.Imap;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGateway.Api.Cluster;

internal static class ClusterExtensions
{
    /// <summary>Instance registry and heartbeat (Redis when configured), the ownership gauges, the per-user rate windows. The watch supervisor
    /// (Events) asks <see cref="IGatewayInstances"/> who is live and <see cref="WatchOwnership"/> what is its own.</summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // HeartbeatInterval's default (a third of the lease TTL) is set by the watch leases' owner, AddMailEvents.
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section)
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.OwnershipSlack >= 0, "Cluster: HeartbeatInterval must be positive, OwnershipSlack not negative.")
            .ValidateOnStart();
        if (builder.Configuration.IsRedisConfigured()) services.TryAddSingleton<IGatewayInstances, RedisGatewayInstances>();
        else services.TryAddSingleton<IGatewayInstances, InMemoryGatewayInstances>();
        // Replaces the pool's grant-everything default: one budget of IMAP connections for all instances.
        if (builder.Configuration.IsRedisConfigured()) services.Replace(ServiceDescriptor.Singleton<IImapConnectionBudget, RedisConnectionBudget>());
        services.TryAddSingleton<LocalRateWindows>();
        if (builder.Configuration.IsRedisConfigured()) services.TryAddSingleton<IRateWindows, RedisRateWindows>();
        else services.TryAddSingleton<IRateWindows>(sp => sp.GetRequiredService<LocalRateWindows>());
        services.TryAddSingleton<UserRequestLimit>();
        services.TryAddSingleton<ClusterTelemetry>();
        services.TryAddSingleton<InstanceIdentity>();
        services.TryAddSingleton<WatchConnections>();
        services.TryAddSingleton<InstanceHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<InstanceHeartbeat>());
        return builder;
    }
}
