namespace MailGateway.Api.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 3700, EventName = "HeartbeatFailed", Level = LogLevel.Warning, Message = "Instance heartbeat failed; retrying")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3701, EventName = "InstanceJoined", Level = LogLevel.Information, Message = "Instance {InstanceId} registered (version {Version})")]
    public static partial void Joined(ILogger logger, string instanceId, string version);

    [LoggerMessage(EventId = 3702, EventName = "InstanceLeft", Level = LogLevel.Information, Message = "Instance {InstanceId} left the cluster; handing its watches over")]
    public static partial void Left(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3703, EventName = "LeaveFailed", Level = LogLevel.Warning, Message = "Could not deregister this instance; the others notice when its registration expires")]
    public static partial void LeaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3704, EventName = "LeaseTakenOver", Level = LogLevel.Information, Message = "Took the watch lease of account {AccountId} over from instance {Holder}, which is no longer live")]
    public static partial void LeaseTakenOver(ILogger logger, string accountId, string holder);

    [LoggerMessage(EventId = 3720, EventName = "RateWindowUnavailable", Level = LogLevel.Warning, Message = "The cluster-wide rate limit could not reach Redis; this instance counts on its own meanwhile")]
    public static partial void RateWindowUnavailable(ILogger logger, Exception exception);
}
