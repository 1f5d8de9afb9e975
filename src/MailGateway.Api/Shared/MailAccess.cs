using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>Resolves a caller's account (only through <see cref="IAccountAccess"/>) and leases an IMAP session for it.</summary>
public sealed class MailAccess(IAccountAccess accounts, IImapSessionPool pool)
{
    public async Task<IImapSession> OpenAsync(Caller caller, string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(caller, accountId, cancellationToken)
            ?? throw MailApiException.AccountNotFound();
        return await pool.RentAsync(account.ToImapAccount(), cancellationToken);
    }
}
