using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MailGateway.Imap.Caching;

/// <summary>
/// The shared level (<see cref="ReadCacheOptions.Shared"/>): a local miss looks in <see cref="ISharedReadCache"/>
/// before IMAP, and what IMAP answered is written there too. Keys are <c>rc:{h}:…</c> (the store puts its key prefix, <c>mg:</c>, before them) with h a hash of the account
/// scope and mailbox (no account, server or path in Redis keys; one hash tag per mailbox). A store failure is a miss,
/// and opens <see cref="SharedLevelBreaker"/>: the level is skipped for a while instead of costing every miss the
/// store's timeout. Writes are fire-and-forget: a read never waits for one.
/// </summary>
public sealed partial class ReadCache
{
    /// <summary>Serialized bytes of shared writes still running beyond which new writes are skipped: a stalled store
    /// must not pile up memory until its timeout (or the breaker) ends them.</summary>
    internal const long MaxPendingSharedWriteBytes = 16L * 1024 * 1024;
    private static readonly JsonSerializerOptions SharedJson = new(JsonSerializerDefaults.General);
    private readonly SharedLevelBreaker _breaker;
    private readonly ConcurrentDictionary<Task, byte> _pendingSharedWrites = new();
    private long _pendingSharedWriteBytes;
    private long _sharedHits;

    /// <summary>Summaries and bodies found in the shared store, since start.</summary>
    public long SharedHits => Interlocked.Read(ref _sharedHits);

    /// <summary>True while the shared level is skipped after a store failure (or one probe is out).</summary>
    internal bool SharedLevelOpen => _breaker.IsOpen;

    private bool SharedOn => _shared is not null && _options is { Enabled: true, Shared: true };

    /// <summary>The summaries of <paramref name="uids"/> that the shared store has (also kept in this instance's cache).</summary>
    internal async Task<IReadOnlyDictionary<uint, MessageSummary>> LoadSharedSummariesAsync(string scope, string mailbox, uint uidValidity,
        IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<uint, MessageSummary>();
        if (!SharedOn || uids.Count == 0) return found;
        var values = await SharedGetAsync([.. uids.Select(u => SharedKey(scope, mailbox, uidValidity, u, ItemKind.Summary))], cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < values.Count; i++)
            if (values[i] is { } bytes && Deserialize<MessageSummary>(bytes) is { } summary && summary.Uid == uids[i])
            {
                Interlocked.Increment(ref _sharedHits);
                found[summary.Uid] = summary;
                _items.Set(new ItemKey(scope, mailbox, uidValidity, uids[i], ItemKind.Summary), summary, CacheSizes.Of(summary));
            }
        return found;
    }

    /// <summary>A body from the shared store (then also kept locally), or null.</summary>
    internal async Task<MessageDetail?> LoadSharedBodyAsync(string scope, MessageRef message, bool sanitized, CancellationToken cancellationToken)
    {
        if (!SharedOn) return null;
        var kind = sanitized ? ItemKind.Body : ItemKind.RawBody;
        var values = await SharedGetAsync([SharedKey(scope, message.Mailbox, message.UidValidity, message.Uid, kind)], cancellationToken).ConfigureAwait(false);
        if (values[0] is not { } bytes || Deserialize<MessageDetail>(bytes) is not { } detail || detail.Summary.Uid != message.Uid) return null;
        Interlocked.Increment(ref _sharedHits);
        PutBody(scope, message, sanitized, detail);
        return detail;
    }

    /// <summary>Writes <paramref name="summaries"/> to the shared store in the background.</summary>
    internal void ShareSummaries(string scope, IReadOnlyList<MessageSummary> summaries)
    {
        if (SharedOn) SharedSet([.. summaries.Select(s => (SharedKey(scope, s.Mailbox, s.UidValidity, s.Uid, ItemKind.Summary), (object)(s with { Flags = [] })))]);
    }

