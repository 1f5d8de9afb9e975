using MailGateway.Api.Cluster;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Events;

/// <summary>Reference-counted demand of this instance; the base of both implementations.</summary>
internal class InMemoryWatchDemand : IWatchDemand
{
    private readonly Dictionary<(string AccountId, string Source), int> _live = [];
    private readonly HashSet<(string AccountId, string Source)> _persistent = [];
    private readonly Lock _lock = new();

    public async ValueTask<IAsyncDisposable> AcquireAsync(string accountId, string source, CancellationToken cancellationToken = default)
    {
        bool first;
        lock (_lock)
        {
            _live[(accountId, source)] = _live.GetValueOrDefault((accountId, source)) + 1;
            first = _live[(accountId, source)] == 1;
        }
        if (first) await OnFirstAsync(accountId, source).ConfigureAwait(false);
        return new Handle(this, accountId, source);
    }

    public virtual Task SetPersistentDemandAsync(string accountId, string source, bool wanted, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (wanted) _persistent.Add((accountId, source));
            else _persistent.Remove((accountId, source));
        }
        return Task.CompletedTask;
    }

    public virtual Task<IReadOnlySet<string>> GetDemandedAccountsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<string>>(LocalAccounts());

    protected HashSet<string> LocalAccounts()
    {
        lock (_lock) return _live.Keys.Select(k => k.AccountId).Concat(_persistent.Select(p => p.AccountId)).ToHashSet(StringComparer.Ordinal);
    }

    protected List<(string AccountId, string Source)> LiveEntries()
    {
        lock (_lock) return [.. _live.Keys];
    }

    protected virtual ValueTask OnFirstAsync(string accountId, string source) => ValueTask.CompletedTask;
    protected virtual ValueTask OnLastAsync(string accountId, string source) => ValueTask.CompletedTask;

    private async ValueTask ReleaseAsync(string accountId, string source)
    {
        bool last;
        lock (_lock)
        {
            var n = _live.GetValueOrDefault((accountId, source)) - 1;
            last = n <= 0;
            if (last) _live.Remove((accountId, source));
            else _live[(accountId, source)] = n;
        }
        if (last) await OnLastAsync(accountId, source).ConfigureAwait(false);
    }

    private sealed class Handle(InMemoryWatchDemand owner, string accountId, string source) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? owner.ReleaseAsync(accountId, source) : ValueTask.CompletedTask;
    }
}

/// <summary>
/// Demand visible to every instance: live demand is a member <c>{instance}|{source}|{account}</c> of the sorted
/// set <c>mg:demand</c> scored by its expiry (renewed by its instance, so it vanishes with a dead instance);
/// lasting demand is a member <c>{source}|{account}</c> of the set <c>mg:demand:persistent</c>.
/// </summary>
internal sealed class RedisWatchDemand(IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity instance, IOptions<EventsOptions> options, TimeProvider time)
    : InMemoryWatchDemand
{
    private readonly RedisKey _liveKey = keys.Of("demand");
    private readonly RedisKey _persistentKey = keys.Of("demand", "persistent");

    private string Member(string accountId, string source) => $"{instance.Id}|{source}|{accountId}";
    private double Expiry => (time.GetUtcNow() + options.Value.DemandTtl).ToUnixTimeMilliseconds();

    protected override async ValueTask OnFirstAsync(string accountId, string source) =>
        await redis.GetDatabase().SortedSetAddAsync(_liveKey, Member(accountId, source), Expiry).ConfigureAwait(false);

    protected override async ValueTask OnLastAsync(string accountId, string source)
    {
        try { await redis.GetDatabase().SortedSetRemoveAsync(_liveKey, Member(accountId, source)).ConfigureAwait(false); }
        catch (RedisException) { } // it expires by itself
    }

    /// <summary>Extends this instance's live registrations (called by the supervisor, well within <c>DemandTtl</c>).</summary>
    public async Task RenewAsync()
    {
        var entries = LiveEntries();
        if (entries.Count == 0) return;
        var expiry = Expiry;
        var members = entries.Select(e => new SortedSetEntry(Member(e.AccountId, e.Source), expiry)).ToArray();
        await redis.GetDatabase().SortedSetAddAsync(_liveKey, members).ConfigureAwait(false);
    }

    public override async Task SetPersistentDemandAsync(string accountId, string source, bool wanted, CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        if (wanted) await db.SetAddAsync(_persistentKey, $"{source}|{accountId}").ConfigureAwait(false);
        else await db.SetRemoveAsync(_persistentKey, $"{source}|{accountId}").ConfigureAwait(false);
    }

    public override async Task<IReadOnlySet<string>> GetDemandedAccountsAsync(CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SortedSetRemoveRangeByScoreAsync(_liveKey, double.NegativeInfinity, now, Exclude.Stop).ConfigureAwait(false);
        var live = await db.SortedSetRangeByScoreAsync(_liveKey, now, double.PositiveInfinity).ConfigureAwait(false);
        var persistent = await db.SetMembersAsync(_persistentKey).ConfigureAwait(false);
        var result = LocalAccounts();
        foreach (var m in live) if (Split((string?)m, 3) is { } id) result.Add(id);
        foreach (var m in persistent) if (Split((string?)m, 2) is { } id) result.Add(id);
        return result;
    }

    private static string? Split(string? member, int parts)
    {
        var split = member?.Split('|', parts);
        return split is { Length: var n } && n == parts && split[^1].Length > 0 ? split[^1] : null;
    }
}
