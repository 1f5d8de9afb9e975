namespace MailGateway.Api.Hosting;

/// <summary>Source-generated host logs. Never pass a token, password or secret to any of these.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1001, LogLevel.Warning, "API authentication failed ({Reason}) from {RemoteIp} on {Path}", EventName = "ApiAuthenticationFailed")]
    public static partial void AuthenticationFailed(ILogger logger, string reason, string? remoteIp, string path);

    [LoggerMessage(1002, LogLevel.Information, "API request without valid credentials from {RemoteIp} on {Path}", EventName = "ApiChallenged")]
    public static partial void Challenged(ILogger logger, string? remoteIp, string path);

    [LoggerMessage(1003, LogLevel.Warning, "API request denied ({Reason}) for caller {Caller} from {RemoteIp} on {Path}", EventName = "ApiForbidden")]
    public static partial void Forbidden(ILogger logger, string reason, string caller, string? remoteIp, string path);

    [LoggerMessage(1005, LogLevel.Error, "Unhandled exception on {Method} {Path}", EventName = "UnhandledException")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(1006, LogLevel.Warning, "IMAP failure on {Method} {Path}: {Code} {Message}", EventName = "ImapFailure")]
    public static partial void ImapFailure(ILogger logger, string method, string path, string code, string message);

    [LoggerMessage(1007, LogLevel.Information, "Redis configured; shared state, Data Protection keys and readiness use it", EventName = "RedisConfigured")]
    public static partial void RedisConfigured(ILogger logger);

    [LoggerMessage(1008, LogLevel.Warning, "Authentication provider {Provider} is for development only", EventName = "DevelopmentAuthentication")]
    public static partial void DevelopmentAuthentication(ILogger logger, string provider);
}
