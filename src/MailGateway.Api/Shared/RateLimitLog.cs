namespace MailGateway.Api.Shared;

/// <summary>The refusal log of the per-user rate limit, written by the REST middleware (Hosting) and by calls on open
/// connections (<c>Cluster/UserRequestLimit</c>) alike.</summary>
internal static partial class RateLimitLog
{
    [LoggerMessage(1004, LogLevel.Warning, "Rate limit hit for {Partition} from {RemoteIp} on {Path}", EventName = "ApiRateLimited")]
    public static partial void RateLimited(ILogger logger, string partition, string? remoteIp, string path);
}