    /// <summary>Writes a body to the shared store in the background.</summary>
    internal void ShareBody(string scope, MessageRef message, bool sanitized, MessageDetail detail)
    {
        if (SharedOn) SharedSet([(SharedKey(scope, message.Mailbox, message.UidValidity, message.Uid, sanitized ? ItemKind.Body : ItemKind.RawBody),
            detail with { Summary = detail.Summary with { Flags = [] } })]);
    }

    /// <summary>Completes when the shared writes started so far have ended (tests: another instance reads them next).</summary>
    internal Task SharedWritesSettledAsync(CancellationToken cancellationToken) => Task.WhenAll(_pendingSharedWrites.Keys).WaitAsync(cancellationToken);

    private async Task<IReadOnlyList<byte[]?>> SharedGetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var pass = _breaker.Enter();
        if (pass == SharedLevelBreaker.Pass.Skip) return new byte[]?[keys.Count];
        if (pass == SharedLevelBreaker.Pass.Probe)
        {
            // The store failed a moment ago: learn in the background whether it is back; this read is a miss either way,
            // so no request waits for a store that may still be stalled.
            _ = ProbeAsync(keys);
            return new byte[]?[keys.Count];
        }
        try
        {
            var values = await _shared!.GetAsync(keys, cancellationToken).ConfigureAwait(false);
            _breaker.Succeeded(pass);
            return values;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _breaker.Abandoned(pass);
            throw;
        }
        catch (Exception ex)
        {
            _breaker.Failed(pass, ex);
            return new byte[]?[keys.Count];
        }
    }

    private async Task ProbeAsync(IReadOnlyList<string> keys)
    {
        try
        {
            await _shared!.GetAsync(keys, CancellationToken.None).ConfigureAwait(false);
            _breaker.Succeeded(SharedLevelBreaker.Pass.Probe);
        }
        catch (Exception ex)
        {
            _breaker.Failed(SharedLevelBreaker.Pass.Probe, ex);
        }
    }

    private void SharedSet(IReadOnlyList<(string Key, object Value)> entries)
    {
        if (entries.Count == 0) return;
        var pass = _breaker.Enter();
        if (pass == SharedLevelBreaker.Pass.Skip) return;
        var serialized = entries.Select(e => KeyValuePair.Create(e.Key, JsonSerializer.SerializeToUtf8Bytes(e.Value, e.Value.GetType(), SharedJson)))
            .Where(e => e.Value.Length <= _options.SharedMaxEntryBytes).ToList();
        var bytes = serialized.Sum(e => (long)e.Value.Length);
        if (serialized.Count == 0 || Interlocked.Add(ref _pendingSharedWriteBytes, bytes) > MaxPendingSharedWriteBytes)
        {
            Interlocked.Add(ref _pendingSharedWriteBytes, -bytes); // 0 when nothing was added
            _breaker.Abandoned(pass);
            return;
        }
        var write = SharedWriteAsync(serialized, bytes, pass);
        if (write.IsCompleted) return;
        _pendingSharedWrites.TryAdd(write, 0); // before the continuation, which removes it
        _ = write.ContinueWith(static (done, pending) => ((ConcurrentDictionary<Task, byte>)pending!).TryRemove(done, out _), _pendingSharedWrites,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task SharedWriteAsync(List<KeyValuePair<string, byte[]>> entries, long bytes, SharedLevelBreaker.Pass pass)
    {
        try
        {
            // Not the request's token: the write outlives the read that started it. The store's own timeout bounds it.
            await _shared!.SetAsync(entries, _options.SharedTtl, CancellationToken.None).ConfigureAwait(false);
            _breaker.Succeeded(pass);
        }
        catch (Exception ex)
        {
            // Sharing is an optimisation: the read already has its answer.
            _breaker.Failed(pass, ex);
        }
        finally
        {
            Interlocked.Add(ref _pendingSharedWriteBytes, -bytes);
        }
    }

    private static T? Deserialize<T>(byte[] bytes) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, SharedJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SharedKey(string scope, string mailbox, uint uidValidity, uint uid, ItemKind kind)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + mailbox)).AsSpan(0, 16));
        return $"rc:{{{hash}}}:{uidValidity}:{uid}:{(int)kind}"; // the store adds its key prefix (mg:)
    }
}
