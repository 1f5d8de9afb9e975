using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MailGateway.Api.Events;

/// <summary>Meter <c>MailGateway.Events</c>: events published by type, active watchers, push latency.</summary>
internal sealed class EventsTelemetry
{
    public const string MeterName = "MailGateway.Events";

    private readonly Meter _meter;
    private readonly Counter<long> _redisDataLost;
    private readonly Counter<long> _published;
    private readonly Counter<long> _duplicates;
    private readonly UpDownCounter<long> _watchers;
    private readonly Histogram<double> _latency;

    public EventsTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _published = _meter.CreateCounter<long>("mailgateway.events.published", "{event}", "Events published, by type.");
        _duplicates = _meter.CreateCounter<long>("mailgateway.events.duplicates", "{event}", "Repeated events recognised by their id and dropped.");
        _watchers = _meter.CreateUpDownCounter<long>("mailgateway.events.watchers.active", "{account}", "Accounts this instance watches.");
        _redisDataLost = _meter.CreateCounter<long>("mailgateway.events.redis_data_lost", "{event}",
            "Times this instance found that Redis had lost its data (the boot marker was gone) and re-created watch demand.");
        _latency = _meter.CreateHistogram<double>("mailgateway.events.push.latency", "ms",
            "From the watcher learning of a change to the event being handed to every sink of the publishing instance.");
    }

    public void Published(string type) => _published.Add(1, new KeyValuePair<string, object?>("type", type));
    public void Duplicate(string type) => _duplicates.Add(1, new KeyValuePair<string, object?>("type", type));
    public void RedisDataLost() => _redisDataLost.Add(1);
    public void WatcherStarted() => _watchers.Add(1);
    public void WatcherStopped() => _watchers.Add(-1);
    public void PushLatency(long observedTimestamp, string type) =>
        _latency.Record(Stopwatch.GetElapsedTime(observedTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("type", type));
}
