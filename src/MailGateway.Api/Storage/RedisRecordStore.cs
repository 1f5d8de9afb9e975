using System.Text.Json;
using StackExchange.Redis;

namespace MailGateway.Api.Storage;

/// <summary>Where one kind of record lives: the JSON of a record, the set of an owner's ids, the set of all ids.
/// Built only through <see cref="RedisKeys"/>, so the prefix (and any hash tag) is decided in one place.</summary>
internal sealed record RecordKeyLayout(Func<string, RedisKey> Record, Func<string, RedisKey> Owner, RedisKey All);

/// <summary>Records as JSON strings in Redis, indexed per owner and overall (one MULTI per write). Updates are
/// optimistic: the write commits only while the record still holds the JSON that was read.</summary>
internal class RedisRecordStore<T>(IConnectionMultiplexer redis, RecordKeyLayout keys, JsonSerializerOptions json)
    : IRecordStore<T> where T : class, IStoredRecord
{
    private const int MaxUpdateAttempts = 16;
    private IDatabase Db => redis.GetDatabase();

    public async Task<T?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Deserialize(await Db.StringGetAsync(keys.Record(id)).WaitAsync(cancellationToken).ConfigureAwait(false));

    public Task<IReadOnlyList<T>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        LoadAsync(keys.Owner(ownerId), cancellationToken);

    public Task<IReadOnlyList<T>> ListAllAsync(CancellationToken cancellationToken = default) => LoadAsync(keys.All, cancellationToken);

    public async Task SaveAsync(T record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var transaction = Db.CreateTransaction();
        Write(transaction, record);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> CreateAsync(T record, int maxPerOwner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(Condition.SetLengthLessThan(keys.Owner(record.OwnerId), maxPerOwner));
        transaction.AddCondition(Condition.KeyNotExists(keys.Record(record.Id)));
        Write(transaction, record);
        return await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var existing = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
            return false;
        var transaction = Db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(keys.Record(id));
        _ = transaction.SetRemoveAsync(keys.Owner(existing.OwnerId), id);
        _ = transaction.SetRemoveAsync(keys.All, id);
        return await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<T?> UpdateAsync(string id, Func<T, T?> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var read = await Db.StringGetAsync(keys.Record(id)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (Deserialize(read) is not { } current)
                return null;
            if (change(current) is not { } updated)
                return null;
            var transaction = Db.CreateTransaction();
            transaction.AddCondition(Condition.StringEqual(keys.Record(id), read));
            Write(transaction, updated);
            if (await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false))
                return updated;
        }
        throw new RedisException($"The record '{id}' kept changing; the update was not applied.");
    }

    private void Write(ITransaction transaction, T record)
    {
        _ = transaction.StringSetAsync(keys.Record(record.Id), JsonSerializer.Serialize(record, json));
        _ = transaction.SetAddAsync(keys.Owner(record.OwnerId), record.Id);
        _ = transaction.SetAddAsync(keys.All, record.Id);
    }

    private async Task<IReadOnlyList<T>> LoadAsync(RedisKey setKey, CancellationToken cancellationToken)
    {
        var ids = await Db.SetMembersAsync(setKey).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
            return [];
        var values = await Db.StringGetAsync([.. ids.Select(id => keys.Record(id.ToString()))]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. values.Select(Deserialize).OfType<T>().OrderBy(r => r.CreatedAt)];
    }

    private T? Deserialize(RedisValue value) => value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<T>(value.ToString(), json);
}
