namespace MailGateway.Api.Events;

/// <summary>
/// Which accounts need a watcher. An account is watched (by exactly one instance in the cluster) while any
/// instance has demand for it: SignalR subscribers, GraphQL subscriptions, webhook subscriptions.
/// </summary>
public interface IWatchDemand
{
    /// <summary>Demand while the returned handle lives (a live subscriber). Dispose it when the subscriber leaves;
    /// with Redis the registration expires by itself if this instance dies.</summary>
    ValueTask<IAsyncDisposable> AcquireAsync(string accountId, string source, CancellationToken cancellationToken = default);

    /// <summary>Lasting demand that survives restarts (webhook subscriptions): set while the source wants events.</summary>
    Task SetPersistentDemandAsync(string accountId, string source, bool wanted, CancellationToken cancellationToken = default);

    /// <summary>Every account some instance wants watched.</summary>
    Task<IReadOnlySet<string>> GetDemandedAccountsAsync(CancellationToken cancellationToken = default);
}

/// <summary>Demand source names used by the features.</summary>
public static class WatchDemandSources
{
    public const string SignalR = "signalr";
    public const string GraphQL = "graphql";
    public const string Webhooks = "webhooks";
}
