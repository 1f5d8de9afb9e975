namespace MailGateway.Imap;

/// <summary>How the connection to the IMAP server is protected.</summary>
public enum ImapSecurity
{
    /// <summary>Implicit TLS (IMAPS, usually port 993).</summary>
    Tls,
    /// <summary>Plain connect, then STARTTLS; never falls back to plaintext.</summary>
    StartTls,
    /// <summary>No encryption; refused unless <c>Imap:AllowInsecure</c> is true.</summary>
    None,
}

/// <summary>How the gateway proves the account's identity to the IMAP server.</summary>
public enum ImapAuthMechanism
{
    Password,
    XOAuth2,
    OAuthBearer,
}

/// <summary>
/// Everything the pool needs to reach one mailbox account. Holds no secret: the pool asks
/// <see cref="IImapCredentialProvider"/> for it when it logs in.
/// </summary>
/// <param name="Id">The gateway's account id.</param>
/// <param name="CredentialStamp">Changes whenever the credentials change; an account in state
/// <c>authFailed</c> is retried only after the stamp changes (or <see cref="IImapSessionPool.ResetAsync"/>).</param>
/// <param name="PinnedKeySha256">Optional base64 SHA-256 of the server's public key (certificate pinning).</param>
/// <param name="Email">The account's email address: the From of composed messages that name none.</param>
public sealed record ImapAccount(
    string Id,
    string Host,
    int Port,
    ImapSecurity Security,
    string Username,
    ImapAuthMechanism Mechanism = ImapAuthMechanism.Password,
    string CredentialStamp = "",
    string? PinnedKeySha256 = null,
    string? Email = null,
    string? Owner = null);

/// <summary>A secret for one login: a password or an OAuth2 access token.</summary>
public sealed record ImapSecret(string Value)
{
    /// <summary>Never print the secret, not even by accident in a log of the record.</summary>
    public override string ToString() => "ImapSecret(***)";
}

/// <summary>Supplies the secret for an account at login time (decrypted password, or an access token).</summary>
public interface IImapCredentialProvider
{
    /// <param name="forceRefresh">True after the server rejected a token: get a fresh one (once).</param>
    ValueTask<ImapSecret> GetSecretAsync(ImapAccount account, bool forceRefresh, CancellationToken cancellationToken = default);
}
