namespace MailGateway.Imap.Caching;

/// <summary>
/// Concurrent reads of cached messages in one mailbox share one freshness proof (single flight per account scope,
/// mailbox and UIDVALIDITY). A read joins only a proof that has not started yet, so the proof it gets began after the
/// read arrived: "never older than what another client saw committed before the request started" still holds. While
/// one proof runs, every read that arrives collects into the next one, which starts when the running one ends: one
/// command per round trip instead of one per read.
/// </summary>
internal sealed class FlagProofBatches
{
    /// <summary>Proves the given UIDs: flags of those that still exist.</summary>
    public delegate Task<IReadOnlyDictionary<uint, FlagEntry>> Prove(IReadOnlyCollection<uint> uids, CancellationToken cancellationToken);

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Scope, string Mailbox, uint UidValidity), Slot> _slots = [];
    private long _proofs;
    private long _reads;

    /// <summary>Proofs run (each one command on a selected connection).</summary>
    public long Proofs => Interlocked.Read(ref _proofs);

    /// <summary>Reads answered by a proof.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <returns>The message's current flags; null when it no longer exists.</returns>
    public async Task<FlagEntry?> ProveAsync(string scope, string mailbox, uint uidValidity, uint uid, Prove prove, CancellationToken cancellationToken)
    {
        var key = (scope, mailbox, uidValidity);
        while (true)
        {
            Batch batch;
            Task? leadAfter = null;
            lock (_lock)
            {
                if (!_slots.TryGetValue(key, out var slot)) _slots[key] = slot = new Slot();
                if (slot.Open is { } open) batch = open;
                else
                {
                    slot.Open = batch = new Batch();
                    leadAfter = slot.Running?.Done.Task ?? Task.CompletedTask;
                }
                batch.Uids.Add(uid);
            }
            if (leadAfter is not null) await RunAsync(key, batch, leadAfter, prove, cancellationToken).ConfigureAwait(false);
            try
            {
                var proven = await batch.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _reads);
                return proven.TryGetValue(uid, out var flags) ? flags : null;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The read that led the proof gave up (its request was cancelled): prove anew.
            }
        }
    }

    private async Task RunAsync((string, string, uint) key, Batch batch, Task previous, Prove prove, CancellationToken cancellationToken)
    {
        await Task.WhenAny(previous).ConfigureAwait(false);
        uint[] uids;
        lock (_lock)
        {
            var slot = _slots[key];
            if (ReferenceEquals(slot.Open, batch)) slot.Open = null;
            slot.Running = batch;
            uids = [.. batch.Uids];
        }
        IReadOnlyDictionary<uint, FlagEntry>? proven = null;
        Exception? failure = null;
        try
        {
            Interlocked.Increment(ref _proofs);
            proven = await prove(uids, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        // Clean up before the readers hear the outcome: the next proof starts as soon as they do (on another thread), and
        // may end and remove the slot; this batch's clean-up then found no slot and failed the read that led it.
        lock (_lock)
        {
            if (_slots.TryGetValue(key, out var slot))
            {
                if (ReferenceEquals(slot.Running, batch)) slot.Running = null;
                if (slot is { Running: null, Open: null }) _slots.Remove(key);
            }
        }
        if (proven is not null) batch.Done.TrySetResult(proven);
        else if (failure is OperationCanceledException) batch.Done.TrySetCanceled(cancellationToken);
        else batch.Done.TrySetException(failure ?? new InvalidOperationException("The proof answered nothing."));
    }

    private sealed class Slot
    {
        public Batch? Running;
        public Batch? Open;
    }

    private sealed class Batch
    {
        public readonly HashSet<uint> Uids = [];
        public readonly TaskCompletionSource<IReadOnlyDictionary<uint, FlagEntry>> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
