namespace MailGateway.Api.Webhooks;

/// <summary>
/// Redis layout (prefix <c>mg:{whq}:</c>): one due queue per endpoint, <c>q:{webhookId}</c> zset (score = due unix ms,
/// member = <c>{seq:D16}|{deliveryId}</c>, so equal due times keep event order), and <c>ready</c>, a zset of endpoints
/// scored by when their next delivery may be claimed: the due time of their head, or, while all their slots are in
/// flight, the end of their earliest lease (a release scores them again at once). Claiming takes the endpoint with the
/// oldest due head that has room, so a busy or hanging endpoint with any backlog costs one skip per claim and never
/// starves the others. <c>processing</c> zset (score = lease end), <c>inflight:{webhookId}</c> zset of delivery ids
/// under lease, <c>d:{deliveryId}</c> hash (webhookId, member, seq, lease, json), <c>log:{webhookId}</c> zset by seq,
/// <c>parked:{webhookId}</c> set, <c>seq</c> counter; <c>due</c> is the former single queue, drained into the
/// per-endpoint ones. Every state change is one Lua script, so it is atomic. The scripts touch keys derived inside
/// them from the prefix; its hash tag puts every queue key in one slot, so they also run on Redis Cluster.
/// </summary>
internal sealed partial class RedisWebhookQueue
{
    // Scores endpoint wh in 'ready' by its queue's head (removed when empty). P = prefix.
    private const string Touch = """
        local function touch(P, wh)
          local head = redis.call('ZRANGE', P .. 'q:' .. wh, 0, 0, 'WITHSCORES')
          if #head == 0 then redis.call('ZREM', P .. 'ready', wh) else redis.call('ZADD', P .. 'ready', head[2], wh) end
        end
        """;

    // KEYS: d:{id}, q:{wh}, log:{wh}, seq. ARGV: webhookId, json, dueMs ('' = a notice, not queued), logLength, id, ttlSeconds, prefix.
    private const string EnqueueScript = Touch + "\n" + """
        if redis.call('HSETNX', KEYS[1], 'webhookId', ARGV[1]) == 0 then return 0 end
        local seq = redis.call('INCR', KEYS[4])
        local member = string.format('%016d|', seq) .. ARGV[5]
        redis.call('HSET', KEYS[1], 'member', member, 'seq', seq, 'json', ARGV[2])
        if ARGV[3] ~= '' then
          redis.call('ZADD', KEYS[2], ARGV[3], member)
          touch(ARGV[7], ARGV[1])
        else
          redis.call('EXPIRE', KEYS[1], ARGV[6])
        end
        redis.call('ZADD', KEYS[3], seq, ARGV[5])
        redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[4]) - 1)
        return seq
        """;

    // KEYS: ready, processing, due (former single queue). ARGV: nowMs, leaseUntilMs, maxPerEndpoint, token, prefix.
    private const string ClaimScript = Touch + "\n" + """
        local P = ARGV[5]
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 100)
        for _, m in ipairs(expired) do
          redis.call('ZREM', KEYS[2], m)
          local id = string.sub(m, 18)
          local dkey = P .. 'd:' .. id
          local wh = redis.call('HGET', dkey, 'webhookId')
          if wh then
            redis.call('ZREM', P .. 'inflight:' .. wh, id)
            redis.call('HDEL', dkey, 'lease')
            redis.call('ZADD', P .. 'q:' .. wh, ARGV[1], m)
            touch(P, wh)
          end
        end
        local legacy = redis.call('ZRANGE', KEYS[3], 0, 199, 'WITHSCORES')
        for i = 1, #legacy, 2 do
          local m = legacy[i]
          redis.call('ZREM', KEYS[3], m)
          local wh = redis.call('HGET', P .. 'd:' .. string.sub(m, 18), 'webhookId')
          if wh then
            redis.call('ZADD', P .. 'q:' .. wh, legacy[i + 1], m)
            touch(P, wh)
          end
        end
        for _ = 1, 50 do
          local ready = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
          if #ready == 0 then return false end
          local wh = ready[1]
          local qk = P .. 'q:' .. wh
          local ik = P .. 'inflight:' .. wh
          redis.call('ZREMRANGEBYSCORE', ik, '-inf', ARGV[1])
          local head = redis.call('ZRANGE', qk, 0, 0)
          if #head == 0 then
            redis.call('ZREM', KEYS[1], wh)
          elseif redis.call('ZCARD', ik) >= tonumber(ARGV[3]) then
            local first = redis.call('ZRANGE', ik, 0, 0, 'WITHSCORES')
            redis.call('ZADD', KEYS[1], first[2], wh)
          else
            local m = head[1]
            redis.call('ZREM', qk, m)
            local id = string.sub(m, 18)
            local dkey = P .. 'd:' .. id
            if redis.call('EXISTS', dkey) == 1 then
              redis.call('ZADD', ik, ARGV[2], id)
              redis.call('ZADD', KEYS[2], ARGV[2], m)
              redis.call('HSET', dkey, 'lease', ARGV[4])
              if redis.call('ZCARD', ik) >= tonumber(ARGV[3]) then
                redis.call('ZADD', KEYS[1], ARGV[2], wh)
              else
                touch(P, wh)
              end
              return {redis.call('HGET', dkey, 'json'), redis.call('HGET', dkey, 'seq')}
            end
            touch(P, wh)
          end
        end
        return false
        """;

    // KEYS: d:{id}, processing, inflight:{wh}, q:{wh}, parked:{wh}. ARGV: token, json, outcome (requeue|finish|park), dueMs, ttlSeconds, prefix, webhookId.
    private const string ReleaseScript = Touch + "\n" + """
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
        touch(ARGV[6], ARGV[7])
        return 1
        """;

    // KEYS: d:{id}, q:{wh}, parked:{wh}, due. ARGV: webhookId, json, nowMs, prefix.
    private const string RequeueScript = Touch + "\n" + """
        if redis.call('HGET', KEYS[1], 'webhookId') ~= ARGV[1] then return -1 end
        if redis.call('HEXISTS', KEYS[1], 'lease') == 1 then return 0 end
        local member = redis.call('HGET', KEYS[1], 'member')
        redis.call('SREM', KEYS[3], member)
        redis.call('HSET', KEYS[1], 'json', ARGV[2])
        redis.call('PERSIST', KEYS[1])
        redis.call('ZREM', KEYS[4], member)
        redis.call('ZADD', KEYS[2], ARGV[3], member)
        touch(ARGV[4], ARGV[1])
        return 1
        """;

    // KEYS: parked:{wh}, q:{wh}. ARGV: nowMs, prefix, webhookId.
    private const string UnparkScript = Touch + "\n" + """
        local members = redis.call('SMEMBERS', KEYS[1])
        for _, m in ipairs(members) do redis.call('ZADD', KEYS[2], ARGV[1], m) end
        redis.call('DEL', KEYS[1])
        touch(ARGV[2], ARGV[3])
        return #members
        """;

    // KEYS: log:{wh}, due, processing, parked:{wh}, inflight:{wh}, q:{wh}, ready. ARGV: prefix, webhookId.
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
        redis.call('DEL', KEYS[1], KEYS[4], KEYS[5], KEYS[6])
        redis.call('ZREM', KEYS[7], ARGV[2])
        return #ids
        """;

    // KEYS: ready, processing, due. ARGV: prefix. Deliveries waiting (every endpoint's queue) or in flight.
    private const string DepthScript = """
        local n = redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])
        for _, wh in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do n = n + redis.call('ZCARD', ARGV[1] .. 'q:' .. wh) end
        return n
        """;
}
