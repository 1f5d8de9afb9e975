namespace MailGateway.Api.Security;

/// <summary>Log messages of the Security area. They name accounts and clients, never a token or secret.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 7001, EventName = "OAuthTokenRefreshed", Level = LogLevel.Information,
        Message = "OAuth client {Client} issued an access token valid for {LifetimeSeconds} s (refresh token rotated: {Rotated})")]
    public static partial void TokenRefreshed(ILogger logger, string client, int lifetimeSeconds, bool rotated);

    [LoggerMessage(EventId = 7002, EventName = "OAuthTokenRefreshFailed", Level = LogLevel.Warning,
        Message = "OAuth client {Client}: the token endpoint answered {Status} ({Error})")]
    public static partial void TokenRefreshFailed(ILogger logger, string client, int status, string error);

    [LoggerMessage(EventId = 7003, EventName = "OAuthTokenEndpointUnreachable", Level = LogLevel.Warning,
        Message = "OAuth client {Client}: the token endpoint could not be reached ({Reason})")]
    public static partial void TokenEndpointUnreachable(ILogger logger, string client, string reason);

    [LoggerMessage(EventId = 7004, EventName = "OAuthRefreshTokenRotated", Level = LogLevel.Information,
        Message = "Account {AccountId}: the rotated refresh token was saved")]
    public static partial void RefreshTokenRotated(ILogger logger, string accountId);

    [LoggerMessage(EventId = 7005, EventName = "OAuthRotatedTokenNotSaved", Level = LogLevel.Warning,
        Message = "Account {AccountId}: the token endpoint rotated the refresh token but the account changed or disappeared meanwhile; the new refresh token was not saved")]
    public static partial void RotatedTokenNotSaved(ILogger logger, string accountId);

    [LoggerMessage(EventId = 7006, EventName = "OAuthOnBehalfOfFailed", Level = LogLevel.Warning,
        Message = "Account {AccountId}: on-behalf-of token acquisition failed ({Reason})")]
    public static partial void OnBehalfOfFailed(ILogger logger, string accountId, string reason);

    [LoggerMessage(EventId = 7007, EventName = "OAuthOnBehalfOfEnabled", Level = LogLevel.Information,
        Message = "IMAP OAuth on behalf of Entra ID callers is enabled (scope {Scope})")]
    public static partial void OnBehalfOfEnabled(ILogger logger, string scope);

    [LoggerMessage(EventId = 7008, EventName = "OAuthRefreshLockTimeout", Level = LogLevel.Debug,
        Message = "Account {AccountId}: another instance held the token refresh lock too long; refreshing anyway")]
    public static partial void RefreshLockTimeout(ILogger logger, string accountId);

    [LoggerMessage(EventId = 7009, EventName = "OAuthTokenCacheUnavailable", Level = LogLevel.Warning,
        Message = "The shared OAuth token cache is unavailable ({Reason}); using the identity provider directly")]
    public static partial void TokenCacheUnavailable(ILogger logger, string reason);
}
