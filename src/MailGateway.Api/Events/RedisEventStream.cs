using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MailGateway.Api.Events;

/// <summary>Puts each event on the Redis Stream (<c>XADD mg:events MAXLEN ~ n</c>) and nudges the readers
/// with a PUBLISH, so every instance's <see cref="EventStreamReader"/> picks it up without waiting for its poll.</summary>
internal sealed class RedisEventTransport(IConnectionMultiplexer redis, IOptions<EventsOptions> options) : IEventTransport
{
    internal const string Field = "event";

    public async ValueTask DistributeAsync(MailEvent mailEvent, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var json = JsonSerializer.Serialize(mailEvent, MailEventFactory.Json);
        var db = redis.GetDatabase();
        await db.StreamAddAsync(o.StreamKey, Field, json, maxLength: o.StreamMaxLength, useApproximateMaxLength: true).ConfigureAwait(false);
        await db.PublishAsync(EventStreamReader.NotifyChannel(o), "1", CommandFlags.FireAndForget).ConfigureAwait(false);
    }
}

/// <summary>
/// Every instance reads the stream from where it was when the instance started and hands each event to its
/// <see cref="EventDelivery.EveryInstance"/> sinks. StackExchange.Redis has no blocking XREAD (it multiplexes one
/// connection), so the reader polls with XREAD and sleeps until a pub/sub nudge or the poll interval.
/// </summary>
internal sealed class EventStreamReader(
    IConnectionMultiplexer redis,
    LocalEventDispatcher dispatcher,
    IOptions<EventsOptions> options,
    ILogger<EventStreamReader> logger) : BackgroundService
{
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    internal static RedisChannel NotifyChannel(EventsOptions o) => RedisChannel.Literal(o.StreamKey + ":notify");

    /// <summary>Completes once the reader knows its start position (events published after it are delivered).</summary>
    public Task Ready => _ready.Task;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        RedisValue? position = null;
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Redis may be away at startup or later: the reader waits for it instead of failing the host.
                if (!subscribed)
                {
                    await redis.GetSubscriber().SubscribeAsync(NotifyChannel(o), (_, _) => _nudges.Writer.TryWrite(true)).ConfigureAwait(false);
                    subscribed = true;
                }
                var db = redis.GetDatabase();
                if (position is null)
                {
                    var last = await db.StreamRangeAsync(o.StreamKey, "-", "+", 1, Order.Descending).ConfigureAwait(false);
                    position = last.Length > 0 ? last[0].Id : "0-0";
                    _ready.TrySetResult();
                }
                var entries = await db.StreamReadAsync(o.StreamKey, position.Value, 100).ConfigureAwait(false);
                if (entries.Length == 0)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    wait.CancelAfter(o.StreamPollInterval);
                    try { await _nudges.Reader.ReadAsync(wait.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
                    continue;
                }
                foreach (var entry in entries)
                {
                    position = entry.Id;
                    var mailEvent = Parse(entry);
                    if (mailEvent is null) EventsLog.StreamEntryInvalid(logger, entry.Id.ToString());
                    else await dispatcher.DispatchAsync(mailEvent, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                EventsLog.StreamReadFailed(logger, ex);
                try { await Task.Delay(o.StreamPollInterval, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private static MailEvent? Parse(StreamEntry entry)
    {
        var json = entry[RedisEventTransport.Field];
        if (json.IsNullOrEmpty) return null;
        try { return JsonSerializer.Deserialize<MailEvent>((string)json!, MailEventFactory.Json); }
        catch (JsonException) { return null; }
    }
}
