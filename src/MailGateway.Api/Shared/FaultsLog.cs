namespace MailGateway.Api.Shared;

/// <summary>Source-generated logs of the fault handling (EventIds 3310-3399; 3300-3309 are the IMAP layer's).</summary>
internal static partial class FaultsLog
{
    [LoggerMessage(3310, LogLevel.Warning, "Storage (Redis) failed on {Method} {Path} ({ExceptionType}); answered 503 storage_unavailable", EventName = "StorageUnavailable")]
    public static partial void StorageFailed(ILogger logger, string method, string path, string exceptionType);
}
