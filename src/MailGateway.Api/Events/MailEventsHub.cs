using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Events;

/// <summary>What the server calls on SignalR clients. The method name is the wire name (<c>mailEvent</c>).</summary>
public interface IMailEventsClient
{
#pragma warning disable IDE1006 // the hub method names on the wire are camelCase (README, SignalR)
    Task mailEvent(MailEvent mailEvent);
#pragma warning restore IDE1006
}

/// <summary>
/// <c>/hubs/mail</c>: a client subscribes to its own accounts and receives <c>mailEvent(event)</c> for each.
/// Subscribing registers the connection with <see cref="HubSubscriptions"/> (and watch demand, which ends when the client
/// unsubscribes or leaves); <see cref="SignalRMailEventSink"/> sends to the connections registered for the event's account.
/// </summary>
[Authorize]
internal sealed class MailEventsHub(IAccountAccess access, GatewayAuthorization authorization, HubSubscriptions subscriptions,
    ILogger<MailEventsHub> logger) : Hub<IMailEventsClient>
{
    public async Task Subscribe(string accountId)
    {
        var caller = Caller.From(Context.User!);
        // Mail.Read is granted by Mail.ReadWrite too; the policy adds the MFA rules, as on REST and GraphQL.
        var account = string.IsNullOrEmpty(accountId) || !await authorization.AllowsAsync(Context.User!, Permissions.MailRead).ConfigureAwait(false)
            ? null
            : await access.FindAsync(caller, accountId, Context.ConnectionAborted).ConfigureAwait(false);
        if (account is null)
        {
            EventsLog.SubscribeRefused(logger, Context.ConnectionId);
            // Same answer for "does not exist" and "not yours": nothing leaks.
            throw new HubException(MailApiException.AccountNotFound().Error.CodedMessage);
        }
        if (account.Disabled)
            throw MailApiException.AccountDisabled(); // a disabled account serves nothing, events included (as on GraphQL)
        await subscriptions.AddAsync(Context.ConnectionId, account.Id, Context.ConnectionAborted).ConfigureAwait(false);
    }

    public async Task Unsubscribe(string accountId)
    {
        if (string.IsNullOrEmpty(accountId)) return;
        await subscriptions.RemoveAsync(Context.ConnectionId, accountId).ConfigureAwait(false);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => subscriptions.RemoveAllAsync(Context.ConnectionId);
}

/// <summary>The accounts each SignalR connection of this instance subscribed to (with the watch demand it holds), and
/// the other way round.</summary>
internal sealed class HubSubscriptions(IWatchDemand demand)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IAsyncDisposable>> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byAccount = new(StringComparer.Ordinal);

    /// <summary>This instance's connections subscribed to <paramref name="accountId"/>.</summary>
    public IEnumerable<string> ConnectionsOf(string accountId) =>
        _byAccount.TryGetValue(accountId, out var connections) ? connections.Keys : [];

    public async Task AddAsync(string connectionId, string accountId, CancellationToken cancellationToken)
    {
        var accounts = _connections.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal));
        if (accounts.ContainsKey(accountId)) return;
        var lease = await demand.AcquireAsync(accountId, WatchDemandSources.SignalR, cancellationToken).ConfigureAwait(false);
        if (!accounts.TryAdd(accountId, lease)) await lease.DisposeAsync().ConfigureAwait(false);
        else _byAccount.GetOrAdd(accountId, _ => new(StringComparer.Ordinal))[connectionId] = 0;
    }

    public async Task RemoveAsync(string connectionId, string accountId)
    {
        if (_connections.TryGetValue(connectionId, out var accounts) && accounts.TryRemove(accountId, out var lease))
        {
            Forget(connectionId, accountId);
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task RemoveAllAsync(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var accounts)) return;
        foreach (var (accountId, lease) in accounts)
        {
            Forget(connectionId, accountId);
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The (then empty) set of an account stays: one per account, and no race with a connection being added to it.
    private void Forget(string connectionId, string accountId)
    {
        if (_byAccount.TryGetValue(accountId, out var connections)) connections.TryRemove(connectionId, out _);
    }
}

/// <summary>
/// Sends each event to this instance's connections subscribed to its account. An <see cref="EventDelivery.EveryInstance"/>
/// sink: every instance gets each event once from the Redis Stream (durable: a reader catches up after Redis was away)
/// and writes it to its own connections only (a send to a local connection does not go through the backplane), so a
/// client gets it exactly once. A group send through the SignalR Redis backplane (pub/sub, nothing kept) lost the
/// events published while the backplane was reconnecting after a Redis restart or freeze (the soak run saw 9 of 1,073).
/// </summary>
internal sealed class SignalRMailEventSink(IHubContext<MailEventsHub, IMailEventsClient> hub, HubSubscriptions subscriptions) : IMailEventSink
{
    public EventDelivery Delivery => EventDelivery.EveryInstance;

    public async ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(subscriptions.ConnectionsOf(mailEvent.AccountId).Select(id => hub.Clients.Client(id).mailEvent(mailEvent))).ConfigureAwait(false);
}
