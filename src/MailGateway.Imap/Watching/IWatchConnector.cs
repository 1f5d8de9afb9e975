using MailKit.Net.Imap;

namespace MailGateway.Imap;

/// <summary>Opens the dedicated watch connection: connected, TLS-checked and authenticated by the same
/// code the pool uses, but never part of the pool.</summary>
internal interface IWatchConnector
{
    /// <exception cref="ImapAuthenticationException">The server rejected the credentials.</exception>
    /// <exception cref="ImapUnavailableException">The server could not be reached or TLS failed.</exception>
    Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken);
}
