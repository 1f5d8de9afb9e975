namespace MailGateway.Api.Webhooks;

/// <summary>
/// Redis layout (prefix <c>mg:{whq}:</c>): <c>due</c> zset (score = due unix ms, member = <c>{seq:D16}|{deliveryId}</c>, so equal
/// due times keep event order), <c>processing</c> zset (score = lease end), <c>inflight:{webhookId}</c> zset of delivery ids
/// under lease, <c>d:{deliveryId}</c> hash (webhookId, member, seq, lease, json), <c>log:{webhookId}</c> zset by seq,
/// <c>parked:{webhookId}</c> set, <c>seq</c> counter. Every state change is one Lua script, so it is atomic.
/// The scripts touch keys derived inside them from the prefix; its hash tag puts every queue key in one slot, so they
/// also run on Redis Cluster (the queue is one ordered structure: one slot is its natural home).
/// </summary>
internal sealed partial class RedisWebhookQueue
{
    // KEYS: d:{id}, due, log:{wh}, seq. ARGV: webhookId, json, dueMs ('' = a notice, not queued), logLength, id, ttlSeconds.
    private const string EnqueueScript = """
        if redis.call('HSETNX', KEYS[1], 'webhookId', ARGV[1]) == 0 then return 0 end
        local seq = redis.call('INCR', KEYS[4])
        local member = string.format('%016d|', seq) .. ARGV[5]
        redis.call('HSET', KEYS[1], 'member', member, 'seq', seq, 'json', ARGV[2])
        if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], member) else redis.call('EXPIRE', KEYS[1], ARGV[6]) end
        redis.call('ZADD', KEYS[3], seq, ARGV[5])
        redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[4]) - 1)
        return seq
        """;

    // KEYS: due, processing. ARGV: nowMs, leaseUntilMs, maxPerEndpoint, token, prefix.
    private const string ClaimScript = """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 100)
        for _, m in ipairs(expired) do
          redis.call('ZREM', KEYS[2], m)
          local id = string.sub(m, 18)
          local dkey = ARGV[5] .. 'd:' .. id
          local wh = redis.call('HGET', dkey, 'webhookId')
          if wh then
            redis.call('ZREM', ARGV[5] .. 'inflight:' .. wh, id)
            redis.call('HDEL', dkey, 'lease')
            redis.call('ZADD', KEYS[1], ARGV[1], m)
          end
        end
        local offset = 0
        local full = {}
        while offset < 2000 do
          local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', offset, 200)
          if #items == 0 then return false end
          local removed = 0
          for _, m in ipairs(items) do
            local id = string.sub(m, 18)
            local dkey = ARGV[5] .. 'd:' .. id
            local wh = redis.call('HGET', dkey, 'webhookId')
            if not wh then
              redis.call('ZREM', KEYS[1], m)
              removed = removed + 1
            elseif not full[wh] then
              local ik = ARGV[5] .. 'inflight:' .. wh
              redis.call('ZREMRANGEBYSCORE', ik, '-inf', ARGV[1])
              if redis.call('ZCARD', ik) < tonumber(ARGV[3]) then
                redis.call('ZREM', KEYS[1], m)
                redis.call('ZADD', ik, ARGV[2], id)
                redis.call('ZADD', KEYS[2], ARGV[2], m)
                redis.call('HSET', dkey, 'lease', ARGV[4])
                return {redis.call('HGET', dkey, 'json'), redis.call('HGET', dkey, 'seq')}
              end
              full[wh] = true
            end
          end
          offset = offset + #items - removed
        end
        return false
        """;

    // KEYS: d:{id}, processing, inflight:{wh}, due, parked:{wh}. ARGV: token, json, outcome (requeue|finish|park), dueMs, ttlSeconds.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end
        local member = redis.call('HGET', KEYS[1], 'member')
        local id = string.sub(member, 18)
        redis.call('HDEL', KEYS[1], 'lease')
        redis.call('ZREM', KEYS[2], member)
        redis.call('ZREM', KEYS[3], id)
        redis.call('HSET', KEYS[1], 'json', ARGV[2])
        if ARGV[3] == 'requeue' then
          redis.call('ZADD', KEYS[4], ARGV[4], member)
        elseif ARGV[3] == 'park' then
          redis.call('SADD', KEYS[5], member)
        else
          redis.call('EXPIRE', KEYS[1], ARGV[5])
        end
        return 1
        """;

    // KEYS: d:{id}, due, parked:{wh}. ARGV: webhookId, json, nowMs.
    private const string RequeueScript = """
        if redis.call('HGET', KEYS[1], 'webhookId') ~= ARGV[1] then return -1 end
        if redis.call('HEXISTS', KEYS[1], 'lease') == 1 then return 0 end
        local member = redis.call('HGET', KEYS[1], 'member')
        redis.call('SREM', KEYS[3], member)
        redis.call('HSET', KEYS[1], 'json', ARGV[2])
        redis.call('PERSIST', KEYS[1])
        redis.call('ZADD', KEYS[2], ARGV[3], member)
        return 1
        """;

    // KEYS: parked:{wh}, due. ARGV: nowMs.
    private const string UnparkScript = """
        local members = redis.call('SMEMBERS', KEYS[1])
        for _, m in ipairs(members) do redis.call('ZADD', KEYS[2], ARGV[1], m) end
        redis.call('DEL', KEYS[1])
        return #members
        """;

    // KEYS: log:{wh}, due, processing, parked:{wh}, inflight:{wh}. ARGV: prefix.
    private const string DeleteScript = """
        local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
        for _, id in ipairs(ids) do
          local dkey = ARGV[1] .. 'd:' .. id
          local member = redis.call('HGET', dkey, 'member')
          if member then
            redis.call('ZREM', KEYS[2], member)
            redis.call('ZREM', KEYS[3], member)
          end
          redis.call('DEL', dkey)
        end
        redis.call('DEL', KEYS[1], KEYS[4], KEYS[5])
        return #ids
        """;
}
