using System.Collections.Concurrent;

namespace MailGateway.Imap.Session;

/// <summary>
/// Fallback delta sync for servers without CONDSTORE/QRESYNC. Every GetState/GetChanges takes a snapshot of the
/// mailbox (UID FETCH 1:* (UID FLAGS)) and answers a state whose <see cref="MailboxState.HighestModSeq"/> is the
/// snapshot's id. A later GetChanges compares UID sets (created, destroyed) and flag sets (updated) with that
/// snapshot, so updates are detected too. Snapshots live in this instance's memory (the newest
/// <see cref="Capacity"/>): a state whose snapshot is gone (restart, other instance, too old) answers
/// <see cref="CannotCalculateChangesException"/> and the client synchronizes from scratch. States taken from a
/// message list on such a server carry mod-sequence 0 and cannot be used for changes.
/// </summary>
internal sealed class SyncSnapshots
{
    public const int Capacity = 1000;

    private readonly ConcurrentDictionary<ulong, Snapshot> _byId = new();
    private readonly ConcurrentQueue<ulong> _order = new();
    private long _nextId;

    public sealed record Snapshot(string AccountId, string Mailbox, uint UidValidity, IReadOnlyDictionary<uint, string> Flags);

    public ulong Add(Snapshot snapshot)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        _byId[id] = snapshot;
        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var old)) _byId.TryRemove(old, out _);
        return id;
    }

    public Snapshot? Get(ulong id) => _byId.GetValueOrDefault(id);
}
