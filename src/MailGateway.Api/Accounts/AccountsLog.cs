namespace MailGateway.Api.Accounts;

/// <summary>Account logs: ids, owners and hosts only — never a password or token.</summary>
internal static partial class AccountsLog
{
    [LoggerMessage(3801, LogLevel.Information, "Account {AccountId} registered by {OwnerId} for {Host}:{Port}", EventName = "AccountRegistered")]
    public static partial void Registered(ILogger logger, string accountId, string ownerId, string host, int port);

    [LoggerMessage(3802, LogLevel.Information, "Account verification for {OwnerId} at {Host}:{Port} refused: {Code}", EventName = "AccountVerificationRefused")]
    public static partial void VerificationRefused(ILogger logger, string ownerId, string host, int port, string code);

    [LoggerMessage(3803, LogLevel.Information, "Account {AccountId} updated (credentials changed: {CredentialsChanged}, disabled: {Disabled})", EventName = "AccountUpdated")]
    public static partial void Updated(ILogger logger, string accountId, bool credentialsChanged, bool disabled);

    [LoggerMessage(3804, LogLevel.Information, "Account {AccountId} removed", EventName = "AccountRemoved")]
    public static partial void Removed(ILogger logger, string accountId);

    [LoggerMessage(3805, LogLevel.Information, "Account {AccountId}: connections reset on request", EventName = "AccountReset")]
    public static partial void Reset(ILogger logger, string accountId);

    [LoggerMessage(3807, LogLevel.Information, "Account {AccountId}: OAuth access token refreshed", EventName = "OAuthTokenRefreshed")]
    public static partial void TokenRefreshed(ILogger logger, string accountId);

    [LoggerMessage(3900, LogLevel.Warning, "Could not ask the other instances to close the pooled connections of account {AccountId}; theirs close at the idle timeout",
        EventName = "AccountConnectionsBroadcastFailed")]
    public static partial void CloseBroadcastFailed(ILogger logger, string? accountId, Exception exception);

    [LoggerMessage(3806, LogLevel.Warning, "Could not record a login outcome for account {AccountId}", EventName = "SecurityLogWriteFailed")]
    public static partial void SecurityLogWriteFailed(ILogger logger, Exception exception, string accountId);
}
