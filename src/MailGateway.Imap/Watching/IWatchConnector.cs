using MailKit.Net.Imap;

namespace MailGateway.Imap;

/// <summary>Opens the dedicated watch connection: connected, TLS-checked and authenticated by the same
/// code the pool uses, but never part of the pool.</summary>
internal interface IWatchConnector
{
    /// <exception cref="ImapAuthenticationException">The server rejected the credentials.</exception>
    /// <exception cref="ImapUnavailableException">The server could not be reached or TLS failed.</exception>
    Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken);

    /// <summary>An extra connection (<c>Events:IdleFolders</c>), counted in the account's connection budget like a
    /// request's: null when the budget is spent (the sweep covers the folder then).</summary>
    async Task<ExtraWatchConnection?> ConnectExtraAsync(ImapAccount account, CancellationToken cancellationToken) =>
        new(await ConnectAsync(account, cancellationToken).ConfigureAwait(false), CancellationToken.None, () => ValueTask.CompletedTask);
}
