using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Telemetry;

/// <summary>Source-generated logs of the IMAP layer. Never pass a secret to any of these.</summary>
internal static partial class ImapLog
{
    [LoggerMessage(1, LogLevel.Debug, "IMAP account {AccountId} logged in to {Host}:{Port} with {Mechanism} in {ElapsedMs} ms")]
    public static partial void LoggedIn(ILogger logger, string accountId, string host, int port, string mechanism, long elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "IMAP account {AccountId} login with {Mechanism} was rejected: {ServerResponse}")]
    public static partial void LoginRejected(ILogger logger, string accountId, string mechanism, string? serverResponse);

    [LoggerMessage(3, LogLevel.Warning, "IMAP account {AccountId} could not connect to {Host}:{Port}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string accountId, string host, int port, string reason, Exception? exception);

    [LoggerMessage(4, LogLevel.Warning, "IMAP account {AccountId} refused by policy ({Code})")]
    public static partial void PolicyRefused(ILogger logger, string accountId, string code);

    [LoggerMessage(5, LogLevel.Warning, "IMAP login observer failed for account {AccountId}")]
    public static partial void ObserverFailed(ILogger logger, string accountId, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "IMAP account {AccountId} is in state {State} until {Until}")]
    public static partial void AccountBackoff(ILogger logger, string accountId, AccountConnectionState state, DateTimeOffset? until);

    [LoggerMessage(7, LogLevel.Debug, "IMAP connection of account {AccountId} discarded: {Reason}")]
    public static partial void ConnectionDiscarded(ILogger logger, string accountId, string reason, Exception? exception);

    [LoggerMessage(8, LogLevel.Debug, "Closed {Count} idle IMAP connections")]
    public static partial void IdleEvicted(ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Debug, "QRESYNC could not be enabled for account {AccountId}")]
    public static partial void QresyncFailed(ILogger logger, string accountId, Exception exception);
}
