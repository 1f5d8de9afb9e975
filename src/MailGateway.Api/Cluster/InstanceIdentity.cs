namespace MailGateway.Api.Cluster;

/// <summary>This process's identity among gateway instances (heartbeat registration, lease owner, demand
/// registrations, connection-budget holder).</summary>
internal sealed class InstanceIdentity(IConfiguration configuration)
{
    /// <summary><c>Cluster:InstanceId</c> (e.g. the pod name, so ownership survives a restart), else a random id.</summary>
    public string Id { get; } = configuration["Cluster:InstanceId"] is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");
}
