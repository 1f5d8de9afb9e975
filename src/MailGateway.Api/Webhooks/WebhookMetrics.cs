using System.Diagnostics.Metrics;

namespace MailGateway.Api.Webhooks;

/// <summary>Meter <c>MailGateway.Webhooks</c>: queue depth, deliveries by outcome, attempt latency.</summary>
internal sealed class WebhookMetrics
{
    public const string MeterName = "MailGateway.Webhooks";
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _enqueued;
    private readonly Histogram<double> _duration;
    private long _depth;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _attempts = meter.CreateCounter<long>("mailgateway.webhooks.deliveries", "{attempt}",
            "Delivery attempts by outcome: succeeded, retrying, dead_lettered.");
        _enqueued = meter.CreateCounter<long>("mailgateway.webhooks.enqueued", "{delivery}", "Deliveries added to the queue.");
        _duration = meter.CreateHistogram<double>("mailgateway.webhooks.attempt.duration", "s", "Duration of one delivery attempt.");
        meter.CreateObservableGauge("mailgateway.webhooks.queue.depth", () => Interlocked.Read(ref _depth), "{delivery}",
            "Deliveries waiting or in flight (cluster-wide with Redis).");
    }

    public void Attempted(string outcome, double durationMs)
    {
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(durationMs / 1000.0, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Enqueued() => _enqueued.Add(1);

    public void QueueDepth(long depth) => Interlocked.Exchange(ref _depth, depth);
}
