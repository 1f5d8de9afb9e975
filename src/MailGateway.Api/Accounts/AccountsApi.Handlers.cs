using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MailGateway.Api.Accounts;

/// <summary>The REST handlers: HTTP shapes over <see cref="AccountService"/> (refusals become problems in <see cref="Shared.MailProblemFilter"/>).</summary>
internal static partial class AccountsApi
{
    public static async Task<Ok<AccountListResponse>> ListAccounts(ClaimsPrincipal user, [FromServices] AccountService accounts, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AccountListResponse(await accounts.ListAsync(user, cancellationToken).ConfigureAwait(false)));

    public static async Task<Ok<AccountResponse>> GetAccount(string accountId, ClaimsPrincipal user, [FromServices] AccountService accounts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await accounts.GetAsync(user, accountId, cancellationToken).ConfigureAwait(false));

    public static async Task<Ok<SecurityLogResponse>> GetSecurityLog(string accountId, int? limit, ClaimsPrincipal user,
        [FromServices] AccountService accounts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await accounts.SecurityLogAsync(user, accountId, limit, cancellationToken).ConfigureAwait(false));

    public static async Task<Created<AccountResponse>> CreateAccount(CreateAccountRequest request, ClaimsPrincipal user,
        [FromServices] AccountService accounts, CancellationToken cancellationToken)
    {
        var account = await accounts.CreateAsync(user, request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/accounts/{account.Id}", account);
    }

    public static async Task<Ok<AccountResponse>> UpdateAccount(string accountId, UpdateAccountRequest request, ClaimsPrincipal user,
        [FromServices] AccountService accounts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await accounts.UpdateAsync(user, accountId, request, cancellationToken).ConfigureAwait(false));

    public static async Task<NoContent> DeleteAccount(string accountId, ClaimsPrincipal user, [FromServices] AccountService accounts,
        CancellationToken cancellationToken)
    {
        await accounts.DeleteAsync(user, accountId, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<AccountResponse>> ResetAccount(string accountId, ClaimsPrincipal user, [FromServices] AccountService accounts,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await accounts.ResetAsync(user, accountId, cancellationToken).ConfigureAwait(false));
}
