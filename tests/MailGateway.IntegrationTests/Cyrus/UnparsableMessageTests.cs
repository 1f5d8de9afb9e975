using System.Text;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MimeKit;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>Issue 16 item 2: a message whose BODYSTRUCTURE carries a string over 4 KiB (a long Content-Description) never
/// breaks a page. Where MailKit refuses the server's answer (Cyrus sends the string as a literal), the page is fetched again
/// without BODYSTRUCTURE and PREVIEW: subject, addresses, size and flags are there, and the items say <c>unparsable</c>.</summary>
public sealed class UnparsableMessageTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task A_bodystructure_string_over_4096_bytes_does_not_break_the_page(MailServerKind server)
    {
        const string user = "user138";
        var env = await fixture.ServerAsync(server);
        var me = await MailUser.GetAsync(fixture, server, user, e => e.SeedAsync(user, 3, _ct));
        var marker = Guid.NewGuid().ToString("N");
        var description = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"d{i:D3}"));
        var raw = $"From: <a@example.test>\r\nTo: <{user}@example.test>\r\nSubject: Long description {marker}\r\nMessage-ID: <{marker}@example.test>\r\n" +
                  "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
                  "--b1\r\nContent-Type: text/plain\r\n\r\nvisible text\r\n" +
                  $"--b1\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\nContent-Description: {description}\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b1--\r\n";
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(raw));
        var uid = await env.AppendAsync(user, "INBOX", await MimeMessage.LoadAsync(stream, _ct), _ct);

        // Cyrus sends the description as a 4 KiB+ literal that MailKit refuses; Dovecot as a quoted string it reads.
        var page = await me.GetAsync<Page>($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=10");
        var item = page.Items.Single(i => i.Uid == uid);
        Assert.Equal($"Long description {marker}", item.Subject);
        Assert.Equal("a@example.test", Assert.Single(item.From).Address);
        Assert.True(item.Size > 5000);
        using var response = await me.Client.GetAsync(me.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=10"), _ct);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct));
        var listed = json.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("uid").GetUInt32() == uid);
        var unparsable = listed.TryGetProperty("unparsable", out var flag) && flag.GetBoolean();
        Assert.Equal(server == MailServerKind.Cyrus, unparsable);
        if (!unparsable) Assert.True(listed.GetProperty("hasAttachments").GetBoolean());
    }
}
