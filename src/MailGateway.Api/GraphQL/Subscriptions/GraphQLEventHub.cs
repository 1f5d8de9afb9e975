using System.Collections.Immutable;
using System.Threading.Channels;
using MailGateway.Api.Events;

namespace MailGateway.Api.GraphQL.Subscriptions;

/// <summary>
/// The GraphQL subscriptions' tap on the one event pipeline: an <see cref="IMailEventSink"/> called on every
/// instance, which hands each event to the subscribers of its account on this instance. Each subscriber has a
/// bounded queue, so a slow socket loses its oldest events instead of holding up the pipeline.
/// </summary>
internal sealed class GraphQLEventHub(ILogger<GraphQLEventHub> logger) : IMailEventSink
{
    private const int QueueCapacity = 256;
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ImmutableArray<Subscriber>> _subscribers =
        ImmutableDictionary.Create<string, ImmutableArray<Subscriber>>(StringComparer.Ordinal);

    public EventDelivery Delivery => EventDelivery.EveryInstance;

    public ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _subscribers).TryGetValue(mailEvent.AccountId, out var subscribers))
            foreach (var subscriber in subscribers)
                subscriber.Offer(mailEvent, logger);
        return ValueTask.CompletedTask;
    }

    /// <summary>Events of one account (optionally only some types), from the moment of subscription.</summary>
    public IObservable<MailEvent> Watch(string accountId, IReadOnlySet<string>? types) => new EventStream(this, accountId, types);

    /// <summary>How many subscribers this instance has for an account (tests and diagnostics).</summary>
    public int CountSubscribers(string accountId) =>
        Volatile.Read(ref _subscribers).TryGetValue(accountId, out var s) ? s.Length : 0;

    private void Add(Subscriber subscriber)
    {
        lock (_gate)
        {
            var list = _subscribers.TryGetValue(subscriber.AccountId, out var existing) ? existing : [];
            _subscribers = _subscribers.SetItem(subscriber.AccountId, list.Add(subscriber));
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(subscriber.AccountId, out var list)) return;
            list = list.Remove(subscriber);
            _subscribers = list.IsEmpty ? _subscribers.Remove(subscriber.AccountId) : _subscribers.SetItem(subscriber.AccountId, list);
        }
    }

    private sealed class EventStream(GraphQLEventHub hub, string accountId, IReadOnlySet<string>? types) : IObservable<MailEvent>
    {
        public IDisposable Subscribe(IObserver<MailEvent> observer)
        {
            var subscriber = new Subscriber(hub, accountId, types, observer);
            hub.Add(subscriber);
            subscriber.Start();
            return subscriber;
        }
    }

    /// <summary>One subscription: a bounded queue and a pump that calls the observer one event at a time.</summary>
    private sealed class Subscriber(GraphQLEventHub hub, string accountId, IReadOnlySet<string>? types, IObserver<MailEvent> observer) : IDisposable
    {
        private readonly Channel<MailEvent> _queue = Channel.CreateBounded<MailEvent>(
            new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
        private int _lagging;

        public string AccountId => accountId;

        public void Offer(MailEvent mailEvent, ILogger logger)
        {
            if (types is not null && !types.Contains(mailEvent.Type)) return;
            if (_queue.Reader.Count >= QueueCapacity && Interlocked.Exchange(ref _lagging, 1) == 0)
                GraphQLLog.SubscriberLagging(logger, accountId);
            _queue.Writer.TryWrite(mailEvent);
        }

        public void Start() => _ = PumpAsync();

        private async Task PumpAsync()
        {
            await foreach (var mailEvent in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    observer.OnNext(mailEvent);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    observer.OnError(e);
                    Dispose();
                    return;
                }
            }
        }

        public void Dispose()
        {
            hub.Remove(this);
            _queue.Writer.TryComplete();
        }
    }
}
