using MailGateway.Api.Accounts;
using MailGateway.Imap;

namespace MailGateway.Api.Events;

/// <summary>Runs the watch of one account: turns every <see cref="MailboxChange"/> into events, publishes
/// them, and only then persists the new sync state (a crash in between repeats the events with the same
/// ids, which the publisher drops: nothing is lost, nothing is announced twice).</summary>
internal sealed class AccountWatchRunner(
    IAccountStore accounts,
    ISyncStateStore syncState,
    IMailboxWatcher watcher,
    IMailEventPublisher publisher,
    EventsTelemetry telemetry,
    TimeProvider time)
{
    public async Task RunAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null || account.Disabled) return;
        var known = await syncState.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var change in watcher.WatchAsync(account.ToImapAccount(), known, cancellationToken).ConfigureAwait(false))
                await HandleAsync(accountId, change, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
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
            case MailboxChange.MailboxDeleted deleted:
                await syncState.RemoveAsync(accountId, deleted.Mailbox, cancellationToken).ConfigureAwait(false);
                break;
            case MailboxChange.MailboxRenamed renamed:
                await syncState.RemoveAsync(accountId, renamed.OldMailbox, cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
