namespace MailGateway.Testing;

/// <summary>Which IMAP server a <see cref="MailEnvironment"/> runs.</summary>
public enum MailServerKind
{
    /// <summary>Dovecot 2.3 (the default; has NOTIFY, PREVIEW, login log).</summary>
    Dovecot,

    /// <summary>Cyrus IMAP 3.6, run from the extracted <c>cyrus-imapd</c> package (no NOTIFY, PREVIEW answers NIL).</summary>
    Cyrus,
}
