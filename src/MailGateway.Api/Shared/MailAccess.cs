using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>Resolves a caller's account (only through <see cref="IAccountAccess"/>) and leases an IMAP session for it;
/// a disabled account answers 409 <c>account_disabled</c> on every API.</summary>
public sealed class MailAccess(IAccountAccess accounts, IImapSessionPool pool)
{
    public async Task<IImapSession> OpenAsync(Caller caller, string accountId, CancellationToken cancellationToken) =>
        await pool.RentAsync(await AccountAsync(caller, accountId, cancellationToken), cancellationToken);

    /// <summary>One message (<see cref="IImapSessionPool.GetMessageAsync"/>: concurrent reads of a cached message share one freshness proof).</summary>
    public async Task<MessageDetail> GetMessageAsync(Caller caller, string accountId, MessageRef message, bool sanitizeHtml, CancellationToken cancellationToken) =>
        await pool.GetMessageAsync(await AccountAsync(caller, accountId, cancellationToken), message, sanitizeHtml, cancellationToken);

    private async Task<ImapAccount> AccountAsync(Caller caller, string accountId, CancellationToken cancellationToken) =>
        (await accounts.FindUsableAsync(caller, accountId, cancellationToken)).ToImapAccount();
}

/// <summary>The one check every mail feature (reads, writes, sending, the outbox, SignalR and GraphQL subscriptions) passes.</summary>
public static class UsableAccounts
{
    /// <summary>The caller's account, when it may serve mail: 404 <c>account_not_found</c> when it is not the caller's,
    /// 409 <c>account_disabled</c> when disabled (a disabled account serves nothing: its watch stops and PATCH closed its
    /// pooled connections).</summary>
    public static async Task<Account> FindUsableAsync(this IAccountAccess accounts, Caller caller, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var account = await accounts.FindAsync(caller, accountId, cancellationToken).ConfigureAwait(false)
            ?? throw MailApiException.AccountNotFound();
        return account.Disabled ? throw MailApiException.AccountDisabled() : account;
    }
}
