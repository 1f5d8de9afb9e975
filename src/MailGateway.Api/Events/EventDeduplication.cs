using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Events;

/// <summary>What a publish attempt found when it claimed an event id.</summary>
internal enum EventClaim
{
    /// <summary>Nobody published it: this attempt now holds the claim and must complete or release it.</summary>
    Claimed,
    /// <summary>Published before: drop the repeat.</summary>
    Published,
    /// <summary>Another attempt holds the claim (or a failed one's claim has not expired): retry later.</summary>
    InFlight,
}

/// <summary>Remembers published event ids so a repeat of the same change is published only once. An id is claimed
/// first (short TTL) and marked published only after the durable side took the event.</summary>
internal interface IEventDeduplicator
{
    ValueTask<EventClaim> TryClaimAsync(string eventId, CancellationToken cancellationToken);
    /// <summary>The event is durable: remember it as published for the dedupe window.</summary>
    ValueTask CompleteAsync(string eventId, CancellationToken cancellationToken);
    /// <summary>The attempt failed: give the id back (best effort; an unreleased claim expires by itself).</summary>
    ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken);
}

internal sealed class InMemoryEventDeduplicator : IEventDeduplicator
{
    private readonly RecentIds _published = new(100_000);
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ValueTask<EventClaim> TryClaimAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_published.Contains(eventId)) return ValueTask.FromResult(EventClaim.Published);
            return ValueTask.FromResult(_claimed.Add(eventId) ? EventClaim.Claimed : EventClaim.InFlight);
        }
    }

    public ValueTask CompleteAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _published.Add(eventId);
            _claimed.Remove(eventId);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_lock) _claimed.Remove(eventId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Cluster-wide: <c>mg:event:{id}</c> is <c>pending</c> (claimed, <see cref="EventsOptions.PublishClaimTtl"/>)
/// while an attempt publishes, then <c>1</c> (published, <see cref="EventsOptions.DedupeWindow"/>). Survives restarts
/// and failovers; a claim that a frozen Redis executed after the client gave up expires instead of blocking forever.</summary>
internal sealed class RedisEventDeduplicator(IConnectionMultiplexer redis, RedisKeys keys, Microsoft.Extensions.Options.IOptions<EventsOptions> options) : IEventDeduplicator
{
    private const string Pending = "pending";

    private const string ClaimScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
        if redis.call('GET', KEYS[1]) == ARGV[1] then return 2 end
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public async ValueTask<EventClaim> TryClaimAsync(string eventId, CancellationToken cancellationToken)
    {
        var ttl = (long)options.Value.PublishClaimTtl.TotalMilliseconds;
        var result = (int)await redis.GetDatabase().ScriptEvaluateAsync(ClaimScript, [Key(eventId)], [Pending, ttl]).ConfigureAwait(false);
        return (EventClaim)result;
    }

    public async ValueTask CompleteAsync(string eventId, CancellationToken cancellationToken) =>
        await redis.GetDatabase().StringSetAsync(Key(eventId), 1, options.Value.DedupeWindow).ConfigureAwait(false);

    public async ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken)
    {
        try { await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(eventId)], [Pending]).ConfigureAwait(false); }
        catch (Exception ex) when (ex is RedisException or TimeoutException) { } // the claim expires by itself
    }

    private RedisKey Key(string eventId) => keys.Of("event", eventId);
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

    public bool Contains(string id)
    {
        lock (_lock) return _set.Contains(id);
    }

    public void Remove(string id)
    {
        lock (_lock) _set.Remove(id);
    }
}
