using GraphQL;
using MailGateway.Api.Accounts;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Account fields and mutations: <see cref="AccountService"/>, the one the REST accounts API calls (verification,
/// encryption, pool reset and logging live there once); its refusals become GraphQL errors with the same code.</summary>
internal static class AccountResolvers
{
    public static async Task<IEnumerable<AccountResponse>?> ListAsync(IResolveFieldContext context)
    {
        context.RequireMailRead();
        return await Accounts(context).ListAsync(context.User!, context.CancellationToken).ConfigureAwait(false);
    }

    public static async Task<AccountResponse?> GetAsync(IResolveFieldContext context, string accountId)
    {
        context.RequireMailRead();
        return await Accounts(context).GetAsync(context.User!, accountId, context.CancellationToken).ConfigureAwait(false);
    }

    public static async Task<AccountResponse?> AddAsync(IResolveFieldContext context, CreateAccountRequest request)
    {
        context.RequireAccountWrite();
        return await Accounts(context).CreateAsync(context.User!, request, context.CancellationToken).ConfigureAwait(false);
    }

    public static async Task<AccountResponse?> UpdateAsync(IResolveFieldContext context, string accountId, UpdateAccountRequest request)
    {
        context.RequireAccountWrite();
        return await Accounts(context).UpdateAsync(context.User!, accountId, request, context.CancellationToken).ConfigureAwait(false);
    }

    public static async Task<bool> RemoveAsync(IResolveFieldContext context, string accountId)
    {
        context.RequireAccountWrite();
        await Accounts(context).DeleteAsync(context.User!, accountId, context.CancellationToken).ConfigureAwait(false);
        return true;
    }

    private static AccountService Accounts(IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<AccountService>();
}
