using GraphQL;
using MailGateway.Api.Accounts;

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
        return RestResults.Value<AccountListResponse>(await AccountsApi.ListAccounts(context.User!, Services(context), context.CancellationToken)).Items;
    }

    public static async Task<AccountResponse?> GetAsync(IResolveFieldContext context, string accountId)
    {
        context.RequireMailRead();
        return RestResults.Value<AccountResponse>((await AccountsApi.GetAccount(accountId, context.User!, Services(context), context.CancellationToken)).Result);
    }

    public static async Task<AccountResponse?> AddAsync(IResolveFieldContext context, CreateAccountRequest request)
    {
        context.RequireAccountWrite();
        var response = Response(context);
        return RestResults.Value<AccountResponse>((await AccountsApi.CreateAccount(request, context.User!, response, Services(context), context.CancellationToken)).Result, response);
    }

    public static async Task<AccountResponse?> UpdateAsync(IResolveFieldContext context, string accountId, UpdateAccountRequest request)
    {
        context.RequireAccountWrite();
        var response = Response(context);
        return RestResults.Value<AccountResponse>((await AccountsApi.UpdateAccount(accountId, request, context.User!, response, Services(context), context.CancellationToken)).Result, response);
    }

    public static async Task<bool> RemoveAsync(IResolveFieldContext context, string accountId)
    {
        context.RequireAccountWrite();
        RestResults.Success((await AccountsApi.DeleteAccount(accountId, context.User!, Services(context), context.CancellationToken)).Result);
        return true;
    }

    // The REST handlers read request services from the response's context (SMTP settings need them).
    private static HttpResponse Response(IResolveFieldContext context) =>
        new DefaultHttpContext { RequestServices = context.RequestServices! }.Response;

    private static AccountsApi.AccountServices Services(IResolveFieldContext context) =>
        AccountsApi.AccountServices.From(context.RequestServices!);
}
