using GraphQL;
using MailGateway.Api.Accounts;
using MailGateway.Api.Events;

namespace MailGateway.Api.GraphQL.Subscriptions;

/// <summary>Resolves <c>Subscription.mailEvents</c>: checks the account belongs to the caller, then taps the event hub.</summary>
internal static class MailEventSubscription
{
    public static async Task<IObservable<MailEvent?>> SubscribeAsync(IResolveFieldContext context)
    {
        var caller = context.RequireMailRead();
        var accountId = context.GetArgument<string>("accountId");
        var types = context.GetArgument<List<string>?>("types");
        var account = await context.Service<IAccountAccess>().FindAsync(caller, accountId, context.CancellationToken)
            ?? throw GraphQLErrors.AccountNotFoundError();
        var filter = types is { Count: > 0 } ? types.ToHashSet(StringComparer.Ordinal) : null;
        GraphQLLog.SubscriptionStarted(context.Service<ILoggerFactory>().CreateLogger(typeof(MailEventSubscription)), account.Id);
        return context.Service<GraphQLEventHub>().Watch(account.Id, filter);
    }
}
