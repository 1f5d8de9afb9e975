namespace MailGateway.Imap;

/// <summary>The only door to IMAP. Leases authenticated connections per account; fair per account, never
/// blocking other accounts.</summary>
public interface IImapSessionPool
{
    /// <summary>Leases an authenticated session. Dispose it to give the connection back.</summary>
    /// <exception cref="ImapAuthenticationException">The server rejected the credentials (or the account is in authFailed).</exception>
    /// <exception cref="ImapUnavailableException">The server could not be reached, TLS failed, or the lease timed out.</exception>
    ValueTask<IImapSession> RentAsync(ImapAccount account, CancellationToken cancellationToken = default);

    /// <summary>Reads one message, like <see cref="IImapSession.GetMessageAsync"/> on a lease of its own. The pool may
    /// answer a cached message with a freshness proof shared by concurrent reads of the mailbox, without a lease.</summary>
    async Task<MessageDetail> GetMessageAsync(ImapAccount account, MessageRef message, bool sanitizeHtml = true, CancellationToken cancellationToken = default)
    {
        await using var session = await RentAsync(account, cancellationToken).ConfigureAwait(false);
        return await session.GetMessageAsync(message, sanitizeHtml, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects and logs in once, without pooling: used to verify credentials before an account is stored.</summary>
    Task VerifyAsync(ImapAccount account, CancellationToken cancellationToken = default);

    /// <summary>Closes the account's connections and forgets its authFailed state (credentials changed, account removed, operator retry).</summary>
    ValueTask ResetAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>The account's connection state as the pool last saw it.</summary>
    AccountConnectionStatus GetStatus(string accountId);
}

public enum AccountConnectionState
{
    Connecting,
    Connected,
    AuthFailed,
    Unreachable,
    Disabled,
}

/// <param name="LastError">A message safe to show (never a secret).</param>
public sealed record AccountConnectionStatus(AccountConnectionState State, string? LastError, DateTimeOffset? Since);
