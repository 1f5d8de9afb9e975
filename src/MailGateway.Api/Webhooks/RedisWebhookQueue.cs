using System.Text.Json;
using MailGateway.Api.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Webhooks;

/// <summary>The durable queue shared by every instance (layout and scripts in RedisWebhookQueue.Scripts.cs).</summary>
internal sealed partial class RedisWebhookQueue(IConnectionMultiplexer redis, IOptions<WebhookOptions> options) : IWebhookQueue
{
    private static readonly string Prefix = RedisKeys.GroupPrefix("whq");
    private static readonly RedisKey Due = Prefix + "due"; // the former single queue, drained by ClaimScript
    private static readonly RedisKey Ready = Prefix + "ready";
    private static readonly RedisKey Processing = Prefix + "processing";
    private static readonly RedisKey Sequence = Prefix + "seq";

    private IDatabase Db => redis.GetDatabase();
    private WebhookOptions Options => options.Value;

    private static RedisKey DeliveryKey(string id) => Prefix + "d:" + id;
    private static RedisKey LogKey(string webhookId) => Prefix + "log:" + webhookId;
    private static RedisKey ParkedKey(string webhookId) => Prefix + "parked:" + webhookId;
    private static RedisKey InflightKey(string webhookId) => Prefix + "inflight:" + webhookId;
    private static RedisKey QueueKey(string webhookId) => Prefix + "q:" + webhookId;
    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
    private long TtlSeconds => (long)Options.DeliveryRetention.TotalSeconds;

    public async Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        var due = delivery.NextAttemptAt ?? DateTimeOffset.UtcNow;
        var result = await Db.ScriptEvaluateAsync(EnqueueScript,
            [DeliveryKey(delivery.Id), QueueKey(delivery.WebhookId), LogKey(delivery.WebhookId), Sequence],
            [delivery.WebhookId, Serialize(delivery), Ms(due), Options.DeliveryLogLength, delivery.Id, TtlSeconds, Prefix]).ConfigureAwait(false);
        return (long)result > 0;
    }

    public Task AddNoticeAsync(WebhookDelivery notice, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(EnqueueScript,
            [DeliveryKey(notice.Id), QueueKey(notice.WebhookId), LogKey(notice.WebhookId), Sequence],
            [notice.WebhookId, Serialize(notice), "", Options.DeliveryLogLength, notice.Id, TtlSeconds, Prefix]);

    public async Task<ClaimedDelivery?> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var token = Guid.NewGuid().ToString("N");
        var result = await Db.ScriptEvaluateAsync(ClaimScript, [Ready, Processing, Due],
            [Ms(now), Ms(now + Options.Lease), Options.MaxConcurrencyPerEndpoint, token, Prefix]).ConfigureAwait(false);
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
            [DeliveryKey(updated.Id), Processing, InflightKey(updated.WebhookId), QueueKey(updated.WebhookId), ParkedKey(updated.WebhookId)],
            [claim.LeaseToken, Serialize(updated), verb, Ms(due), TtlSeconds, Prefix, updated.WebhookId]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public Task UnparkAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(UnparkScript, [ParkedKey(webhookId), QueueKey(webhookId)], [Ms(now), Prefix, webhookId]);

    public async Task<bool?> RequeueAsync(WebhookDelivery updated, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var result = (long)await Db.ScriptEvaluateAsync(RequeueScript,
            [DeliveryKey(updated.Id), QueueKey(updated.WebhookId), ParkedKey(updated.WebhookId), Due],
            [updated.WebhookId, Serialize(updated), Ms(now), Prefix]).ConfigureAwait(false);
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
            [LogKey(webhookId), Due, Processing, ParkedKey(webhookId), InflightKey(webhookId), QueueKey(webhookId), Ready], [Prefix, webhookId]);

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        var ready = Db.SortedSetRangeByRankWithScoresAsync(Ready, 0, 0);
        var lease = Db.SortedSetRangeByRankWithScoresAsync(Processing, 0, 0);
        var legacy = Db.SortedSetRangeByRankWithScoresAsync(Due, 0, 0);
        var scores = (await ready.ConfigureAwait(false)).Concat(await lease.ConfigureAwait(false)).Concat(await legacy.ConfigureAwait(false))
            .Select(e => e.Score).ToList();
        return scores.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)scores.Min());
    }

    public async Task<long> DepthAsync(CancellationToken cancellationToken = default) =>
        (long)await Db.ScriptEvaluateAsync(DepthScript, [Ready, Processing, Due], [Prefix]).ConfigureAwait(false);

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
