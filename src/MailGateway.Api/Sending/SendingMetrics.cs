using System.Diagnostics.Metrics;

namespace MailGateway.Api.Sending;

/// <summary>Meter <c>MailGateway.Sending</c>: submissions by outcome and SMTP reply class, and the time to acceptance.</summary>
internal sealed class SendingMetrics
{
    public const string MeterName = "MailGateway.Sending";
    private readonly Counter<long> _submissions;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _delay;

    public SendingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _submissions = meter.CreateCounter<long>("mailgateway.sending.submissions", description: "Submissions by outcome (queued, sent, failed, canceled, limited)");
        _attempts = meter.CreateCounter<long>("mailgateway.sending.attempts", description: "SMTP attempts by outcome and reply class (2xx, 4xx, 5xx, none)");
        _delay = meter.CreateHistogram<double>("mailgateway.sending.accept_delay", "s", "Time from submission to the server accepting DATA");
    }

    public void Submission(string outcome) => _submissions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Attempt(string outcome, string replyClass) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reply_class", replyClass));

    public void Accepted(TimeSpan delay) => _delay.Record(delay.TotalSeconds);
}
