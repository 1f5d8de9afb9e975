using System.Collections.Concurrent;

namespace MailGateway.Api.Storage;

/// <summary>Records in process memory (tests, quick try; lost on restart).</summary>
internal class InMemoryRecordStore<T> : IRecordStore<T> where T : class, IStoredRecord
{
    private readonly ConcurrentDictionary<string, T> _records = new(StringComparer.Ordinal);
    private readonly Lock _creating = new();

    public Task<T?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.GetValueOrDefault(id));

    public Task<IReadOnlyList<T>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<T>>([.. _records.Values.Where(r => r.OwnerId == ownerId).OrderBy(r => r.CreatedAt)]);

    public Task<IReadOnlyList<T>> ListAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<T>>([.. _records.Values.OrderBy(r => r.CreatedAt)]);

    public Task SaveAsync(T record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task<bool> CreateAsync(T record, int maxPerOwner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_creating)
        {
            if (_records.Values.Count(r => r.OwnerId == record.OwnerId) >= maxPerOwner)
                return Task.FromResult(false);
            return Task.FromResult(_records.TryAdd(record.Id, record));
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryRemove(id, out _));

    public Task<T?> UpdateAsync(string id, Func<T, T?> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (_records.TryGetValue(id, out var current))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var updated = change(current);
            if (updated is null)
                return Task.FromResult<T?>(null);
            if (_records.TryUpdate(id, updated, current))
                return Task.FromResult<T?>(updated);
        }
        return Task.FromResult<T?>(null);
    }
}
