using GraphQL;
using MailGateway.Api.Events;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.Subscriptions;

/// <summary>
/// Resolves <c>Subscription.mailEvents</c>: checks the account belongs to the caller, registers watch demand
/// (so some instance watches the account while anyone listens), and taps this instance's event hub.
/// </summary>
internal static class MailEventSubscription
{
    public static async Task<IObservable<MailEvent?>> SubscribeAsync(IResolveFieldContext context)
    {
        var caller = context.RequireMailRead();
        var accountId = context.GetArgument<string>("accountId");
        var types = context.GetArgument<List<string>?>("types");
        var account = await context.Service<IAccountAccess>().FindUsableAsync(caller, accountId, context.CancellationToken); // 409 when disabled
        var filter = types is { Count: > 0 } ? types.ToHashSet(StringComparer.Ordinal) : null;
        var logger = context.Service<ILoggerFactory>().CreateLogger(typeof(MailEventSubscription));
        var demand = await context.Service<IWatchDemand>().AcquireAsync(account.Id, WatchDemandSources.GraphQL, context.CancellationToken);
        GraphQLLog.SubscriptionStarted(logger, account.Id);
        return new DemandBoundStream(context.Service<GraphQLEventHub>().Watch(account.Id, filter), demand, logger);
    }

    /// <summary>Holds the watch demand for as long as the subscription lives.</summary>
    private sealed class DemandBoundStream(IObservable<MailEvent> inner, IAsyncDisposable demand, ILogger logger) : IObservable<MailEvent>
    {
        public IDisposable Subscribe(IObserver<MailEvent> observer) => new Subscription(inner.Subscribe(observer), demand, logger);

        private sealed class Subscription(IDisposable inner, IAsyncDisposable demand, ILogger logger) : IDisposable
        {
            private int _disposed;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
                inner.Dispose();
                _ = ReleaseAsync();
            }

            private async Task ReleaseAsync()
            {
                try
                {
                    await demand.DisposeAsync();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    GraphQLLog.DemandReleaseFailed(logger, e);
                }
            }
        }
    }
}
