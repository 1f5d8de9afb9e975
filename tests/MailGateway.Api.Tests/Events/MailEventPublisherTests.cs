using System.Text.Json;
using MailGateway.Api.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailGateway.Api.Tests.Events;

public sealed class MailEventPublisherTests
{
    private sealed class RecordingSink(EventDelivery delivery, bool fail = false) : IMailEventSink
    {
        public List<string> Seen { get; } = [];
        public EventDelivery Delivery => delivery;

        public ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
        {
            Seen.Add(mailEvent.Id);
            return fail ? throw new InvalidOperationException("sink failed") : ValueTask.CompletedTask;
        }
    }

    private sealed class Meters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }

    private static MailEvent Event(string id) => new(id, MailEventTypes.MessageCreated, DateTimeOffset.UnixEpoch, "acc", JsonDocument.Parse("{}").RootElement);

    [Fact]
    public async Task Every_sink_gets_each_event_once_and_a_failing_sink_does_not_stop_the_others()
    {
        var once = new RecordingSink(EventDelivery.Once);
        var failing = new RecordingSink(EventDelivery.Once, fail: true);
        var everywhere = new RecordingSink(EventDelivery.EveryInstance);
        IMailEventSink[] sinks = [failing, once, everywhere];
        var telemetry = new EventsTelemetry(new Meters());
        var dispatcher = new LocalEventDispatcher(sinks, NullLogger<LocalEventDispatcher>.Instance);
        var publisher = new MailEventPublisher(sinks, new InMemoryEventDeduplicator(), new InMemoryEventTransport(dispatcher), telemetry,
            NullLogger<MailEventPublisher>.Instance);

        await publisher.PublishAsync(Event("evt_1"), TestContext.Current.CancellationToken);
        await publisher.PublishAsync(Event("evt_1"), TestContext.Current.CancellationToken); // a repeat
        await publisher.PublishAsync(Event("evt_2"), TestContext.Current.CancellationToken);

        Assert.Equal(["evt_1", "evt_2"], once.Seen);
        Assert.Equal(["evt_1", "evt_2"], failing.Seen);
        Assert.Equal(["evt_1", "evt_2"], everywhere.Seen);
    }

    [Fact]
    public async Task Watch_demand_is_reference_counted()
    {
        var demand = new InMemoryWatchDemand();
        var ct = TestContext.Current.CancellationToken;
        var first = await demand.AcquireAsync("acc", WatchDemandSources.SignalR, ct);
        var second = await demand.AcquireAsync("acc", WatchDemandSources.SignalR, ct);
        await demand.SetPersistentDemandAsync("hooked", WatchDemandSources.Webhooks, true, ct);
        Assert.Equal(["acc", "hooked"], (await demand.GetDemandedAccountsAsync(ct)).Order());
        await first.DisposeAsync();
        await first.DisposeAsync(); // idempotent
        Assert.Contains("acc", await demand.GetDemandedAccountsAsync(ct));
        await second.DisposeAsync();
        await demand.SetPersistentDemandAsync("hooked", WatchDemandSources.Webhooks, false, ct);
        Assert.Empty(await demand.GetDemandedAccountsAsync(ct));
    }

    [Fact]
    public void Sync_state_round_trips_through_its_redis_format()
    {
        var state = new MailGateway.Imap.MailboxState(4000000000, 17, 123456789012);
        Assert.True(RedisSyncStateStore.TryParse(RedisSyncStateStore.Format(state), out var parsed));
        Assert.Equal(state, parsed);
        Assert.False(RedisSyncStateStore.TryParse("1:2", out _));
        Assert.False(RedisSyncStateStore.TryParse("x:2:3", out _));
    }
}
