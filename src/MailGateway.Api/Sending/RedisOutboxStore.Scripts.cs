namespace MailGateway.Api.Sending;

/// <summary>
/// Redis layout (prefix <c>mg:{outbox}:</c>; the hash tag keeps every outbox key in one Redis Cluster slot, so each script
/// touches one slot): <c>s:{id}</c> hash (<c>json</c> = the submission, <c>state</c>, <c>lease</c>, <c>account</c>, <c>owner</c>),
/// <c>m:{id}</c> the MIME bytes, <c>due</c> zset (score = due unix ms), <c>processing</c> zset (score = lease end),
/// <c>a:{accountId}</c> zset of the account's submission ids by creation time, <c>k:{accountId}:{sha256(key)}</c> the
/// Idempotency-Key's submission id (expires after the window), <c>o:{sha256(ownerId)}</c> zset of the owner's pending
/// submission ids (the Sending:MaxPendingPerUser count). <c>state</c> is kept apart from the JSON so the scripts
/// can change it without re-encoding. Every state change is one script, so it is atomic.
/// </summary>
internal sealed partial class RedisOutboxStore
{
    // KEYS: s, m, due, a, k, o (the owner's pending set), processing. ARGV: id, json, state, mime, dueMs, createdMs, accountId,
    // windowSeconds ('' = no key), prefix, ownerId, maxPending (0 = no cap), ownerKeySeconds. Pending = still in due or
    // processing: members that left both (finished, canceled, expired) are pruned when the cap is reached, so release and
    // cancel need not maintain the set and the count is exact at the moment of the add. Answers the id, a known id, or '!full'.
    private const string AddScript = """
        if ARGV[8] ~= '' then
          local known = redis.call('GET', KEYS[5])
          if known and redis.call('EXISTS', ARGV[9] .. 's:' .. known) == 1 then return known end
        end
        local cap = tonumber(ARGV[11])
        if cap > 0 and redis.call('ZCARD', KEYS[6]) >= cap then
          for _, id in ipairs(redis.call('ZRANGE', KEYS[6], 0, -1)) do
            if not redis.call('ZSCORE', KEYS[3], id) and not redis.call('ZSCORE', KEYS[7], id) then
              redis.call('ZREM', KEYS[6], id)
            end
          end
          if redis.call('ZCARD', KEYS[6]) >= cap then return '!full' end
        end
        redis.call('HSET', KEYS[1], 'json', ARGV[2], 'state', ARGV[3], 'account', ARGV[7], 'owner', ARGV[10])
        redis.call('SET', KEYS[2], ARGV[4])
        redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
        redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
        if ARGV[8] ~= '' then redis.call('SET', KEYS[5], ARGV[1], 'EX', ARGV[8]) end
        if cap > 0 then
          redis.call('ZADD', KEYS[6], ARGV[6], ARGV[1])
          redis.call('EXPIRE', KEYS[6], ARGV[12])
        end
        return ARGV[1]
        """;

    // KEYS: due, processing. ARGV: nowMs, leaseUntilMs, token, prefix, leftover tokens (comma-separated, '' = none): claims
    // this instance asked for but never heard back from (a stalled Redis ran them later); they go back to due at once
    // instead of waiting out their lease. ARGV[6]: how many due submissions to look at; ARGV[7..]: owners this instance is
    // busy with, whose due submissions are skipped (fair sharing: one user's hanging server holds one sender, not all).
    private const string ClaimScript = """
        if ARGV[5] ~= '' then
          local mine = {}
          for t in string.gmatch(ARGV[5], '[^,]+') do mine[t] = true end
          for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
            local lease = redis.call('HGET', ARGV[4] .. 's:' .. id, 'lease')
            if lease and mine[lease] then
              redis.call('ZREM', KEYS[2], id)
              redis.call('HDEL', ARGV[4] .. 's:' .. id, 'lease')
              redis.call('ZADD', KEYS[1], ARGV[1], id)
            end
          end
        end
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 100)
        for _, id in ipairs(expired) do
          redis.call('ZREM', KEYS[2], id)
          redis.call('HDEL', ARGV[4] .. 's:' .. id, 'lease')
          redis.call('ZADD', KEYS[1], ARGV[1], id)
        end
        local busy = {}
        for i = 7, #ARGV do busy[ARGV[i]] = true end
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[6]))) do
          local skey = ARGV[4] .. 's:' .. id
          local state = redis.call('HGET', skey, 'state')
          if not state or state == 'canceled' then
            redis.call('ZREM', KEYS[1], id)
          else
            local owner = redis.call('HGET', skey, 'owner')
            if not (owner and busy[owner]) then
              redis.call('ZREM', KEYS[1], id)
              if state == 'queued' or state == 'scheduled' then
                state = 'sending'
                redis.call('HSET', skey, 'state', state)
              end
              redis.call('HSET', skey, 'lease', ARGV[3])
              redis.call('ZADD', KEYS[2], ARGV[2], id)
              return {id, redis.call('HGET', skey, 'json'), state}
            end
          end
        end
        return false
        """;

    // KEYS: s. ARGV: token, json, state.
    private const string CheckpointScript = """
        if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'json', ARGV[2], 'state', ARGV[3])
        return 1
        """;

    // KEYS: s, due, processing, m. ARGV: token, json, state, dueMs ('' = finished), id, retentionSeconds.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'json', ARGV[2], 'state', ARGV[3])
        redis.call('HDEL', KEYS[1], 'lease')
        redis.call('ZREM', KEYS[3], ARGV[5])
        if ARGV[4] ~= '' then
          redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
        else
          redis.call('EXPIRE', KEYS[1], ARGV[6])
          redis.call('EXPIRE', KEYS[4], ARGV[6])
        end
        return 1
        """;

    // KEYS: s, due, m. ARGV: id, json, retentionSeconds, json read before (compare-and-set: the canceled record is made
    // from it). Answers the state afterwards ('' = no such submission, '!changed' = the record changed since it was read).
    private const string CancelScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
        if redis.call('HGET', KEYS[1], 'json') ~= ARGV[4] then return '!changed' end
        local state = redis.call('HGET', KEYS[1], 'state')
        if (state == 'queued' or state == 'scheduled') and not redis.call('HGET', KEYS[1], 'lease') then
          redis.call('HSET', KEYS[1], 'state', 'canceled', 'json', ARGV[2])
          redis.call('ZREM', KEYS[2], ARGV[1])
          redis.call('EXPIRE', KEYS[1], ARGV[3])
          redis.call('EXPIRE', KEYS[3], ARGV[3])
          return 'canceled'
        end
        return state
        """;
}
