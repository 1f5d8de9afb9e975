using System.Text;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Events;
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

    /// <summary>A message whose attachment has a Content-Description of about 5 KB (a BODYSTRUCTURE string).</summary>
    private static string Raw(string user, string marker)
    {
        var description = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"d{i:D3}"));
        return $"From: <a@example.test>\r\nTo: <{user}@example.test>\r\nSubject: Long description {marker}\r\nMessage-ID: <{marker}@example.test>\r\n" +
               "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
               "--b1\r\nContent-Type: text/plain\r\n\r\nvisible text\r\n" +
               $"--b1\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\nContent-Description: {description}\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b1--\r\n";
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task A_bodystructure_string_over_4096_bytes_does_not_break_the_page(MailServerKind server)
    {
        const string user = "user138";
        var env = await fixture.ServerAsync(server);
        var me = await MailUser.GetAsync(fixture, server, user, e => e.SeedAsync(user, 3, _ct));
        var marker = Guid.NewGuid().ToString("N");
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(Raw(user, marker)));
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

    [Fact]
    public async Task The_watcher_announces_such_a_message_as_unparsable_and_goes_on()
    {
        const string user = "user139";
        await using var watch = await ServerWatch.StartAsync(fixture, MailServerKind.Cyrus, user, _ct);
        var marker = Guid.NewGuid().ToString("N");
        using (var stream = new MemoryStream(Encoding.ASCII.GetBytes(Raw(user, marker))))
            await watch.Env.AppendAsync(user, "INBOX", await MimeMessage.LoadAsync(stream, _ct), _ct);
        var created = await watch.Events.WaitForAsync("message.created",
            e => EventClient.Subject(e) == $"Long description {marker}", TimeSpan.FromSeconds(90));
        Assert.True(created.GetProperty("data").GetProperty("summary").GetProperty("unparsable").GetBoolean());

        // The next message is summarised in full again.
        await watch.Env.AppendAsync(user, "INBOX", TestMail.Create($"After it {marker}"), _ct);
        var next = await watch.Events.WaitForAsync("message.created", e => EventClient.Subject(e) == $"After it {marker}", TimeSpan.FromSeconds(60));
        Assert.False(next.GetProperty("data").GetProperty("summary").TryGetProperty("unparsable", out _));
    }
}
