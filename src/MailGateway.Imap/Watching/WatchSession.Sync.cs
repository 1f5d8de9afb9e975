using MailGateway.Imap.Pooling;
using MailGateway.Imap.Mime;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap;

internal sealed partial class WatchSession
{
    private const int AddedBatchSize = 50;

    /// <summary>UIDs 1 to <paramref name="uidNext"/>-1 spelled out (at least 1:1).</summary>
    private static UniqueIdRange KnownRange(uint uidValidity, uint uidNext) => new(uidValidity, 1, Math.Max(1, uidNext - 1));

    private StatusItems StatusItemsWanted =>
        StatusItems.Count | StatusItems.UidNext | StatusItems.UidValidity | (_condStore ? StatusItems.HighestModSeq : StatusItems.None);

    /// <summary>LIST (with LIST-STATUS where offered) of every selectable personal mailbox and its state.</summary>
    private async Task<IReadOnlyDictionary<string, MailboxState>> ListAsync(CancellationToken cancellationToken)
    {
        var ns = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
        var folders = await client.GetFoldersAsync(ns, StatusItemsWanted, false, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, MailboxState>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if ((folder.Attributes & (FolderAttributes.NonExistent | FolderAttributes.NoSelect)) != 0) continue;
            Watch(folder);
            Seen(folder);
            result[folder.FullName] = StateOf(folder);
        }
        if (!result.ContainsKey(client.Inbox.FullName))
        {
            await client.Inbox.StatusAsync(StatusItemsWanted, cancellationToken).ConfigureAwait(false);
            Watch(client.Inbox);
            Seen(client.Inbox);
            result[client.Inbox.FullName] = StateOf(client.Inbox);
        }
        foreach (var gone in _folders.Keys.Where(k => !result.ContainsKey(k)).ToList())
        {
            _folders.Remove(gone);
            _lastSeen.Remove(gone);
        }
        return result;
    }

    private static MailboxState StateOf(IMailFolder folder) => new(folder.UidValidity, folder.UidNext?.Id ?? 0, folder.HighestModSeq);

    /// <summary>Reports created, renamed and deleted mailboxes, and marks every mailbox whose state moved.</summary>
    private async Task ApplyListAsync(IReadOnlyDictionary<string, MailboxState> current, CancellationToken cancellationToken)
    {
        var diff = MailboxListDiff.Compute(state, current);
        foreach (var (oldPath, newPath) in diff.Renamed)
        {
            var carried = state[oldPath];
            state.Remove(oldPath);
            _pendingVanished.Remove(oldPath);
            state[newPath] = carried;
            await EmitAsync(new MailboxChange.MailboxRenamed(oldPath, newPath, current[newPath]), cancellationToken).ConfigureAwait(false);
            await EmitAsync(new MailboxChange.Synced(newPath, carried), cancellationToken).ConfigureAwait(false);
        }
        foreach (var path in diff.Deleted)
        {
            var uidValidity = state[path].UidValidity;
            state.Remove(path);
            _pendingVanished.Remove(path);
            _dirty.Remove(path);
            await EmitAsync(new MailboxChange.MailboxDeleted(path, uidValidity), cancellationToken).ConfigureAwait(false);
        }
        foreach (var path in diff.Created)
        {
            state[path] = current[path];
            await EmitAsync(new MailboxChange.MailboxCreated(path, current[path]), cancellationToken).ConfigureAwait(false);
            await EmitAsync(new MailboxChange.Synced(path, current[path]), cancellationToken).ConfigureAwait(false);
        }
        foreach (var (path, now) in current)
        {
            if (state.TryGetValue(path, out var known) && known != now) _dirty.Add(path);
        }
    }

