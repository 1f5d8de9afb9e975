using System.Threading.Channels;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;

namespace MailGateway.Imap;

/// <summary>
/// One connected watch: catches up, then waits in IDLE (with NOTIFY when offered) and syncs whatever the
/// server reports. MailKit event handlers only write a <see cref="Signal"/> to a channel; every command
/// is issued by <see cref="RunAsync"/> on its own loop (MailKit's client is not re-entrant).
/// </summary>
internal sealed partial class WatchSession(
    ImapClient client,
    ImapAccount account,
    MailboxWatcherOptions options,
    Dictionary<string, MailboxState> state,
    ChannelWriter<MailboxChange> output,
    TimeProvider time,
    ILogger logger,
    Func<CancellationToken, Task<ExtraWatchConnection?>>? connectExtra = null,
    Caching.WatchedViews? views = null)
{
    private enum SignalKind { Mailbox, Changed, Vanished, List }

    private readonly record struct Signal(SignalKind Kind, string? Mailbox, IReadOnlyList<uint>? Uids, long Timestamp);

    private readonly Channel<Signal> _signals = Channel.CreateUnbounded<Signal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, IMailFolder> _folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<uint>> _pendingVanished = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    /// <summary>What MailKit held for each mailbox right after we last synced or listed it: a counter event that
    /// leaves these unchanged was caused by our own STATUS/SELECT, not by a change on the server.</summary>
    private readonly Dictionary<string, (uint UidValidity, uint UidNext, ulong HighestModSeq, int Count)> _lastSeen = new(StringComparer.Ordinal);
    private bool _listDirty;
    private bool _notify;
    private bool _condStore;
    private long _signalTimestamp;
    /// <summary>Set when this watch keeps cached views current (NOTIFY + CONDSTORE + QRESYNC only: then every change
    /// to every mailbox is announced, with expunges by UID).</summary>
    private Caching.WatchedViews? _views;

    /// <summary>True once the catch-up sync after login succeeded: only then does the watcher count the connection as up
    /// (a failure between login and this point keeps backing off instead of reconnecting at once).</summary>
    public bool Synced { get; private set; }

    /// <summary>The last connection failed on an answer MailKit refused to parse (issue 16 item 2): until the catch-up is
    /// done, summaries are listed with the safe request first (<see cref="FetchSummariesAsync"/>).</summary>
    public bool SafeSummaries { get; set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var caps = client.Capabilities;
        _condStore = caps.HasFlag(ImapCapabilities.CondStore) || caps.HasFlag(ImapCapabilities.QuickResync);
        client.FolderCreated += (_, _) => Post(new Signal(SignalKind.List, null, null, System.Diagnostics.Stopwatch.GetTimestamp()));

        var baseline = state.Count == 0;
        var current = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (baseline)
        {
            foreach (var (path, mailboxState) in current)
            {
                state[path] = mailboxState;
                await EmitAsync(new MailboxChange.Synced(path, mailboxState), cancellationToken).ConfigureAwait(false);
            }
        }

        _notify = options.UseNotify && caps.HasFlag(ImapCapabilities.Notify) && await TryNotifyAsync(cancellationToken).ConfigureAwait(false);
        _views = _notify && _condStore && client.Inbox.Supports(FolderFeature.QuickResync) ? views : null;

        // Catch-up: whatever changed while nobody watched (or since the last connection dropped). Connected is
        // announced after it, so an account that fails right after login is not announced as up again and again.
        await ApplyListAsync(current, cancellationToken).ConfigureAwait(false);
        await SyncDirtyAsync(current, cancellationToken).ConfigureAwait(false);
        Synced = true;
        SafeSummaries = false;
        Refusals.Synced();
        await EmitAsync(new MailboxChange.Connected(_notify), cancellationToken).ConfigureAwait(false);
        WatchLog.Connected(logger, account.Id, _notify ? "NOTIFY" : "IDLE+STATUS", current.Count);

        var sweepEvery = _notify ? options.PollInterval * 10 : options.PollInterval;
        var nextSweep = time.GetUtcNow() + sweepEvery;
        using var extras = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await StartIdleFoldersAsync(connectExtra, extras.Token).ConfigureAwait(false);
            await LoopAsync(sweepEvery, nextSweep, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await extras.CancelAsync().ConfigureAwait(false);
            await StopIdleFoldersAsync().ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(TimeSpan sweepEvery, DateTimeOffset nextSweep, CancellationToken cancellationToken)
    {
        var recheck = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = nextSweep - time.GetUtcNow();
            WatchLog.Step(logger, account.Id, "waiting " + wait);
            // Our own commands raise notifications too: after a sync that could not vouch for the views, look again
            // before idling (the next pass issues no command, so it can).
            if (wait > TimeSpan.Zero && !recheck) await WaitForChangesAsync(wait, cancellationToken).ConfigureAwait(false);
            var sequence = _views?.Feed.Sequence ?? 0;
            DrainSignals();
            WatchLog.Step(logger, account.Id, "woke: dirty " + string.Join(',', _dirty) + " list " + _listDirty);
            IReadOnlyDictionary<string, MailboxState>? listed = null;
            if (_listDirty || time.GetUtcNow() >= nextSweep)
            {
                _listDirty = false;
                listed = await ListAsync(cancellationToken).ConfigureAwait(false);
                await ApplyListAsync(listed, cancellationToken).ConfigureAwait(false);
                nextSweep = time.GetUtcNow() + sweepEvery;
            }
            await SyncDirtyAsync(listed, cancellationToken).ConfigureAwait(false);
            recheck = _views is { } views && !_listDirty && !views.Feed.MarkCurrent(sequence, state, _dirty);
        }
    }

    private async Task<bool> TryNotifyAsync(CancellationToken cancellationToken)
    {
        var messageEvents = new ImapEvent[]
        {
            new ImapEvent.MessageNew(MessageSummaryItems.UniqueId),
            ImapEvent.MessageExpunge,
            ImapEvent.FlagChange,
        };
        var personal = new List<ImapEvent>(messageEvents.Skip(1)) { ImapEvent.MailboxName, ImapEvent.SubscriptionChange };
        personal.Insert(0, new ImapEvent.MessageNew());
        var groups = new List<ImapEventGroup>
        {
            new(ImapMailboxFilter.Selected, messageEvents),
            new(ImapMailboxFilter.Personal, personal),
        };
        try
        {
            await client.NotifyAsync(false, groups, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ImapCommandException ex)
        {
            WatchLog.NotifyRefused(logger, account.Id, ex);
            return false;
        }
    }

    private void Post(Signal signal)
    {
        // At once, on the thread that read the notification: reads stop trusting the view before the sync starts.
        _views?.Feed.Invalidate(signal.Kind == SignalKind.List ? null : signal.Mailbox);
        _signals.Writer.TryWrite(signal);
    }

    private void Watch(IMailFolder folder)
    {
        if (_folders.TryGetValue(folder.FullName, out var known) && ReferenceEquals(known, folder)) return;
        _folders[folder.FullName] = folder;
        void Mark(object? sender) =>
            Post(new Signal(SignalKind.Mailbox, (sender as IMailFolder)?.FullName, null, System.Diagnostics.Stopwatch.GetTimestamp()));
        folder.CountChanged += (s, _) => Mark(s);
        folder.UidNextChanged += (s, _) => Mark(s);
        folder.UidValidityChanged += (s, _) => Mark(s);
        folder.HighestModSeqChanged += (s, _) => Mark(s);
        void Changed(object? sender) =>
            Post(new Signal(SignalKind.Changed, (sender as IMailFolder)?.FullName, null, System.Diagnostics.Stopwatch.GetTimestamp()));
        folder.MessageFlagsChanged += (s, _) => Changed(s);
        folder.MessageExpunged += (s, _) => Changed(s);
        folder.MessagesVanished += (s, e) => Post(new Signal(SignalKind.Vanished, (s as IMailFolder)?.FullName,
            e.UniqueIds.Select(u => u.Id).ToList(), System.Diagnostics.Stopwatch.GetTimestamp()));
        folder.Deleted += (_, _) => Post(new Signal(SignalKind.List, null, null, System.Diagnostics.Stopwatch.GetTimestamp()));
        folder.Renamed += (_, _) => Post(new Signal(SignalKind.List, null, null, System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    private void DrainSignals()
    {
        while (_signals.Reader.TryRead(out var signal))
        {
            if (_signalTimestamp == 0 || signal.Timestamp < _signalTimestamp) _signalTimestamp = signal.Timestamp;
            switch (signal.Kind)
            {
                case SignalKind.List:
                    _listDirty = true;
                    break;
                case SignalKind.Vanished when signal.Mailbox is not null:
                    if (!_pendingVanished.TryGetValue(signal.Mailbox, out var set)) _pendingVanished[signal.Mailbox] = set = [];
                    set.UnionWith(signal.Uids ?? []);
                    _dirty.Add(signal.Mailbox);
                    break;
                case SignalKind.Changed when signal.Mailbox is not null:
                    _dirty.Add(signal.Mailbox);
                    break;
                case SignalKind.Mailbox when signal.Mailbox is not null:
                    if (!_folders.TryGetValue(signal.Mailbox, out var folder) || !_lastSeen.TryGetValue(signal.Mailbox, out var seen) || seen != Snapshot(folder))
                        _dirty.Add(signal.Mailbox);
                    break;
                default:
                    _listDirty = true;
                    break;
            }
        }
    }

    private static (uint, uint, ulong, int) Snapshot(IMailFolder folder) =>
        (folder.UidValidity, folder.UidNext?.Id ?? 0, folder.HighestModSeq, folder.Count);

    private void Seen(IMailFolder folder) => _lastSeen[folder.FullName] = Snapshot(folder);

    private ValueTask EmitAsync(MailboxChange change, CancellationToken cancellationToken)
    {
        if (_signalTimestamp != 0) change = change with { ObservedTimestamp = _signalTimestamp };
        return output.WriteAsync(change, cancellationToken);
    }
}
