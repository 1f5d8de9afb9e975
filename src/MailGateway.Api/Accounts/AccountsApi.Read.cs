using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

internal static partial class AccountsApi
{
    public static async Task<Ok<AccountListResponse>> ListAccounts(
        ClaimsPrincipal user, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var accounts = await services.Access.ListAsync(Caller.From(user), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new AccountListResponse([.. accounts.Select(a => AccountResponse.From(a, services.Pool.GetStatus(a.Id)))]));
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccount(
        string accountId, ClaimsPrincipal user, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var account = await services.Access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false);
        return account is null
            ? ApiProblems.AccountNotFound()
            : TypedResults.Ok(AccountResponse.From(account, services.Pool.GetStatus(account.Id)));
    }

    public static async Task<Results<Ok<SecurityLogResponse>, ProblemHttpResult>> GetSecurityLog(
        string accountId, int? limit, ClaimsPrincipal user, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ISecurityLogStore.Capacity)
            return ApiProblems.Validation($"limit must be 1-{ISecurityLogStore.Capacity}.");
        var account = await services.Access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
            return ApiProblems.AccountNotFound();
        var entries = await services.SecurityLog.ListAsync(account.Id, limit ?? 50, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new SecurityLogResponse(account.Id, entries));
    }
}
