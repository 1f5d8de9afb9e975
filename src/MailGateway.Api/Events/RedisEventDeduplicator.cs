using System.Collections.Concurrent;
using MailGateway.Api.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Events;

/// <summary>
/// Cluster-wide: <c>mg:event:{id}</c> is <c>pending:&lt;token&gt;</c> (claimed, <see cref="EventsOptions.PublishClaimTtl"/>)
/// while an attempt publishes, then <c>1</c> (published, <see cref="EventsOptions.DedupeWindow"/>). Survives restarts
/// and failovers.
/// Each attempt claims with a token of its own. When an attempt's outcome is unknown (its claim, or the release of its
/// failed publish, timed out: a frozen Redis may still execute it after it thaws), this instance keeps the token, and
/// its next attempt at the same id takes that leftover claim back at once instead of waiting for it to expire. A kept
/// token is handed to one attempt only, so two attempts never hold one claim; on another instance the leftover expires.
/// </summary>
internal sealed class RedisEventDeduplicator(IConnectionMultiplexer redis, RedisKeys keys, IOptions<EventsOptions> options, TimeProvider time) : IEventDeduplicator
{
    private const int MaxLeftovers = 10_000;

    // 0 claimed (free, or this attempt's own leftover), 1 published, 2 another attempt's claim. "pending" alone is the
    // value of gateways before tokens.
    private const string ClaimScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
        local held = redis.call('GET', KEYS[1])
        if held == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 0
        end
        if held and string.sub(held, 1, 7) == 'pending' then return 2 end
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>The token of each claim this instance holds now.</summary>
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);

    /// <summary>Tokens of attempts whose claim may have been left behind, until that claim would have expired.</summary>
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> _leftovers = new(StringComparer.Ordinal);

    public async ValueTask<EventClaim> TryClaimAsync(string eventId, CancellationToken cancellationToken)
    {
        var ttl = options.Value.PublishClaimTtl;
        var token = TakeLeftover(eventId) ?? "pending:" + Guid.NewGuid().ToString("N");
        int result;
        try
        {
            result = (int)await redis.GetDatabase().ScriptEvaluateAsync(ClaimScript, [Key(eventId)], [token, (long)ttl.TotalMilliseconds])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            KeepLeftover(eventId, token);
            throw;
        }
        if (result == 0) _held[eventId] = token;
        return (EventClaim)result;
    }

    public async ValueTask CompleteAsync(string eventId, CancellationToken cancellationToken)
    {
        await redis.GetDatabase().StringSetAsync(Key(eventId), 1, options.Value.DedupeWindow).ConfigureAwait(false);
        _held.TryRemove(eventId, out _);
    }

    public async ValueTask ReleaseAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!_held.TryRemove(eventId, out var token)) return;
        try { await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(eventId)], [token]).ConfigureAwait(false); }
        catch (Exception ex) when (ex is RedisException or TimeoutException) { KeepLeftover(eventId, token); }
    }

    private string? TakeLeftover(string eventId) =>
        _leftovers.TryRemove(eventId, out var leftover) && leftover.Until > time.GetUtcNow() ? leftover.Token : null;

    private void KeepLeftover(string eventId, string token)
    {
        var now = time.GetUtcNow();
        if (_leftovers.Count >= MaxLeftovers)
            foreach (var (id, leftover) in _leftovers)
                if (leftover.Until <= now) _leftovers.TryRemove(id, out _);
        if (_leftovers.Count < MaxLeftovers) _leftovers[eventId] = (token, now + options.Value.PublishClaimTtl);
    }

    private RedisKey Key(string eventId) => keys.Of("event", eventId);
}
