namespace MailGateway.Api.Storage;

/// <summary>A record the gateway keeps per owner (accounts, webhooks): an id, an owner, a creation time.</summary>
public interface IStoredRecord
{
    string Id { get; }
    string OwnerId { get; }
    DateTimeOffset CreatedAt { get; }
}

/// <summary>
/// The one JSON record store (Redis when <c>Redis:Configuration</c> is set, else memory). Writers that read a record,
/// wait on something (a token endpoint, a webhook delivery) and write it back use <see cref="UpdateAsync"/>: the change
/// is applied to the record as it is at write time (compare-and-set), so a concurrent delete, disable or credential
/// change is never undone.
/// </summary>
public interface IRecordStore<T> where T : class, IStoredRecord
{
    Task<T?> GetAsync(string id, CancellationToken cancellationToken = default);
    /// <summary>The owner's records, oldest first.</summary>
    Task<IReadOnlyList<T>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default);
    /// <summary>Every record, oldest first.</summary>
    Task<IReadOnlyList<T>> ListAllAsync(CancellationToken cancellationToken = default);
    /// <summary>Creates the record unless its owner already has <paramref name="maxPerOwner"/> records or the id is taken
    /// (one atomic step, so concurrent creates cannot pass a per-user cap together). False when refused.</summary>
    Task<bool> CreateAsync(T record, int maxPerOwner, CancellationToken cancellationToken = default);
    /// <summary>Creates or replaces the whole record (the owner's own edits).</summary>
    Task SaveAsync(T record, CancellationToken cancellationToken = default);
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="change"/> to the current record atomically: when the record changed between
    /// read and write, it is read again and <paramref name="change"/> runs again. <paramref name="change"/> answers
    /// null to leave the record alone. Answers the stored record, or null when it is gone or was left alone.
    /// The owner (the index key) must not change.</summary>
    Task<T?> UpdateAsync(string id, Func<T, T?> change, CancellationToken cancellationToken = default);
}
