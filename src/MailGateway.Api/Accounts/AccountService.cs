using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>
/// The accounts of a caller: list, read, register (verified by a login first), change, remove, reset. REST endpoints,
/// GraphQL resolvers and the SignalR hub all call this one service; refusals are <see cref="MailApiException"/>s that
/// each API maps through <see cref="ErrorCatalogue"/>. Scoped: SMTP verification resolves the request's services.
/// </summary>
internal sealed partial class AccountService(
    IAccountStore store, IAccountAccess access, IImapSessionPool pool, AccountConnections connections, CredentialProtector protector, IImapOAuthGrants oauthGrants,
    PendingCredentials pending, ISecurityLogStore securityLog, IServiceProvider services, TimeProvider time, ILogger<Account> logger)
{
    /// <summary>The caller's account, or null when it does not exist or is not the caller's (the same answer for both).</summary>
    public Task<Account?> FindAsync(Caller caller, string accountId, CancellationToken cancellationToken) =>
        access.FindAsync(caller, accountId, cancellationToken);

    public async Task<IReadOnlyList<AccountResponse>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var accounts = await access.ListAsync(Caller.From(user), cancellationToken).ConfigureAwait(false);
        return [.. accounts.Select(Response)];
    }

    public async Task<AccountResponse> GetAsync(ClaimsPrincipal user, string accountId, CancellationToken cancellationToken) =>
        Response(await RequireAsync(user, accountId, cancellationToken).ConfigureAwait(false));

    public async Task<SecurityLogResponse> SecurityLogAsync(ClaimsPrincipal user, string accountId, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ISecurityLogStore.Capacity)
            throw MailApiException.Validation($"limit must be 1-{ISecurityLogStore.Capacity}.");
        var account = await RequireAsync(user, accountId, cancellationToken).ConfigureAwait(false);
        var entries = await securityLog.ListAsync(account.Id, limit ?? 50, cancellationToken).ConfigureAwait(false);
        return new SecurityLogResponse(account.Id, entries);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, string accountId, CancellationToken cancellationToken)
    {
        var account = await access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false);
        if (account is null || !await store.DeleteAsync(account.Id, cancellationToken).ConfigureAwait(false))
            throw MailApiException.AccountNotFound();
        await connections.CloseEverywhereAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
        await securityLog.DeleteAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
        await oauthGrants.ForgetAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
        AccountsLog.Removed(logger, account.Id);
    }

    public async Task<AccountResponse> ResetAsync(ClaimsPrincipal user, string accountId, CancellationToken cancellationToken)
    {
        var account = await RequireAsync(user, accountId, cancellationToken).ConfigureAwait(false);
        await connections.CloseEverywhereAsync(account.Id, cancellationToken).ConfigureAwait(false);
        AccountsLog.Reset(logger, account.Id);
        return Response(account);
    }

    private async Task<Account> RequireAsync(ClaimsPrincipal user, string accountId, CancellationToken cancellationToken) =>
        await access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false) ?? throw MailApiException.AccountNotFound();

    private AccountResponse Response(Account account) => AccountResponse.From(account, pool.GetStatus(account.Id));

    internal static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));

    private static string NewStamp() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));
}
