using System.Collections.Concurrent;
using MailGateway.Api.Storage;
using MailGateway.Imap;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Cluster;

/// <summary>
/// The cluster-wide IMAP connection budget as a distributed semaphore (docs/decisions/connection-budget.md): a permit
/// is a member <c>{instance}:{n}</c> of the sorted set <c>mg:{a:accountId}:imap-permits</c> (and of
/// <c>mg:{h:host}:imap-permits</c> when <c>Imap:MaxConnectionsPerHost</c> is set), scored by its expiry; one script
/// per set trims expired permits, checks the count and adds. Holders renew their permits, so a dead instance's permits
/// lapse within <see cref="PermitTtl"/>. A refused instance announces it on <c>mg:imap-budget:wanted</c>, and every
/// instance closes its free connections of that account, so a waiting request gets a permit as soon as one is idle.
/// </summary>
internal sealed partial class RedisConnectionBudget : IImapConnectionBudget, IDisposable
{
    public static readonly TimeSpan PermitTtl = TimeSpan.FromSeconds(60);
    
    private const string AcquireScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly RedisChannel _wantedChannel;
    private readonly InstanceIdentity _self;
    private readonly ImapOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Permit, byte> _held = new();
    private readonly ConcurrentDictionary<string, long> _announced = new(StringComparer.Ordinal);
    private readonly ITimer _renewal;
    private long _sequence;

    public RedisConnectionBudget(IConnectionMultiplexer redis, RedisKeys keys, InstanceIdentity self, IOptions<ImapOptions> options, TimeProvider time,
        ILogger<RedisConnectionBudget> logger)
    {
        _redis = redis;
        _keys = keys;
        _wantedChannel = RedisChannel.Literal(keys.Name("imap-budget:wanted"));
        _self = self;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _renewal = time.CreateTimer(_ => _ = RenewAsync(), null, PermitTtl / 3, PermitTtl / 3);
        _ = SubscribeAsync();
    }

    /// <summary>Listens for "wanted" announcements; in the background, so a slow Redis never blocks whoever resolves the pool.</summary>
    private async Task SubscribeAsync()
    {
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_wantedChannel, (_, accountId) => Contended?.Invoke(accountId.ToString())).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            BudgetLog.Unavailable(_logger, ex); // the waiter still gets a permit when a connection closes by itself
        }
    }

    public event Action<string>? Contended;

    internal RedisKey AccountKey(string accountId) => _keys.ForAccount(accountId, "imap-permits");
    internal RedisKey HostKey(string host) => _keys.InGroup("h:" + host.ToLowerInvariant(), "imap-permits");

    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(ImapAccount account, CancellationToken cancellationToken = default)
    {
        var member = $"{_self.Id}:{Interlocked.Increment(ref _sequence)}";
        var host = _options.MaxConnectionsPerHost > 0 ? HostKey(account.Host) : (RedisKey?)null;
        var db = _redis.GetDatabase();
        try
        {
            if (host is { } h && !await TakeAsync(db, h, _options.MaxConnectionsPerHost, member, cancellationToken).ConfigureAwait(false))
                return null;
            if (!await TakeAsync(db, AccountKey(account.Id), _options.MaxConnectionsPerAccount, member, cancellationToken).ConfigureAwait(false))
            {
                if (host is { } taken) await db.SortedSetRemoveAsync(taken, member).ConfigureAwait(false);
                Announce(account.Id);
                return null;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis away: the local pool limits still hold; don't make every mail request fail on top.
            BudgetLog.Unavailable(_logger, ex);
            return new Permit(this, [], member);
        }
        var permit = new Permit(this, host is { } k ? [AccountKey(account.Id), k] : [AccountKey(account.Id)], member);
        _held.TryAdd(permit, 0);
        return permit;
    }

    private async Task<bool> TakeAsync(IDatabase db, RedisKey key, int limit, string member, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var result = await db.ScriptEvaluateAsync(AcquireScript, [key],
            [now.ToUnixTimeMilliseconds(), (now + PermitTtl).ToUnixTimeMilliseconds(), limit, member, (long)(PermitTtl * 2).TotalMilliseconds])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <summary>Tells every instance that this account's budget is wanted (at most every 200 ms per account).</summary>
    private void Announce(string accountId)
    {
        var now = _time.GetTimestamp();
        var last = _announced.GetOrAdd(accountId, 0);
        if (last != 0 && _time.GetElapsedTime(last, now) < TimeSpan.FromMilliseconds(200)) return;
        _announced[accountId] = now;
        _ = _redis.GetSubscriber().PublishAsync(_wantedChannel, accountId, CommandFlags.FireAndForget);
        if (_announced.Count > 10_000) _announced.Clear();
    }

    private async Task RenewAsync()
    {
        var expiry = (double)(_time.GetUtcNow() + PermitTtl).ToUnixTimeMilliseconds();
        var db = _redis.GetDatabase();
        try
        {
            await Task.WhenAll(_held.Keys.SelectMany(p => p.Keys.Select(k =>
                db.SortedSetAddAsync(k, p.Member, expiry, SortedSetWhen.Exists)))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            BudgetLog.Unavailable(_logger, ex);
        }
    }

    private async ValueTask ReleaseAsync(Permit permit)
    {
        if (!_held.TryRemove(permit, out _)) return;
        try
        {
            var db = _redis.GetDatabase();
            await Task.WhenAll(permit.Keys.Select(k => db.SortedSetRemoveAsync(k, permit.Member))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            BudgetLog.Unavailable(_logger, ex); // it lapses by itself
        }
    }

    public void Dispose() => _renewal.Dispose();

    private sealed class Permit(RedisConnectionBudget owner, RedisKey[] keys, string member) : IAsyncDisposable
    {
        public RedisKey[] Keys { get; } = keys;
        public string Member { get; } = member;
        public ValueTask DisposeAsync() => owner.ReleaseAsync(this);
    }
}

internal static partial class BudgetLog
{
    [LoggerMessage(EventId = 3710, EventName = "BudgetUnavailable", Level = LogLevel.Warning,
        Message = "The cluster-wide IMAP connection budget could not be read or written in Redis; local limits apply")]
    public static partial void Unavailable(ILogger logger, Exception exception);
}
