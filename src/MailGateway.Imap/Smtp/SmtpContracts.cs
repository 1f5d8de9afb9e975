namespace MailGateway.Imap.Smtp;

/// <summary>How the connection to the submission server is protected; there is no plaintext option.</summary>
public enum SmtpSecurity
{
    /// <summary>Implicit TLS (usually port 465).</summary>
    Tls,
    /// <summary>Plain connect, then STARTTLS (usually port 587); never falls back to plaintext.</summary>
    StartTls,
}

/// <summary>Everything needed to submit mail for one account. Holds no secret: <see cref="ISmtpCredentialProvider"/> supplies it.</summary>
/// <param name="Id">The gateway's account id.</param>
/// <param name="Mechanism">Password (PLAIN, else LOGIN), XOAUTH2 or OAUTHBEARER: the same token sources as IMAP.</param>
public sealed record SmtpAccount(
    string Id,
    string Host,
    int Port,
    SmtpSecurity Security,
    string Username,
    ImapAuthMechanism Mechanism = ImapAuthMechanism.Password,
    string CredentialStamp = "",
    string? PinnedKeySha256 = null)
{
    /// <summary>The same host/transport/certificate rules as IMAP are applied through this view.</summary>
    internal ImapAccount AsImapAccount() =>
        new(Id, Host, Port, Security == SmtpSecurity.Tls ? ImapSecurity.Tls : ImapSecurity.StartTls, Username, Mechanism, CredentialStamp, PinnedKeySha256);
}

/// <summary>Supplies the secret for an SMTP login (a password, or an OAuth2 access token).</summary>
public interface ISmtpCredentialProvider
{
    /// <param name="forceRefresh">True after the server rejected a token: get a fresh one (once).</param>
    ValueTask<ImapSecret> GetSecretAsync(SmtpAccount account, bool forceRefresh, CancellationToken cancellationToken = default);
}

/// <summary>The envelope: MAIL FROM and RCPT TO addresses (bare addresses, no names).</summary>
public sealed record SmtpEnvelope(string From, IReadOnlyList<string> Recipients);

/// <summary>An SMTP reply: the status code and the server's text (control characters removed, at most 500 characters).</summary>
public sealed record SmtpReply(int Code, string Text)
{
    /// <summary>2xx, 4xx, 5xx as "2xx"...; "none" when there was no reply (a connection failure).</summary>
    public string Class => Code is >= 200 and < 600 ? $"{Code / 100}xx" : "none";
    public bool IsPermanent => Code is >= 500 and < 600;
}

/// <summary>What the server said to one RCPT TO.</summary>
public sealed record SmtpRecipientResult(string Address, bool Accepted, SmtpReply Reply);

/// <summary>DATA was accepted (<see cref="Reply"/> is the 250); <see cref="Recipients"/> shows which RCPTs were refused.</summary>
public sealed record SmtpSendResult(SmtpReply Reply, IReadOnlyList<SmtpRecipientResult> Recipients);

/// <summary>Submits mail over SMTP with MailKit. An account's messages due together share one authenticated connection (RSET
/// between them), closed after <see cref="SmtpOptions.IdleTimeout"/> idle; a reused connection found dead before any recipient
/// was accepted is replaced once, so a message is never transmitted twice by this retry.</summary>
public interface ISmtpSender
{
    /// <summary>EHLO, STARTTLS (or implicit TLS), AUTH; no MAIL. Throws like <see cref="SendAsync"/>.</summary>
    Task VerifyAsync(SmtpAccount account, CancellationToken cancellationToken = default);

    /// <summary>Transmits <paramref name="message"/> (RFC 5322; Bcc and Resent-Bcc are not transmitted) to the envelope's recipients.</summary>
    /// <exception cref="ImapPolicyException">The host or transport is not allowed (code <c>smtp_host_forbidden</c>).</exception>
    /// <exception cref="SmtpAuthenticationException">The server rejected the credentials.</exception>
    /// <exception cref="SmtpUnavailableException">Connection, TLS or a 4xx: try again later.</exception>
    /// <exception cref="SmtpRejectedException">A 5xx to MAIL or DATA, or every recipient refused.</exception>
    Task<SmtpSendResult> SendAsync(SmtpAccount account, SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken = default);
}
