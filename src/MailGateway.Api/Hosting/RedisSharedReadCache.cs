using MailGateway.Imap.Caching;
using StackExchange.Redis;

namespace MailGateway.Api.Hosting;

/// <summary>
/// <c>Imap:Cache:Shared</c> on Redis: <c>mg:rc:{h}:…</c> strings (the cache's key after <c>Redis:KeyPrefix</c>) (serialized summaries and bodies, see ReadCache.Shared.cs)
/// with a TTL; the keys of one call share one hash tag (one mailbox), so MGET and the SET pipeline work on Redis Cluster.
/// </summary>
internal sealed class RedisSharedReadCache(IConnectionMultiplexer redis, Storage.RedisKeys prefix) : ISharedReadCache
{
    public async Task<IReadOnlyList<byte[]?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var values = await redis.GetDatabase().StringGetAsync([.. keys.Select(prefix.Of)]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. values.Select(v => v.IsNull ? null : (byte[]?)v)];
    }

    public async Task SetAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var db = redis.GetDatabase();
        await Task.WhenAll(entries.Select(e => db.StringSetAsync(prefix.Of(e.Key), e.Value, timeToLive))).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
