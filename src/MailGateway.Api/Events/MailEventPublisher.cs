namespace MailGateway.Api.Events;

/// <summary>
/// The one pipeline. A published event is first claimed by its id (a repeat, e.g. after a failover, is
/// dropped), then handed to the <see cref="EventDelivery.Once"/> sinks of this (the publishing) instance,
/// then distributed to the <see cref="EventDelivery.EveryInstance"/> sinks of every instance: through the
/// Redis Stream when Redis is configured, else directly.
/// </summary>
internal sealed class MailEventPublisher(
    IEnumerable<IMailEventSink> sinks,
    IEventDeduplicator deduplicator,
    IEventTransport transport,
    EventsTelemetry telemetry,
    ILogger<MailEventPublisher> logger) : IMailEventPublisher
{
    private readonly IMailEventSink[] _once = sinks.Where(s => s.Delivery == EventDelivery.Once).ToArray();

    public async ValueTask PublishAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailEvent);
        if (!await deduplicator.TryClaimAsync(mailEvent.Id, cancellationToken).ConfigureAwait(false))
        {
            telemetry.Duplicate(mailEvent.Type);
            return;
        }
        try
        {
            foreach (var sink in _once)
                await SinkInvoker.InvokeAsync(sink, mailEvent, logger, cancellationToken).ConfigureAwait(false);
            await transport.DistributeAsync(mailEvent, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not distributed: let a retry of the same change through.
            await deduplicator.ReleaseAsync(mailEvent.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        telemetry.Published(mailEvent.Type);
    }
}

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
    /// <summary>One failing sink must not keep the event from the others.</summary>
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
