using System.Collections.Concurrent;
using System.Globalization;
using MailGateway.Imap;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Events;

/// <summary>Per-mailbox sync position (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) of each watched account, so a
/// restart or failover catches up from where events were last published.</summary>
public interface ISyncStateStore
{
    Task<IReadOnlyDictionary<string, MailboxState>> GetAsync(string accountId, CancellationToken cancellationToken = default);
    Task SetAsync(string accountId, string mailbox, MailboxState state, CancellationToken cancellationToken = default);
    Task RemoveAsync(string accountId, string mailbox, CancellationToken cancellationToken = default);
    /// <summary>Forgets the account (it was removed).</summary>
    Task ClearAsync(string accountId, CancellationToken cancellationToken = default);
}

internal sealed class InMemorySyncStateStore : ISyncStateStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, MailboxState>> _accounts = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, MailboxState>> GetAsync(string accountId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, MailboxState>>(_accounts.TryGetValue(accountId, out var m)
            ? new Dictionary<string, MailboxState>(m, StringComparer.Ordinal)
            : new Dictionary<string, MailboxState>(StringComparer.Ordinal));

    public Task SetAsync(string accountId, string mailbox, MailboxState state, CancellationToken cancellationToken = default)
    {
        _accounts.GetOrAdd(accountId, _ => new(StringComparer.Ordinal))[mailbox] = state;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string accountId, string mailbox, CancellationToken cancellationToken = default)
    {
        if (_accounts.TryGetValue(accountId, out var m)) m.TryRemove(mailbox, out _);
        return Task.CompletedTask;
    }

    public Task ClearAsync(string accountId, CancellationToken cancellationToken = default)
    {
        _accounts.TryRemove(accountId, out _);
        return Task.CompletedTask;
    }
}

/// <summary>One hash per account: <c>mg:sync:{accountId}</c>, field = mailbox path, value = <c>uidvalidity:uidnext:modseq</c>.</summary>
internal sealed class RedisSyncStateStore(IConnectionMultiplexer redis, RedisKeys keys) : ISyncStateStore
{
    private RedisKey Key(string accountId) => keys.Of("sync", accountId);

    public async Task<IReadOnlyDictionary<string, MailboxState>> GetAsync(string accountId, CancellationToken cancellationToken = default)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(accountId)).ConfigureAwait(false);
        var result = new Dictionary<string, MailboxState>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (TryParse(e.Value, out var state)) result[e.Name!] = state;
        }
        return result;
    }

    public Task SetAsync(string accountId, string mailbox, MailboxState state, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().HashSetAsync(Key(accountId), mailbox, Format(state));

    public Task RemoveAsync(string accountId, string mailbox, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().HashDeleteAsync(Key(accountId), mailbox);

    public Task ClearAsync(string accountId, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().KeyDeleteAsync(Key(accountId));

    internal static string Format(MailboxState s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.UidValidity}:{s.UidNext}:{s.HighestModSeq}");

    internal static bool TryParse(string? value, out MailboxState state)
    {
        state = default;
        var parts = value?.Split(':');
        if (parts is not { Length: 3 }) return false;
        if (!uint.TryParse(parts[0], CultureInfo.InvariantCulture, out var uv) ||
            !uint.TryParse(parts[1], CultureInfo.InvariantCulture, out var next) ||
            !ulong.TryParse(parts[2], CultureInfo.InvariantCulture, out var modSeq)) return false;
        state = new MailboxState(uv, next, modSeq);
        return true;
    }
}
