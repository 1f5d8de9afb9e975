using MailGateway.Api.Cluster;
using MailGateway.Imap;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Events;

/// <summary>Runs the watch of one account: turns every <see cref="MailboxChange"/> into events, publishes
/// them, and only then persists the new sync state (a crash in between repeats the events with the same
/// ids, which the publisher drops: nothing is lost, nothing is announced twice).</summary>
internal sealed class AccountWatchRunner(
    IAccountStore accounts,
    ISyncStateStore syncState,
    IMailboxWatcher watcher,
    IMailEventPublisher publisher,
    WatchConnections connections,
    EventsTelemetry telemetry,
    IOptions<EventsOptions> options,
    TimeProvider time)
{
    public async Task RunAsync(string accountId, CancellationToken cancellationToken)
    {
        try { await WatchAsync(accountId, cancellationToken).ConfigureAwait(false); }
        finally { connections.Forget(accountId); }
    }

    private async Task WatchAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        while (account is { Disabled: false } && !cancellationToken.IsCancellationRequested)
        {
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var monitor = MonitorAsync(account, watch);
            try
            {
                var known = await syncState.GetAsync(accountId, watch.Token).ConfigureAwait(false);
                EventBatch? batch = null;
                await foreach (var change in watcher.WatchAsync(account.ToImapAccount(), known, watch.Token).ConfigureAwait(false))
                {
                    EventBatch.Current = batch = EventBatch.Next(batch, change is MailboxChange.Synced, time);
                    await HandleAsync(accountId, change, watch.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (watch.IsCancellationRequested) { }
            finally
            {
                await watch.CancelAsync().ConfigureAwait(false);
            }
            // The account changed (credentials, server, disabled) or was removed: watch it as it is now, or stop.
            account = await monitor.ConfigureAwait(false);
            if (account is null && !cancellationToken.IsCancellationRequested)
                await syncState.ClearAsync(accountId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Re-reads the account every <c>Events:AccountCheckInterval</c>; stops the watch when it changed and
    /// answers the account as it is now (null when removed).</summary>
    private async Task<Account?> MonitorAsync(Account watched, CancellationTokenSource watch)
    {
        var current = watched;
        try
        {
            using var timer = new PeriodicTimer(options.Value.AccountCheckInterval, time);
            while (await timer.WaitForNextTickAsync(watch.Token).ConfigureAwait(false))
            {
                Account? now;
                try { now = await accounts.GetAsync(watched.Id, watch.Token).ConfigureAwait(false); }
                catch (Exception ex) when (ex is not OperationCanceledException) { continue; } // store briefly away: keep watching
                if (now is not null && !now.Disabled && now.ToImapAccount() == watched.ToImapAccount()) continue;
                current = now;
                await watch.CancelAsync().ConfigureAwait(false);
                break;
            }
        }
        catch (OperationCanceledException) { }
        return current;
    }

    private async Task HandleAsync(string accountId, MailboxChange change, CancellationToken cancellationToken)
    {
        if (change is MailboxChange.Synced synced)
        {
            await syncState.SetAsync(accountId, synced.Mailbox, synced.State, cancellationToken).ConfigureAwait(false);
            return;
        }
        foreach (var mailEvent in MailEventFactory.Create(accountId, change, time.GetUtcNow()))
        {
            await publisher.PublishAsync(mailEvent, cancellationToken).ConfigureAwait(false);
            telemetry.PushLatency(change.ObservedTimestamp, mailEvent.Type);
        }
        switch (change)
        {
            case MailboxChange.Connected:
                connections.Set(accountId, true);
                break;
            case MailboxChange.Disconnected or MailboxChange.AuthFailed:
                connections.Set(accountId, false);
                break;
            case MailboxChange.MailboxDeleted deleted:
                await syncState.RemoveAsync(accountId, deleted.Mailbox, cancellationToken).ConfigureAwait(false);
                break;
            case MailboxChange.MailboxRenamed renamed:
                await syncState.RemoveAsync(accountId, renamed.OldMailbox, cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
