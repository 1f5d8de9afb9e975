using System.Text.Json;
using MailGateway.Api.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailGateway.Api.Tests.Faults;

/// <summary>An event counts as published only when the durable side took it: a failing durable sink fails the
/// publish and releases the claim, so the retry (from IMAP state, same id) delivers it exactly once.</summary>
public sealed class DurablePublishTests
{
    private sealed class Sink : IDurableMailEventSink
    {
        public List<string> Seen { get; } = [];
        public int FailuresLeft { get; set; }
        public EventDelivery Delivery => EventDelivery.Once;

        public ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new TimeoutException("storage stalled");
            }
            Seen.Add(mailEvent.Id);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class LiveSink : IMailEventSink
    {
        public List<string> Seen { get; } = [];
        public EventDelivery Delivery => EventDelivery.Once;

        public ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
        {
            Seen.Add(mailEvent.Id);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Meters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }

    private static MailEvent Event(string id) => new(id, MailEventTypes.MessageCreated, DateTimeOffset.UnixEpoch, "acc", JsonDocument.Parse("{}").RootElement);

    private static MailEventPublisher Create(IEventDeduplicator dedupe, params IMailEventSink[] sinks) =>
        new(sinks, dedupe, new InMemoryEventTransport(new LocalEventDispatcher(sinks, NullLogger<LocalEventDispatcher>.Instance)),
            new EventsTelemetry(new Meters()), NullLogger<MailEventPublisher>.Instance);

    [Fact]
    public async Task A_failing_durable_sink_fails_the_publish_and_the_retry_delivers_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var durable = new Sink { FailuresLeft = 1 };
        var live = new LiveSink();
        var publisher = Create(new InMemoryEventDeduplicator(), durable, live);

        await Assert.ThrowsAsync<TimeoutException>(() => publisher.PublishAsync(Event("evt_1"), ct).AsTask());
        Assert.Empty(durable.Seen);
        Assert.Empty(live.Seen); // nothing live before the durable side has it

        await publisher.PublishAsync(Event("evt_1"), ct); // the watcher's retry, same deterministic id
        await publisher.PublishAsync(Event("evt_1"), ct); // and a repeat after that is a duplicate
        Assert.Equal(["evt_1"], durable.Seen);
        Assert.Equal(["evt_1"], live.Seen);
    }

    [Fact]
    public async Task An_event_claimed_by_an_unfinished_attempt_is_deferred_not_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        var dedupe = new InMemoryEventDeduplicator();
        Assert.Equal(EventClaim.Claimed, await dedupe.TryClaimAsync("evt_2", ct)); // an attempt that never finished
        var durable = new Sink();
        var publisher = Create(dedupe, durable);

        await Assert.ThrowsAsync<EventPublishDeferredException>(() => publisher.PublishAsync(Event("evt_2"), ct).AsTask());
        await dedupe.ReleaseAsync("evt_2", ct); // (in Redis: the claim's TTL ran out)
        await publisher.PublishAsync(Event("evt_2"), ct);
        Assert.Equal(["evt_2"], durable.Seen);
        Assert.Equal(EventClaim.Published, await dedupe.TryClaimAsync("evt_2", ct));
    }
}
