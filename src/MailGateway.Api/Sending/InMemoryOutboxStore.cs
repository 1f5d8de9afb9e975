namespace MailGateway.Api.Sending;

/// <summary>The outbox of a single instance without Redis (lost on restart). One lock: every change is atomic.</summary>
internal sealed class InMemoryOutboxStore(TimeProvider time) : IOutboxStore
{
    private sealed class Entry
    {
        public required Submission Submission;
        public required byte[] Mime;
        public DateTimeOffset? DueAt;
        public string? Lease;
        public DateTimeOffset LeaseUntil;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), (string Id, DateTimeOffset Until)> _keys = [];

    public Task<(Submission Submission, bool Created)> AddAsync(Submission submission, byte[] mime, DateTimeOffset dueAt, string? idempotencyKey,
        TimeSpan idempotencyWindow, int maxPendingPerOwner = 0, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (idempotencyKey is not null && _keys.TryGetValue((submission.AccountId, idempotencyKey), out var known)
                && known.Until > time.GetUtcNow() && _entries.TryGetValue(known.Id, out var existing))
                return Task.FromResult((existing.Submission, false));
            // Pending: due (waiting, scheduled, retrying) or leased (in flight).
            if (maxPendingPerOwner > 0 && _entries.Values.Count(e => e.Submission.OwnerId == submission.OwnerId
                    && (e.DueAt is not null || e.Lease is not null)) >= maxPendingPerOwner)
                throw new OutboxFullException(submission.OwnerId);
            _entries[submission.Id] = new Entry { Submission = submission, Mime = mime, DueAt = dueAt };
            if (idempotencyKey is not null)
                _keys[(submission.AccountId, idempotencyKey)] = (submission.Id, time.GetUtcNow() + idempotencyWindow);
            return Task.FromResult((submission, true));
        }
    }

    public Task<Submission?> FindByIdempotencyKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_keys.TryGetValue((accountId, idempotencyKey), out var known) && known.Until > time.GetUtcNow()
                ? _entries.GetValueOrDefault(known.Id)?.Submission : null);
        }
    }

    public Task<Submission?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult(_entries.GetValueOrDefault(id)?.Submission);
    }

    public Task<IReadOnlyList<Submission>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Submission> list = [.. _entries.Values.Select(e => e.Submission).Where(s => s.AccountId == accountId)
                .OrderByDescending(s => s.CreatedAt).Take(limit)];
            return Task.FromResult(list);
        }
    }

    public Task<byte[]?> GetMimeAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult(_entries.GetValueOrDefault(id)?.Mime);
    }

    public Task<OutboxClaim?> ClaimAsync(DateTimeOffset now, TimeSpan lease, IReadOnlyCollection<string>? busyOwners = null,
        int scanLimit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var entry = _entries.Values
                .Where(e => (e.Lease is null && e.DueAt <= now) || (e.Lease is not null && e.LeaseUntil <= now))
                .OrderBy(e => e.DueAt).Take(scanLimit)
                .FirstOrDefault(e => busyOwners?.Contains(e.Submission.OwnerId) != true);
            if (entry is null) return Task.FromResult<OutboxClaim?>(null);
            entry.Lease = Guid.NewGuid().ToString("N");
            entry.LeaseUntil = now + lease;
            if (entry.Submission.State is SubmissionStates.Queued or SubmissionStates.Scheduled)
                entry.Submission = entry.Submission with { State = SubmissionStates.Sending };
            return Task.FromResult<OutboxClaim?>(new OutboxClaim(entry.Submission, entry.Lease));
        }
    }

    public Task<bool> CheckpointAsync(OutboxClaim claim, Submission updated, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(updated.Id, out var entry) || entry.Lease != claim.LeaseToken) return Task.FromResult(false);
            entry.Submission = updated;
            return Task.FromResult(true);
        }
    }

    public Task<bool> ReleaseAsync(OutboxClaim claim, Submission updated, DateTimeOffset? dueAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(updated.Id, out var entry) || entry.Lease != claim.LeaseToken) return Task.FromResult(false);
            entry.Submission = updated;
            entry.Lease = null;
            entry.DueAt = dueAt;
            return Task.FromResult(true);
        }
    }

    public Task<Submission?> CancelAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(id, out var entry)) return Task.FromResult<Submission?>(null);
            if (entry.Lease is null && entry.Submission.State is SubmissionStates.Queued or SubmissionStates.Scheduled)
            {
                entry.Submission = entry.Submission with { State = SubmissionStates.Canceled, UpdatedAt = now };
                entry.DueAt = null;
            }
            return Task.FromResult<Submission?>(entry.Submission);
        }
    }
}
