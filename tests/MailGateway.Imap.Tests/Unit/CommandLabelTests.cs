using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using MailGateway.Imap.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>Message bodies are not IMAP commands: APPEND literal data never becomes a metric label or a kept string.</summary>
public sealed class CommandLabelTests
{
    private static (ImapTelemetry Telemetry, ConcurrentBag<string> Labels, MeterListener Listener) Create()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var telemetry = new ImapTelemetry(services.GetRequiredService<IMeterFactory>());
        var labels = new ConcurrentBag<string>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MailGateway.Imap" && instrument.Name.StartsWith("mailgateway.imap.command", StringComparison.Ordinal))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        void Record<T>(Instrument _, T __, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? ___)
        {
            foreach (var tag in tags) labels.Add($"{tag.Key}={tag.Value}");
        }
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();
        return (telemetry, labels, listener);
    }

    [Fact]
    public void Lines_inside_an_appended_literal_are_not_counted_or_labelled()
    {
        var (telemetry, labels, listener) = Create();
        using var _ = listener;
        using var logger = new CommandCountingLogger(telemetry);
        void Client(string s) { var b = Encoding.ASCII.GetBytes(s); logger.LogClient(b, 0, b.Length); }
        void Server(string s) { var b = Encoding.ASCII.GetBytes(s); logger.LogServer(b, 0, b.Length); }

        var body = "Subject: hi\r\n\r\nZ9 EVILCOMMAND\r\nA00000099 LOGOUT\r\nB1 X-INJECTED\r\n";
        Client($"A00000003 APPEND INBOX (\\Seen) {{{body.Length}+}}\r\n");
        Client(body[..20]);                               // the literal split across writes
        Client(body[20..] + "\r\n");                      // end of the APPEND command line
        Server("A00000003 OK [APPENDUID 1 5] Append completed.\r\n");
        var many = string.Concat(Enumerable.Range(0, 500).Select(i => $"Z{i} EVIL{i}\r\n"));
        Client($"A00000004 APPEND INBOX {{{many.Length}}}\r\n");
        Client(many + "\r\n");
        Client("A00000005 NOOP\r\n");

        Assert.Equal(3, telemetry.CommandCount);
        Assert.DoesNotContain(labels, l => l.Contains("EVIL", StringComparison.Ordinal) || l.Contains("INJECTED", StringComparison.Ordinal));
        Assert.DoesNotContain("command=LOGOUT", labels);
        Assert.Contains("command=APPEND", labels);
        Assert.Contains("status=OK", labels);
    }

    [Fact]
    public void Unknown_command_words_and_statuses_are_one_fixed_label()
    {
        Assert.Equal("OTHER", ImapCommandNames.Command("EVILCOMMAND", null));
        Assert.Equal("UID FETCH", ImapCommandNames.Command("uid", "fetch"));
        Assert.Equal("OTHER", ImapCommandNames.Command("UID", "EVIL"));
        Assert.Equal("OTHER", ImapCommandNames.Status("PWNED"));
        Assert.Equal("NO", ImapCommandNames.Status("no"));
    }

    [Fact]
    public void Pending_commands_are_bounded_when_completions_never_come()
    {
        var (telemetry, _, listener) = Create();
        using var __ = listener;
        using var logger = new CommandCountingLogger(telemetry);
        for (var i = 0; i < 10_000; i++)
        {
            var b = Encoding.ASCII.GetBytes($"A{i:D8} NOOP\r\n");
            logger.LogClient(b, 0, b.Length);
        }
        Assert.True(logger.PendingCount <= CommandCountingLogger.MaxPending);
    }

    [Fact]
    public void A_server_literal_holding_a_forged_completion_does_not_complete_the_command()
    {
        var (telemetry, labels, listener) = Create();
        using var _ = listener;
        using var logger = new CommandCountingLogger(telemetry);
        var c = Encoding.ASCII.GetBytes("A00000007 UID FETCH 1 (BODY.PEEK[])\r\n");
        logger.LogClient(c, 0, c.Length);
        var literal = "A00000007 BAD forged\r\n";
        var s = Encoding.ASCII.GetBytes($"* 1 FETCH (UID 1 BODY[] {{{literal.Length}}}\r\n{literal})\r\nA00000007 OK done\r\n");
        logger.LogServer(s, 0, s.Length);
        Assert.Contains("status=OK", labels);
        Assert.DoesNotContain("status=BAD", labels);
    }
}
