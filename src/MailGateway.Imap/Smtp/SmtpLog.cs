using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Smtp;

/// <summary>Source-generated logs of the SMTP client (EventIds 3500-3519, and 3410-3419 for connection reuse). Never pass a secret to any of these.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(3500, LogLevel.Debug, "SMTP account {AccountId} logged in to {Host}:{Port} with {Mechanism}")]
    public static partial void LoggedIn(ILogger logger, string accountId, string host, int port, string mechanism);

    [LoggerMessage(3501, LogLevel.Warning, "SMTP account {AccountId} login with {Mechanism} was rejected: {ServerResponse}")]
    public static partial void LoginRejected(ILogger logger, string accountId, string mechanism, string? serverResponse);

    [LoggerMessage(3502, LogLevel.Warning, "SMTP account {AccountId} could not submit through {Host}:{Port}: {Reason}")]
    public static partial void Unavailable(ILogger logger, string accountId, string host, int port, string reason, Exception? exception);

    [LoggerMessage(3503, LogLevel.Information, "SMTP account {AccountId}: DATA accepted ({Code}) for {Accepted} of {Total} recipients")]
    public static partial void Sent(ILogger logger, string accountId, int code, int accepted, int total);

    [LoggerMessage(3504, LogLevel.Warning, "SMTP account {AccountId}: the server refused the message: {Code} {Text}")]
    public static partial void Rejected(ILogger logger, string accountId, int code, string text);

    [LoggerMessage(3505, LogLevel.Warning, "SMTP account {AccountId} refused by policy ({Code})")]
    public static partial void PolicyRefused(ILogger logger, string accountId, string code);

    [LoggerMessage(3410, LogLevel.Information, "SMTP account {AccountId}: the reused connection was dead ({Reason}) before any recipient was accepted; reconnecting once")]
    public static partial void Reconnecting(ILogger logger, string accountId, string reason);

    [LoggerMessage(3411, LogLevel.Debug, "SMTP account {AccountId}: idle connection closed after {Sent} message(s)")]
    public static partial void IdleClosed(ILogger logger, string accountId, int sent);
}
