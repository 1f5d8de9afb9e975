using Microsoft.Extensions.Options;

namespace MailGateway.Api.Webhooks;

/// <summary>The queue for a single instance without Redis: same semantics, lost on restart.</summary>
internal sealed class InMemoryWebhookQueue(IOptions<WebhookOptions> options, TimeProvider time) : IWebhookQueue
{
    private sealed class Entry(WebhookDelivery delivery)
    {
        public WebhookDelivery Delivery { get; set; } = delivery;
        public string? Lease { get; set; }
        public DateTimeOffset LeaseUntil { get; set; }
        public bool Parked { get; set; }
        public bool Queued { get; set; }
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTimeOffset Due, long Sequence, string Id)> _due = [];
    private long _sequence;

    public Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(delivery.Id))
                return Task.FromResult(false);
            var entry = new Entry(delivery with { Sequence = ++_sequence });
            _entries[delivery.Id] = entry;
            Queue(entry, delivery.NextAttemptAt ?? time.GetUtcNow());
            Trim(delivery.WebhookId);
            return Task.FromResult(true);
        }
    }

    public Task<ClaimedDelivery?> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values.Where(e => e.Lease is not null && e.LeaseUntil <= now).ToList())
            {
                entry.Lease = null;
                Queue(entry, now);
            }
            var max = options.Value.MaxConcurrencyPerEndpoint;
            foreach (var item in _due)
            {
                if (item.Due > now)
                    break;
                var entry = _entries[item.Id];
                var webhookId = entry.Delivery.WebhookId;
                if (_entries.Values.Count(e => e.Lease is not null && e.Delivery.WebhookId == webhookId) >= max)
                    continue;
                _due.Remove(item);
                entry.Queued = false;
                entry.Lease = Guid.NewGuid().ToString("N");
                entry.LeaseUntil = now + options.Value.Lease;
                return Task.FromResult<ClaimedDelivery?>(new ClaimedDelivery(entry.Delivery, entry.Lease));
            }
            return Task.FromResult<ClaimedDelivery?>(null);
        }
    }

    public Task<bool> ReleaseAsync(ClaimedDelivery claim, WebhookDelivery updated, ClaimOutcome outcome, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(claim.Delivery.Id, out var entry) || entry.Lease != claim.LeaseToken)
                return Task.FromResult(false);
            entry.Lease = null;
            entry.Delivery = updated;
            if (outcome == ClaimOutcome.Requeue)
                Queue(entry, updated.NextAttemptAt ?? time.GetUtcNow());
            entry.Parked = outcome == ClaimOutcome.Park;
            return Task.FromResult(true);
        }
    }

    public Task UnparkAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values.Where(e => e.Parked && e.Delivery.WebhookId == webhookId))
            {
                entry.Parked = false;
                Queue(entry, now);
            }
        }
        return Task.CompletedTask;
    }

    public Task<bool?> RequeueAsync(WebhookDelivery updated, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(updated.Id, out var entry) || entry.Delivery.WebhookId != updated.WebhookId)
                return Task.FromResult<bool?>(null);
            if (entry.Lease is not null)
                return Task.FromResult<bool?>(false);
            entry.Delivery = updated with { Sequence = entry.Delivery.Sequence };
            entry.Parked = false;
            Queue(entry, now);
            return Task.FromResult<bool?>(true);
        }
    }

    public Task<WebhookDelivery?> GetAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.TryGetValue(deliveryId, out var e) && e.Delivery.WebhookId == webhookId ? e.Delivery : null);
        }
    }

    public Task<IReadOnlyList<WebhookDelivery>> ListAsync(string webhookId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<WebhookDelivery> list = [.. _entries.Values.Select(e => e.Delivery).Where(d => d.WebhookId == webhookId)
                .OrderByDescending(d => d.Sequence).Take(limit)];
            return Task.FromResult(list);
        }
    }

    public Task AddNoticeAsync(WebhookDelivery notice, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _entries[notice.Id] = new Entry(notice with { Sequence = ++_sequence });
            Trim(notice.WebhookId);
        }
        return Task.CompletedTask;
    }

    public Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values.Where(e => e.Delivery.WebhookId == webhookId).ToList())
                Remove(entry);
        }
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<DateTimeOffset?>(_due.Count == 0 ? null : _due.Min.Due);
        }
    }

    public Task<long> DepthAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_due.Count + _entries.Values.Count(e => e.Lease is not null));
        }
    }

    private void Queue(Entry entry, DateTimeOffset due)
    {
        if (entry.Queued)
            _due.RemoveWhere(i => i.Id == entry.Delivery.Id);
        _due.Add((due, entry.Delivery.Sequence, entry.Delivery.Id));
        entry.Queued = true;
    }

    private void Remove(Entry entry)
    {
        _entries.Remove(entry.Delivery.Id);
        if (entry.Queued)
            _due.RemoveWhere(i => i.Id == entry.Delivery.Id);
    }

    /// <summary>Keeps the log of an endpoint bounded: the oldest finished entries go first.</summary>
    private void Trim(string webhookId)
    {
        var finished = _entries.Values
            .Where(e => e.Delivery.WebhookId == webhookId && !e.Queued && e.Lease is null && !e.Parked)
            .OrderBy(e => e.Delivery.Sequence).ToList();
        var excess = _entries.Values.Count(e => e.Delivery.WebhookId == webhookId) - options.Value.DeliveryLogLength;
        foreach (var entry in finished.Take(Math.Max(0, excess)))
            Remove(entry);
    }

    public Task<long> PendingAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult((long)_entries.Values.Count(e => e.Delivery.WebhookId == webhookId && (e.Queued || e.Lease is not null)));
    }
}
