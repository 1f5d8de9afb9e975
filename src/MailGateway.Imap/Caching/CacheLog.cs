using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Caching;

/// <summary>Read cache logs (EventIds 3950–3959): the shared level's circuit breaker, once per transition.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(3950, LogLevel.Warning, "The shared read cache store failed; skipping the shared level for {Seconds} s (reads are served from this instance's cache or IMAP)")]
    public static partial void SharedLevelOpened(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(3951, LogLevel.Information, "The shared read cache store answered again; the shared level is back in use")]
    public static partial void SharedLevelClosed(ILogger logger);

    [LoggerMessage(3952, LogLevel.Debug, "The shared read cache store is still failing; skipping the shared level for another {Seconds} s")]
    public static partial void SharedLevelStillUnavailable(ILogger logger, double seconds, Exception exception);
}
