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

    private async Task<ImapAccount> AccountAsync(Caller caller, string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(caller, accountId, cancellationToken)
            ?? throw MailApiException.AccountNotFound();
        // A disabled account serves nothing (its watch stops and PATCH closed its pooled connections).
        if (account.Disabled)
            throw MailApiException.AccountDisabled();
        return account.ToImapAccount();
    }
}
