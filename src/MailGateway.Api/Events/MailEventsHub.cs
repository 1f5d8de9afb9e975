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
/// One group per account; subscribing registers watch demand, which ends when the client unsubscribes or leaves.
/// </summary>
[Authorize]
internal sealed class MailEventsHub(IAccountAccess access, GatewayAuthorization authorization, HubSubscriptions subscriptions,
    ILogger<MailEventsHub> logger) : Hub<IMailEventsClient>
{
    public static string GroupName(string accountId) => "account:" + accountId;

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
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(account.Id), Context.ConnectionAborted).ConfigureAwait(false);
        await subscriptions.AddAsync(Context.ConnectionId, account.Id, Context.ConnectionAborted).ConfigureAwait(false);
    }

    public async Task Unsubscribe(string accountId)
    {
        if (string.IsNullOrEmpty(accountId)) return;
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(accountId), Context.ConnectionAborted).ConfigureAwait(false);
        await subscriptions.RemoveAsync(Context.ConnectionId, accountId).ConfigureAwait(false);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => subscriptions.RemoveAllAsync(Context.ConnectionId);
}

/// <summary>The watch demand held by each SignalR connection, per account.</summary>
internal sealed class HubSubscriptions(IWatchDemand demand)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IAsyncDisposable>> _connections = new(StringComparer.Ordinal);

    public async Task AddAsync(string connectionId, string accountId, CancellationToken cancellationToken)
    {
        var accounts = _connections.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal));
        if (accounts.ContainsKey(accountId)) return;
        var lease = await demand.AcquireAsync(accountId, WatchDemandSources.SignalR, cancellationToken).ConfigureAwait(false);
        if (!accounts.TryAdd(accountId, lease)) await lease.DisposeAsync().ConfigureAwait(false);
    }

    public async Task RemoveAsync(string connectionId, string accountId)
    {
        if (_connections.TryGetValue(connectionId, out var accounts) && accounts.TryRemove(accountId, out var lease))
            await lease.DisposeAsync().ConfigureAwait(false);
    }

    public async Task RemoveAllAsync(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var accounts)) return;
        foreach (var lease in accounts.Values) await lease.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// Sends each event to the account's SignalR group. Registered as a <see cref="EventDelivery.Once"/> sink on
/// purpose: only the publishing instance sends, and with Redis configured the SignalR Redis backplane carries
/// that one group send to the group's connections on every instance. Had every instance sent from the Redis
/// Stream as well, a client would get the event once per instance; without the backplane, clients of other
/// instances would get nothing. So: one send, through the backplane = exactly once per connected client.
/// </summary>
internal sealed class SignalRMailEventSink(IHubContext<MailEventsHub, IMailEventsClient> hub) : IMailEventSink
{
    public EventDelivery Delivery => EventDelivery.Once;

    public ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default) =>
        new(hub.Clients.Group(MailEventsHub.GroupName(mailEvent.AccountId)).mailEvent(mailEvent));
}
