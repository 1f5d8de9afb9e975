using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Accounts;

/// <summary>Recent IMAP authentication outcomes per account (newest first, at most <see cref="Capacity"/>).</summary>
public interface ISecurityLogStore
{
    public const int Capacity = 200;

    Task AddAsync(string accountId, SecurityLogEntry entry, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<SecurityLogEntry>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default);
    Task DeleteAsync(string accountId, CancellationToken cancellationToken = default);
}

internal sealed class InMemorySecurityLogStore : ISecurityLogStore
{
    private readonly ConcurrentDictionary<string, LinkedList<SecurityLogEntry>> _logs = new(StringComparer.Ordinal);

    public Task AddAsync(string accountId, SecurityLogEntry entry, CancellationToken cancellationToken = default)
    {
        var log = _logs.GetOrAdd(accountId, _ => new LinkedList<SecurityLogEntry>());
        lock (log)
        {
            log.AddFirst(entry);
            while (log.Count > ISecurityLogStore.Capacity)
                log.RemoveLast();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SecurityLogEntry>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default)
    {
        if (!_logs.TryGetValue(accountId, out var log))
            return Task.FromResult<IReadOnlyList<SecurityLogEntry>>([]);
        lock (log)
            return Task.FromResult<IReadOnlyList<SecurityLogEntry>>([.. log.Take(limit)]);
    }

    public Task DeleteAsync(string accountId, CancellationToken cancellationToken = default)
    {
        _logs.TryRemove(accountId, out _);
        return Task.CompletedTask;
    }
}

/// <summary>A capped Redis list per account: <c>mg:account:{id}:security-log</c>.</summary>
internal sealed class RedisSecurityLogStore(IConnectionMultiplexer redis, RedisKeys keys) : ISecurityLogStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private RedisKey Key(string accountId) => keys.Of("account", accountId + ":security-log");

    public async Task AddAsync(string accountId, SecurityLogEntry entry, CancellationToken cancellationToken = default)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var push = batch.ListLeftPushAsync(Key(accountId), JsonSerializer.Serialize(entry, Json));
        var trim = batch.ListTrimAsync(Key(accountId), 0, ISecurityLogStore.Capacity - 1);
        batch.Execute();
        await Task.WhenAll(push, trim).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SecurityLogEntry>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default)
    {
        var values = await redis.GetDatabase().ListRangeAsync(Key(accountId), 0, limit - 1).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. values.Select(v => JsonSerializer.Deserialize<SecurityLogEntry>(v.ToString(), Json)).OfType<SecurityLogEntry>()];
    }

    public Task DeleteAsync(string accountId, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().KeyDeleteAsync(Key(accountId)).WaitAsync(cancellationToken);
}
