namespace MailGateway.Imap.Smtp;

/// <summary>The SMTP server rejected the credentials (problem code <c>smtp_auth_failed</c>).</summary>
public sealed class SmtpAuthenticationException(string message, SmtpReply? reply = null, Exception? inner = null) : ImapGatewayException(message, inner)
{
    public SmtpReply? Reply { get; } = reply;
}

/// <summary>A temporary failure: the server could not be reached, TLS failed, it closed the connection or answered 4xx.
/// Nothing was accepted; sending again later is safe.</summary>
public sealed class SmtpUnavailableException(string message, SmtpReply? reply = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : ImapGatewayException(message, inner)
{
    public SmtpReply? Reply { get; } = reply;
    public TimeSpan RetryAfter { get; } = retryAfter ?? TimeSpan.FromSeconds(30);
}

/// <summary>The server refused the message for good (5xx to MAIL FROM or DATA, or to every recipient).</summary>
public sealed class SmtpRejectedException(string message, SmtpReply reply, IReadOnlyList<SmtpRecipientResult> recipients, Exception? inner = null)
    : ImapGatewayException(message, inner)
{
    public SmtpReply Reply { get; } = reply;
    public IReadOnlyList<SmtpRecipientResult> Recipients { get; } = recipients;
    /// <summary>False when the refusal was a 4xx (e.g. every recipient deferred): retry later.</summary>
    public bool Permanent => Reply.IsPermanent;
}
