using System.Reflection;
using MailGateway.Imap;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Cluster;

/// <summary>Registers this instance at start and renews it every <see cref="ClusterOptions.HeartbeatInterval"/> with
/// what it is doing (accounts watched: watches connected and caught up; IMAP connections open). The watch supervisor deregisters it on shutdown.</summary>
internal sealed class InstanceHeartbeat(
    IGatewayInstances instances,
    InstanceIdentity identity,
    WatchConnections watches,
    ImapTelemetry imap,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    public static readonly string Version =
        typeof(InstanceHeartbeat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(InstanceHeartbeat).Assembly.GetName().Version?.ToString() ?? "unknown";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public InstanceInfo Current() => new(identity.Id, Version, Environment.MachineName, StartedAt, time.GetUtcNow(),
        watches.Connected, imap.ConnectionsOpen);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            try
            {
                await instances.BeatAsync(Current(), stoppingToken).ConfigureAwait(false);
                if (first) ClusterLog.Joined(logger, identity.Id, Version);
                first = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                ClusterLog.HeartbeatFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { return false; }
    }
}
