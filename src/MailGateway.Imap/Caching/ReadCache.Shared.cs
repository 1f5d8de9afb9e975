using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MailGateway.Imap.Caching;

/// <summary>
/// The shared level (<see cref="ReadCacheOptions.Shared"/>): a local miss looks in <see cref="ISharedReadCache"/>
/// before IMAP, and what IMAP answered is written there too. Keys are <c>rc:{h}:…</c> (the store puts its key prefix, <c>mg:</c>, before them) with h a hash of the account
/// scope and mailbox (no account, server or path in Redis keys; one hash tag per mailbox). A store failure is a miss.
/// </summary>
public sealed partial class ReadCache
{
    private static readonly JsonSerializerOptions SharedJson = new(JsonSerializerDefaults.General);
    private long _sharedHits;

    /// <summary>Summaries and bodies found in the shared store, since start.</summary>
    public long SharedHits => Interlocked.Read(ref _sharedHits);

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

    internal Task ShareSummariesAsync(string scope, IReadOnlyList<MessageSummary> summaries, CancellationToken cancellationToken) => !SharedOn ? Task.CompletedTask :
        SharedSetAsync([.. summaries.Select(s => (SharedKey(scope, s.Mailbox, s.UidValidity, s.Uid, ItemKind.Summary), (object)(s with { Flags = [] })))], cancellationToken);

    internal Task ShareBodyAsync(string scope, MessageRef message, bool sanitized, MessageDetail detail, CancellationToken cancellationToken) => !SharedOn ? Task.CompletedTask :
        SharedSetAsync([(SharedKey(scope, message.Mailbox, message.UidValidity, message.Uid, sanitized ? ItemKind.Body : ItemKind.RawBody),
            detail with { Summary = detail.Summary with { Flags = [] } })], cancellationToken);

    private async Task<IReadOnlyList<byte[]?>> SharedGetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            return await _shared!.GetAsync(keys, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new byte[]?[keys.Count];
        }
    }

    private async Task SharedSetAsync(IReadOnlyList<(string Key, object Value)> entries, CancellationToken cancellationToken)
    {
        if (!SharedOn || entries.Count == 0) return;
        var serialized = entries.Select(e => KeyValuePair.Create(e.Key, JsonSerializer.SerializeToUtf8Bytes(e.Value, e.Value.GetType(), SharedJson)))
            .Where(e => e.Value.Length <= _options.SharedMaxEntryBytes).ToList();
        if (serialized.Count == 0) return;
        try
        {
            await _shared!.SetAsync(serialized, _options.SharedTtl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Sharing is an optimisation: the read already has its answer.
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
