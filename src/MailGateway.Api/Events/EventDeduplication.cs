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