    private async Task SyncDirtyAsync(IReadOnlyDictionary<string, MailboxState>? listed, CancellationToken cancellationToken)
    {
        var inbox = client.Inbox.FullName;
        var order = _dirty.OrderBy(p => p == inbox ? 0 : 1).ThenBy(p => p, StringComparer.Ordinal).ToList();
        _dirty.Clear();
        foreach (var path in order)
        {
            MailboxState? now = listed is not null && listed.TryGetValue(path, out var s) ? s : null;
            try
            {
                await SyncMailboxAsync(path, now, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FolderNotFoundException or ImapCommandException { Response: ImapCommandResponse.No })
            {
                if (!await ReportIfGoneAsync(path, cancellationToken).ConfigureAwait(false)) throw;
            }
        }
        _signalTimestamp = 0;
    }

    /// <summary>Reports what changed in one mailbox since its known state, then a <see cref="MailboxChange.Synced"/> checkpoint.</summary>
    private async Task SyncMailboxAsync(string path, MailboxState? listed, CancellationToken cancellationToken)
    {
        if (!_folders.TryGetValue(path, out var folder) || !state.TryGetValue(path, out var known))
        {
            _listDirty = true;
            return;
        }
        if (listed is null && !_pendingVanished.ContainsKey(path) && CanSyncSelected(folder, known))
        {
            // The mailbox IDLE runs on: an EXISTS or FETCH there is caught up with one UID FETCH, not
            // UNSELECT + STATUS + EXAMINE + FETCH. Expunges take the STATUS path below: VANISHED carries no
            // mod-sequence, so only STATUS moves the checkpoint past them (else the next sync reports them again).
            var selected = await FetchSelectedAsync(folder, known, cancellationToken).ConfigureAwait(false);
            if (!_pendingVanished.ContainsKey(path))
            {
                await ReportAsync(path, folder, known, known, selected, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        MailboxState now;
        if (listed is { } l) now = l;
        else
        {
            // STATUS of the selected mailbox may answer from the session's (older) view: leave it first.
            if (folder.IsOpen) await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
            try { await folder.StatusAsync(StatusItemsWanted, cancellationToken).ConfigureAwait(false); }
            catch (FolderNotFoundException) { _listDirty = true; return; }
            now = StateOf(folder);
        }

        if (now.UidValidity != known.UidValidity)
        {
            _pendingVanished.Remove(path);
            state[path] = now;
            Seen(folder);
            await EmitAsync(new MailboxChange.UidValidityChanged(path, known.UidValidity, now), cancellationToken).ConfigureAwait(false);
            await EmitAsync(new MailboxChange.Synced(path, now), cancellationToken).ConfigureAwait(false);
            return;
        }

        var needNew = now.UidNext > known.UidNext;
        var needFlags = _condStore && now.HighestModSeq > known.HighestModSeq;
        if (!needNew && !needFlags && !_pendingVanished.ContainsKey(path))
        {
            Seen(folder);
            return;
        }

        if (!folder.IsOpen) await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var delta = await FetchDeltaAsync(folder, known, now, needFlags, needNew, cancellationToken).ConfigureAwait(false);
        await ReportAsync(path, folder, known, now, delta, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Emits the flag changes, arrivals and expunges of one sync, then the checkpoint.</summary>
    private async Task ReportAsync(string path, IMailFolder folder, MailboxState known, MailboxState now, Delta delta, CancellationToken cancellationToken)
    {
        var maxModSeq = now.HighestModSeq;
        var nextUid = Math.Max(now.UidNext, known.UidNext);
        IReadOnlySet<uint> removed = new HashSet<uint>();
        var flagChanges = new List<Caching.FlagChange>();
        foreach (var c in delta.Changed.Where(c => c.UniqueId.IsValid && c.UniqueId.Id < known.UidNext).OrderBy(c => c.UniqueId.Id))
        {
            var modSeq = c.ModSeq ?? now.HighestModSeq;
            maxModSeq = Math.Max(maxModSeq, modSeq);
            var flags = SummaryMapper.Flags(c.Flags, c.Keywords);
            flagChanges.Add(new(c.UniqueId.Id, flags, modSeq));
            await EmitAsync(new MailboxChange.FlagsChanged(path, now.UidValidity, c.UniqueId.Id, flags, modSeq), cancellationToken).ConfigureAwait(false);
        }

        var (fetched, stoppedAt) = await CompleteArrivalsAsync(folder, now.UidValidity, known.UidNext, delta.New, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<MessageSummary> added = [];
        if (fetched.Count > 0)
        {
            var previews = await SummaryPreviews.ComputeAsync(client, folder, fetched, cancellationToken).ConfigureAwait(false);
            added = fetched.Select(f =>
            {
                var summary = SummaryMapper.ToSummary(f, path, now.UidValidity, previews.GetValueOrDefault(f.UniqueId.Id));
                // Without a body structure the message's answer was refused (only the safe request could summarise it).
                return f.Body is null ? summary with { Unparsable = true } : summary;
            }).ToList();
            foreach (var chunk in added.Chunk(AddedBatchSize))
                await EmitAsync(new MailboxChange.MessagesAdded(path, now.UidValidity, chunk), cancellationToken).ConfigureAwait(false);
            nextUid = Math.Max(nextUid, added[^1].Uid + 1);
            maxModSeq = Math.Max(maxModSeq, added.Max(a => a.ModSeq));
        }

        var vanishedCount = 0;
        if (_pendingVanished.Remove(path, out var vanished))
        {
            removed = vanished;
            // Only what was announced before can vanish for a client: UIDs at or above the old UIDNEXT never were.
            var gone = vanished.Where(u => u < known.UidNext).Order().ToList();
            vanishedCount = gone.Count;
            if (gone.Count > 0)
                await EmitAsync(new MailboxChange.MessagesExpunged(path, now.UidValidity, gone), cancellationToken).ConfigureAwait(false);
        }

        Seen(folder);
        // Stopped before an arrival that could not be fetched whole: neither UIDNEXT nor HIGHESTMODSEQ may pass it.
        var synced = stoppedAt is { } stop
            ? new MailboxState(now.UidValidity, stop, known.HighestModSeq)
            : new MailboxState(now.UidValidity, nextUid, Math.Max(maxModSeq, delta.ServerModSeq));
        state[path] = synced;
        _views?.Apply(path, known, synced, added, flagChanges, removed);
        await EmitAsync(new MailboxChange.Synced(path, synced), cancellationToken).ConfigureAwait(false);
        WatchLog.MailboxSynced(logger, account.Id, path, added.Count, flagChanges.Count, vanishedCount);
    }

    /// <summary>IDLE on INBOX until a signal arrives, <paramref name="maxWait"/> passes or IDLE must be renewed.
    /// The done token ends IDLE politely (DONE); the cancellation token only aborts.</summary>
    private async Task WaitForChangesAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (_signals.Reader.TryPeek(out _)) return;
        var inbox = client.Inbox;
        if (!inbox.IsOpen) await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (_signals.Reader.TryPeek(out _)) return;

        using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = _signals.Reader.WaitToReadAsync(waitCts.Token).AsTask();
        try
        {
            if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                // A watch that vouches for cached views must be heard from regularly (see ReadCacheOptions.WatchMaxSilence).
                var restart = _views is { } v && v.RenewEvery < options.IdleRestart ? v.RenewEvery : options.IdleRestart;
                using var done = new CancellationTokenSource(maxWait < restart ? maxWait : restart, time);
                using var stop = cancellationToken.Register(done.Cancel);
                using var waiting = StreamTimeouts.SuspendReadTimeout(client); // IDLE waits for the server on purpose
                var idle = client.IdleAsync(done.Token, cancellationToken);
                if (await Task.WhenAny(idle, signal).ConfigureAwait(false) == signal) await done.CancelAsync().ConfigureAwait(false);
                await idle.ConfigureAwait(false);
            }
            else
            {
                var poll = maxWait < TimeSpan.FromSeconds(5) ? maxWait : TimeSpan.FromSeconds(5);
                await Task.WhenAny(Task.Delay(poll, time, cancellationToken), signal).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await client.NoOpAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await waitCts.CancelAsync().ConfigureAwait(false);
            try { await signal.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }
}
