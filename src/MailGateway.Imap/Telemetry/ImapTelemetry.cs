using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MailGateway.Imap;

/// <summary>Metrics of the IMAP layer (Meter <c>MailGateway.Imap</c>). <see cref="CommandCount"/> is the running
/// total of IMAP commands this instance sent, read by tests that assert a bounded number of commands.</summary>
public sealed class ImapTelemetry
{
    public const string MeterName = "MailGateway.Imap";

    private readonly Meter _meter;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _commandDuration;
    private readonly Histogram<double> _connectDuration;
    private readonly Histogram<double> _leaseWait;
    private readonly UpDownCounter<long> _leasesActive;
    private long _commandCount;
    private long _loginCount;
    private long _connectionsOpen;

    public ImapTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _logins = _meter.CreateCounter<long>("mailgateway.imap.logins", "{login}", "IMAP authentication attempts by outcome.");
        _commands = _meter.CreateCounter<long>("mailgateway.imap.commands", "{command}", "IMAP commands sent, by command name.");
        _commandDuration = _meter.CreateHistogram<double>("mailgateway.imap.command.duration", "s", "Time from sending an IMAP command to its tagged response.");
        _connectDuration = _meter.CreateHistogram<double>("mailgateway.imap.connect.duration", "s", "Connect, TLS and login time.");
        _leaseWait = _meter.CreateHistogram<double>("mailgateway.imap.lease.wait", "s", "Time a request waited for a pooled connection.");
        _leasesActive = _meter.CreateUpDownCounter<long>("mailgateway.imap.leases.active", "{lease}", "Pooled connections currently leased.");
        _meter.CreateObservableGauge("mailgateway.imap.connections.open", () => Interlocked.Read(ref _connectionsOpen), "{connection}", "Pooled IMAP connections open.");
    }

    /// <summary>IMAP commands sent since start (all connections made through the connector).</summary>
    public long CommandCount => Interlocked.Read(ref _commandCount);
    /// <summary>Authentication attempts since start (successful or not).</summary>
    public long LoginCount => Interlocked.Read(ref _loginCount);
    /// <summary>Pooled connections currently open.</summary>
    public long ConnectionsOpen => Interlocked.Read(ref _connectionsOpen);

    internal void CommandSent(string command)
    {
        Interlocked.Increment(ref _commandCount);
        _commands.Add(1, new KeyValuePair<string, object?>("command", command));
    }

    internal void CommandCompleted(string command, string status, TimeSpan elapsed) =>
        _commandDuration.Record(elapsed.TotalSeconds, new("command", command), new("status", status));

    internal void Login(bool succeeded, string mechanism)
    {
        Interlocked.Increment(ref _loginCount);
        _logins.Add(1, new("outcome", succeeded ? "success" : "failure"), new("mechanism", mechanism));
    }

    internal void Connected(TimeSpan elapsed, string outcome) =>
        _connectDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    internal void LeaseWaited(TimeSpan elapsed, string outcome) =>
        _leaseWait.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    internal void LeaseStarted() => _leasesActive.Add(1);
    internal void LeaseEnded() => _leasesActive.Add(-1);
    internal void ConnectionOpened() => Interlocked.Increment(ref _connectionsOpen);
    internal void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    internal static TimeSpan Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp);
}
