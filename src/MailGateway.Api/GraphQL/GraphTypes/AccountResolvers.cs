using GraphQL;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>
/// Account fields and mutations call the very handlers of the REST accounts API (verification, encryption,
/// pool reset and logging live there once) and turn their problem answers into GraphQL errors with the same code.
/// </summary>
internal static class AccountResolvers
{
    public static async Task<IEnumerable<AccountResponse>?> ListAsync(IResolveFieldContext context)
    {
        context.RequireMailRead();
        var result = await AccountsApi.ListAccounts(context.User!, Services(context), context.CancellationToken);
        return result.Value!.Items;
    }

    public static async Task<AccountResponse?> GetAsync(IResolveFieldContext context, string accountId)
    {
        context.RequireMailRead();
        return Unwrap(await AccountsApi.GetAccount(accountId, context.User!, Services(context), context.CancellationToken));
    }

    public static async Task<AccountResponse?> AddAsync(IResolveFieldContext context, CreateAccountRequest request)
    {
        context.RequireMailWrite();
        var response = new DefaultHttpContext().Response;
        return Unwrap(await AccountsApi.CreateAccount(request, context.User!, response, Services(context), context.CancellationToken), response);
    }

    public static async Task<AccountResponse?> UpdateAsync(IResolveFieldContext context, string accountId, UpdateAccountRequest request)
    {
        context.RequireMailWrite();
        var response = new DefaultHttpContext().Response;
        return Unwrap(await AccountsApi.UpdateAccount(accountId, request, context.User!, response, Services(context), context.CancellationToken), response);
    }

    public static async Task<bool> RemoveAsync(IResolveFieldContext context, string accountId)
    {
        context.RequireMailWrite();
        var result = await AccountsApi.DeleteAccount(accountId, context.User!, Services(context), context.CancellationToken);
        return result.Result is ProblemHttpResult problem ? throw ToError(problem, null) : true;
    }

    private static AccountResponse? Unwrap<TOk>(Results<TOk, ProblemHttpResult> result, HttpResponse? response = null)
        where TOk : IResult, IValueHttpResult<AccountResponse> =>
        result.Result is ProblemHttpResult problem ? throw ToError(problem, response) : ((IValueHttpResult<AccountResponse>)result.Result).Value;

    /// <summary>A REST problem as a GraphQL error: same code, its detail as the message, field errors and Retry-After as extensions.</summary>
    public static ExecutionError ToError(ProblemHttpResult problem, HttpResponse? response)
    {
        var details = problem.ProblemDetails;
        var code = details.Extensions.TryGetValue("code", out var c) ? c?.ToString() : null;
        var error = GraphQLErrors.Create(code ?? GraphQLErrors.ValidationFailed, details.Detail ?? details.Title ?? "The request failed.");
        if (details.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> fields)
            error.AddExtension("errors", fields.ToDictionary(e => e.Key, e => (object?)e.Value));
        if (response?.Headers.RetryAfter is { Count: > 0 } retryAfter && int.TryParse(retryAfter.ToString(), out var seconds))
            error.AddExtension("retryAfter", seconds);
        return error;
    }

    private static AccountsApi.AccountServices Services(IResolveFieldContext context) => new()
    {
        Store = context.Service<IAccountStore>(),
        Access = context.Service<IAccountAccess>(),
        Pool = context.Service<IImapSessionPool>(),
        Protector = context.Service<CredentialProtector>(),
        Pending = context.Service<PendingCredentials>(),
        SecurityLog = context.Service<ISecurityLogStore>(),
        Time = context.Service<TimeProvider>(),
        Logger = context.Service<ILogger<Account>>(),
    };
}
