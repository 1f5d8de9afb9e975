using System.Text.Json;
using MailGateway.Api.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Webhooks;

/// <summary>The durable queue shared by every instance (layout and scripts in RedisWebhookQueue.Scripts.cs).</summary>
internal sealed partial class RedisWebhookQueue(IConnectionMultiplexer redis, RedisKeys keys, IOptions<WebhookOptions> options) : IWebhookQueue
{
    private readonly string _prefix = keys.GroupPrefix("whq");
    private readonly RedisKey _due = keys.GroupPrefix("whq") + "due"; // the former single queue, drained by ClaimScript
    private readonly RedisKey _ready = keys.GroupPrefix("whq") + "ready";
    private readonly RedisKey _processing = keys.GroupPrefix("whq") + "processing";
    private readonly RedisKey _sequence = keys.GroupPrefix("whq") + "seq";

    private IDatabase Db => redis.GetDatabase();
    private WebhookOptions Options => options.Value;

    private RedisKey DeliveryKey(string id) => _prefix + "d:" + id;
    private RedisKey LogKey(string webhookId) => _prefix + "log:" + webhookId;
    private RedisKey ParkedKey(string webhookId) => _prefix + "parked:" + webhookId;
    private RedisKey InflightKey(string webhookId) => _prefix + "inflight:" + webhookId;
    private RedisKey QueueKey(string webhookId) => _prefix + "q:" + webhookId;
    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
    private long TtlSeconds => (long)Options.DeliveryRetention.TotalSeconds;

    public async Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        var due = delivery.NextAttemptAt ?? DateTimeOffset.UtcNow;
        var result = await Db.ScriptEvaluateAsync(EnqueueScript,
            [DeliveryKey(delivery.Id), QueueKey(delivery.WebhookId), LogKey(delivery.WebhookId), _sequence],
            [delivery.WebhookId, Serialize(delivery), Ms(due), Options.DeliveryLogLength, delivery.Id, TtlSeconds, _prefix]).ConfigureAwait(false);
        return (long)result > 0;
    }

    public Task AddNoticeAsync(WebhookDelivery notice, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(EnqueueScript,
            [DeliveryKey(notice.Id), QueueKey(notice.WebhookId), LogKey(notice.WebhookId), _sequence],
            [notice.WebhookId, Serialize(notice), "", Options.DeliveryLogLength, notice.Id, TtlSeconds, _prefix]);

    public async Task<ClaimedDelivery?> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var token = Guid.NewGuid().ToString("N");
        var result = await Db.ScriptEvaluateAsync(ClaimScript, [_ready, _processing, _due],
            [Ms(now), Ms(now + Options.Lease), Options.MaxConcurrencyPerEndpoint, token, _prefix]).ConfigureAwait(false);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
            return null;
        var parts = (RedisResult[])result!;
        var delivery = Deserialize((string)parts[0]!, (long)parts[1]);
        return new ClaimedDelivery(delivery, token);
    }

    public async Task<bool> ReleaseAsync(ClaimedDelivery claim, WebhookDelivery updated, ClaimOutcome outcome, CancellationToken cancellationToken = default)
    {
        var verb = outcome switch { ClaimOutcome.Requeue => "requeue", ClaimOutcome.Park => "park", _ => "finish" };
        var due = updated.NextAttemptAt ?? DateTimeOffset.UtcNow;
        var result = await Db.ScriptEvaluateAsync(ReleaseScript,
            [DeliveryKey(updated.Id), _processing, InflightKey(updated.WebhookId), QueueKey(updated.WebhookId), ParkedKey(updated.WebhookId)],
            [claim.LeaseToken, Serialize(updated), verb, Ms(due), TtlSeconds, _prefix, updated.WebhookId]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public Task UnparkAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(UnparkScript, [ParkedKey(webhookId), QueueKey(webhookId)], [Ms(now), _prefix, webhookId]);

    public async Task<bool?> RequeueAsync(WebhookDelivery updated, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var result = (long)await Db.ScriptEvaluateAsync(RequeueScript,
            [DeliveryKey(updated.Id), QueueKey(updated.WebhookId), ParkedKey(updated.WebhookId), _due],
            [updated.WebhookId, Serialize(updated), Ms(now), _prefix]).ConfigureAwait(false);
        return result < 0 ? null : result == 1;
    }

    public async Task<WebhookDelivery?> GetAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default)
    {
        var fields = await Db.HashGetAsync(DeliveryKey(deliveryId), ["webhookId", "json", "seq"]).ConfigureAwait(false);
        if (fields[0] != webhookId || fields[1].IsNull)
            return null;
        return Deserialize(fields[1]!, (long)fields[2]);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(string webhookId, int limit, CancellationToken cancellationToken = default)
    {
        var ids = await Db.SortedSetRangeByRankAsync(LogKey(webhookId), 0, limit - 1, Order.Descending).ConfigureAwait(false);
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(DeliveryKey(id!), ["json", "seq"])).ToList();
        batch.Execute();
        var list = new List<WebhookDelivery>(ids.Length);
        foreach (var read in reads)
        {
            var fields = await read.ConfigureAwait(false);
            if (!fields[0].IsNull)
                list.Add(Deserialize(fields[0]!, (long)fields[1]));
        }
        return list;
    }

    public Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(DeleteScript,
            [LogKey(webhookId), _due, _processing, ParkedKey(webhookId), InflightKey(webhookId), QueueKey(webhookId), _ready], [_prefix, webhookId]);

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        var ready = Db.SortedSetRangeByRankWithScoresAsync(_ready, 0, 0);
        var lease = Db.SortedSetRangeByRankWithScoresAsync(_processing, 0, 0);
        var legacy = Db.SortedSetRangeByRankWithScoresAsync(_due, 0, 0);
        var scores = (await ready.ConfigureAwait(false)).Concat(await lease.ConfigureAwait(false)).Concat(await legacy.ConfigureAwait(false))
            .Select(e => e.Score).ToList();
        return scores.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)scores.Min());
    }

    public async Task<long> DepthAsync(CancellationToken cancellationToken = default) =>
        (long)await Db.ScriptEvaluateAsync(DepthScript, [_ready, _processing, _due], [_prefix]).ConfigureAwait(false);

    public async Task<long> PendingAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        var queued = Db.SortedSetLengthAsync(QueueKey(webhookId));
        var inflight = Db.SortedSetLengthAsync(InflightKey(webhookId));
        return await queued.ConfigureAwait(false) + await inflight.ConfigureAwait(false);
    }

    private static string Serialize(WebhookDelivery delivery) => JsonSerializer.Serialize(delivery, WebhookJson.Options);

    private static WebhookDelivery Deserialize(string json, long sequence) =>
        JsonSerializer.Deserialize<WebhookDelivery>(json, WebhookJson.Options)! with { Sequence = sequence };
}

internal static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
