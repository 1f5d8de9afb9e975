namespace MailGateway.Imap.Caching;

/// <summary>A thread-safe LRU map bounded by the summed (estimated) size of its values, not by their count.</summary>
internal sealed class ByteBudgetLru<TKey, TValue>(long maxBytes) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _map = [];
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public long Bytes { get { lock (_lock) return _bytes; } }
    public int Count { get { lock (_lock) return _map.Count; } }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Adds or replaces; a value bigger than the whole budget is not kept.</summary>
    public void Set(TKey key, TValue value, long bytes)
    {
        lock (_lock)
        {
            RemoveLocked(key);
            if (bytes > maxBytes) return;
            _map[key] = _order.AddFirst(new Entry(key, value, bytes));
            _bytes += bytes;
            while (_bytes > maxBytes && _order.Last is { } last) RemoveLocked(last.Value.Key);
        }
    }

    public void Remove(TKey key)
    {
        lock (_lock) RemoveLocked(key);
    }

    private void RemoveLocked(TKey key)
    {
        if (!_map.Remove(key, out var node)) return;
        _order.Remove(node);
        _bytes -= node.Value.Bytes;
    }

    private readonly record struct Entry(TKey Key, TValue Value, long Bytes);
}
