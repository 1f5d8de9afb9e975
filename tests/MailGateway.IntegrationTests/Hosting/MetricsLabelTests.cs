using System.Net;
using System.Net.Http.Headers;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Hosting;

/// <summary>Message bodies are not IMAP commands (user143): a message whose lines look like tagged commands is
/// appended through the API, and the anonymous /metrics shows only the fixed command labels.</summary>
public class MetricsLabelTests(MailEnvFixture fixture)
{
    private const string User = "user143";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Appended_lines_that_look_like_commands_never_become_metric_labels()
    {
        var me = await MailUser.GetAsync(fixture, MailServerKind.Dovecot, User, env => env.SeedAsync(User, 1, _ct));
        var lines = string.Concat(Enumerable.Range(0, 200).Select(i => $"Z{i} EVILCOMMAND{i}\r\nA{i:D8} XEVILVERB now\r\n"));
        var raw = $"From: a@example.test\r\nTo: b@example.test\r\nSubject: labels\r\n\r\nZ9 EVILCOMMAND\r\n{lines}";
        using var content = new StringContent(raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var appended = await me.Client.PostAsync(me.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages"), content, _ct);
        Assert.Equal(HttpStatusCode.Created, appended.StatusCode);

        using var anonymous = fixture.App.CreateAnonymousClient();
        var metrics = await anonymous.GetStringAsync("/metrics", _ct);
        Assert.Contains("mailgateway_imap_commands", metrics);
        Assert.Contains("command=\"APPEND\"", metrics);
        Assert.DoesNotContain("EVIL", metrics, StringComparison.Ordinal);
    }
}
