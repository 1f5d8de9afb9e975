using StackExchange.Redis;

namespace MailGateway.Api.Events;

/// <summary>Remembers published event ids so a repeat of the same change is published only once.</summary>
internal interface IEventDeduplicator
{
    /// <summary>True when the id was not seen before (and is now taken).</summary>
    ValueTask<bool> TryClaimAsync(string eventId, CancellationToken cancellationToken);
    ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken);
}

internal sealed class InMemoryEventDeduplicator : IEventDeduplicator
{
    private readonly RecentIds _ids = new(100_000);

    public ValueTask<bool> TryClaimAsync(string eventId, CancellationToken cancellationToken) => ValueTask.FromResult(_ids.Add(eventId));

    public ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken)
    {
        _ids.Remove(eventId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Cluster-wide: <c>SET mg:event:{id} 1 NX PX window</c>. Survives restarts and failovers.</summary>
internal sealed class RedisEventDeduplicator(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<EventsOptions> options) : IEventDeduplicator
{
    public async ValueTask<bool> TryClaimAsync(string eventId, CancellationToken cancellationToken) =>
        await redis.GetDatabase().StringSetAsync(Key(eventId), 1, options.Value.DedupeWindow, When.NotExists).ConfigureAwait(false);

    public async ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken)
    {
        try { await redis.GetDatabase().KeyDeleteAsync(Key(eventId)).ConfigureAwait(false); }
        catch (RedisException) { }
    }

    private static RedisKey Key(string eventId) => "mg:event:" + eventId;
}

/// <summary>A bounded set of recently seen ids (oldest forgotten first). Thread-safe.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    public bool Add(string id)
    {
        lock (_lock)
        {
            if (!_set.Add(id)) return false;
            _order.Enqueue(id);
            while (_order.Count > capacity) _set.Remove(_order.Dequeue());
            return true;
        }
    }

    public void Remove(string id)
    {
        lock (_lock) _set.Remove(id);
    }
}
