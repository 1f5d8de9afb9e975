using System.Text;
using MailGateway.Imap.Pooling;
using MailGateway.Imap.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Unit;

public sealed class TelemetryTests
{
    private static ImapTelemetry Create()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new ImapTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    }

    [Fact]
    public void Tagged_client_lines_count_as_commands_even_split_across_writes()
    {
        var telemetry = Create();
        using var logger = new CommandCountingLogger(telemetry);
        void Client(string s) { var b = Encoding.ASCII.GetBytes(s); logger.LogClient(b, 0, b.Length); }
        void Server(string s) { var b = Encoding.ASCII.GetBytes(s); logger.LogServer(b, 0, b.Length); }

        Client("A00000001 CAPABILITY\r\n");
        Server("* CAPABILITY IMAP4rev1\r\nA00000001 OK done\r\n");
        Client("A00000002 UID FE");
        Client("TCH 1:5 (FLAGS)\r\n");
        Server("* 1 FETCH (UID 1 FLAGS ())\r\nA000");
        Server("00002 OK Fetch completed.\r\n");
        Client("dGVzdA==\r\n");       // a SASL continuation: not a command
        Client("DONE\r\n");           // IDLE end: not a command
        Assert.Equal(2, telemetry.CommandCount);
    }

    [Fact]
    public void Server_responses_never_leak_into_counts()
    {
        var telemetry = Create();
        using var logger = new CommandCountingLogger(telemetry);
        var data = Encoding.ASCII.GetBytes("* OK [CAPABILITY IMAP4rev1] ready\r\nA00000009 NO nope\r\n");
        logger.LogServer(data, 0, data.Length);
        Assert.Equal(0, telemetry.CommandCount);
    }

    [Fact]
    public void The_login_observer_text_is_cleaned_of_the_secret_and_control_characters()
    {
        var text = ImapConnector.SafeResponse("Bad token s3cr3t-value\r\n* injected", new ImapSecret("s3cr3t-value"));
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        Assert.Equal(200, ImapConnector.SafeResponse(new string('x', 500), new ImapSecret("pw12")).Length);
    }

    [Fact]
    public void Secrets_do_not_print()
    {
        Assert.DoesNotContain("hunter2", new ImapSecret("hunter2").ToString(), StringComparison.Ordinal);
    }
}
