using System.Diagnostics.Metrics;

namespace MailGateway.Api.Cluster;

/// <summary>Meter <c>MailGateway.Cluster</c>: the operator view of this instance as gauges (the same numbers as
/// <c>GET /api/v1/admin/instances</c>), plus the live instances it last saw.</summary>
internal sealed class ClusterTelemetry
{
    public const string MeterName = "MailGateway.Cluster";
    private long _liveInstances;

    public ClusterTelemetry(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(MeterName);
        InstanceHeartbeat Self() => services.GetRequiredService<InstanceHeartbeat>();
        meter.CreateObservableGauge("mailgateway.cluster.instances", () => Interlocked.Read(ref _liveInstances), "{instance}",
            "Live gateway instances this instance saw at its last ownership pass.");
        meter.CreateObservableGauge("mailgateway.instance.accounts.watched", () => Self().Current().AccountsWatched, "{account}",
            "Accounts this instance watches.");
        meter.CreateObservableGauge("mailgateway.instance.imap.connections", () => Self().Current().ImapConnectionsOpen, "{connection}",
            "IMAP connections this instance holds open (command pool).");
        meter.CreateObservableGauge("mailgateway.instance.start_time", () => Self().StartedAt.ToUnixTimeSeconds(), "s",
            "Unix time this instance started.");
        meter.CreateObservableGauge("mailgateway.instance.info", () => new Measurement<int>(1,
            new KeyValuePair<string, object?>("version", InstanceHeartbeat.Version)), "{instance}", "Always 1; the version label says what runs.");
    }

    public void LiveInstances(int count) => Interlocked.Exchange(ref _liveInstances, count);
}
