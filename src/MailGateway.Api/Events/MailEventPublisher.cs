namespace MailGateway.Api.Events;

/// <summary>
/// The one pipeline. An event counts as published only when the durable side accepted it: it is claimed by its id
/// (a repeat, e.g. after a failover, is dropped), handed to the durable sinks (the webhook queue) and put on the
/// transport (the Redis Stream when Redis is configured), and only then marked published. Any failure on that
/// path releases the claim and fails the publish, so the watcher keeps its checkpoint and retries from IMAP state
/// (deterministic ids make the retry harmless). The live, best-effort sinks (SignalR) run after that.
/// </summary>
internal sealed class MailEventPublisher(
    IEnumerable<IMailEventSink> sinks,
    IEventDeduplicator deduplicator,
    IEventTransport transport,
    EventsTelemetry telemetry,
    ILogger<MailEventPublisher> logger) : IMailEventPublisher
{
    private readonly IMailEventSink[] _durable = sinks.Where(s => s.Delivery == EventDelivery.Once && s is IDurableMailEventSink).ToArray();
    private readonly IMailEventSink[] _live = sinks.Where(s => s.Delivery == EventDelivery.Once && s is not IDurableMailEventSink).ToArray();

    public async ValueTask PublishAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailEvent);
        switch (await deduplicator.TryClaimAsync(mailEvent.Id, cancellationToken).ConfigureAwait(false))
        {
            case EventClaim.Published:
                telemetry.Duplicate(mailEvent.Type);
                return;
            case EventClaim.InFlight:
                throw new EventPublishDeferredException(mailEvent.Id);
        }
        try
        {
            foreach (var sink in _durable)
                await sink.HandleAsync(mailEvent, cancellationToken).ConfigureAwait(false);
            await transport.DistributeAsync(mailEvent, cancellationToken).ConfigureAwait(false);
            await deduplicator.CompleteAsync(mailEvent.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not durable: let a retry of the same change through.
            EventsLog.PublishFailed(logger, mailEvent.Id, mailEvent.Type, ex);
            await deduplicator.ReleaseAsync(mailEvent.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        foreach (var sink in _live)
            await SinkInvoker.InvokeAsync(sink, mailEvent, logger, cancellationToken).ConfigureAwait(false);
        telemetry.Published(mailEvent.Type);
    }
}

/// <summary>Another attempt holds the event's claim (or a failed attempt's claim has not expired yet): the publish is
/// retried later, and the checkpoint does not move meanwhile.</summary>
internal sealed class EventPublishDeferredException(string eventId)
    : Exception($"Event {eventId} is being published by another attempt; retrying later.");

/// <summary>Calls the <see cref="EventDelivery.EveryInstance"/> sinks of this instance, once per event id.</summary>
internal sealed class LocalEventDispatcher(IEnumerable<IMailEventSink> sinks, ILogger<LocalEventDispatcher> logger)
{
    private readonly IMailEventSink[] _everyInstance = sinks.Where(s => s.Delivery == EventDelivery.EveryInstance).ToArray();
    private readonly RecentIds _seen = new(50_000);

    public async ValueTask DispatchAsync(MailEvent mailEvent, CancellationToken cancellationToken)
    {
        if (!_seen.Add(mailEvent.Id)) return;
        foreach (var sink in _everyInstance)
            await SinkInvoker.InvokeAsync(sink, mailEvent, logger, cancellationToken).ConfigureAwait(false);
    }
}

internal static class SinkInvoker
{
    /// <summary>One failing live (best-effort) sink must not keep the event from the others. Durable sinks are not
    /// called through here: their failure must fail the publish.</summary>
    public static async ValueTask InvokeAsync(IMailEventSink sink, MailEvent mailEvent, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await sink.HandleAsync(mailEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            EventsLog.SinkFailed(logger, sink.GetType().Name, mailEvent.Id, mailEvent.Type, ex);
        }
    }
}

/// <summary>Carries a claimed event to the <see cref="EventDelivery.EveryInstance"/> sinks of all instances.</summary>
internal interface IEventTransport
{
    ValueTask DistributeAsync(MailEvent mailEvent, CancellationToken cancellationToken);
}

/// <summary>One instance, no Redis: this instance's sinks are all there is.</summary>
internal sealed class InMemoryEventTransport(LocalEventDispatcher dispatcher) : IEventTransport
{
    public ValueTask DistributeAsync(MailEvent mailEvent, CancellationToken cancellationToken) => dispatcher.DispatchAsync(mailEvent, cancellationToken);
}
