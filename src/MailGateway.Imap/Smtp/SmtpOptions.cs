namespace MailGateway.Imap.Smtp;

/// <summary>The <c>Smtp</c> configuration section: reuse of authenticated submission connections.</summary>
public sealed class SmtpOptions
{
    /// <summary>An authenticated connection waits this long for the account's next message, then QUITs. Zero: one
    /// connection per message.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Messages sent over one connection before it is closed and a fresh one opened.</summary>
    public int MaxMessagesPerConnection { get; set; } = 100;

    /// <summary>Idle connections kept at once (one per account at most); the oldest is closed beyond this.</summary>
    public int MaxIdleConnections { get; set; } = 32;
}
