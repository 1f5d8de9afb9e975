using System.Net;
using System.Text;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MimeKit;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>Issue 16 items 1–2 per message: when MailKit refuses the answer for one message of a page (a BODYSTRUCTURE
/// string over 4 KiB sent as a literal), only that message is listed <c>unparsable</c> with what is known; the other
/// messages keep their whole summaries (attachments, previews), on REST and GraphQL alike. Its detail answers 200 with
/// what MimeKit reads from the raw message, its attachments download, and the raw download works.</summary>
public sealed class UnparsablePerMessageTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>A message whose attachment has a Content-Description of about 7 KB full of quotes: Cyrus sends any string
    /// over 1 KiB as a literal, Dovecot one with more than four quotes; MailKit refuses a literal string over 4 KiB.</summary>
    public static MimeMessage Refused(string user, string marker)
    {
        var description = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"\"d{i:D3}\""));
        var raw = $"From: <a@example.test>\r\nTo: <{user}@example.test>\r\nSubject: Refused {marker}\r\nMessage-ID: <{marker}@example.test>\r\n" +
                  "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
                  "--b1\r\nContent-Type: text/plain\r\n\r\nvisible text\r\n" +
                  $"--b1\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\nContent-Description: {description}\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b1--\r\n";
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(raw));
        return MimeMessage.Load(stream);
    }

    /// <summary>A normal message with a PDF attachment and a text body (its preview).</summary>
    public static MimeMessage Whole(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("", "b@example.test"));
        message.To.Add(new MailboxAddress("", "c@example.test"));
        message.Subject = subject;
        var pdf = new MimePart("application", "pdf") { FileName = "r.pdf", Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.4"))) };
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "Body of " + subject }, pdf };
        return message;
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task Only_the_refused_message_of_a_page_is_unparsable(MailServerKind server)
    {
        const string user = "user77";
        var me = await MailUser.GetAsync(fixture, server, user, e => e.SeedAsync(user, 2, _ct));
        var marker = Guid.NewGuid().ToString("N");
        var before = await me.Env.AppendAsync(user, "INBOX", Whole($"Before {marker}"), _ct);
        var bad = await me.Env.AppendAsync(user, "INBOX", Refused(user, marker), _ct);
        var after = await me.Env.AppendAsync(user, "INBOX", Whole($"After {marker}"), _ct);

        using var response = await me.Client.GetAsync(me.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=10"), _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var items = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("uid").GetUInt32());
        Assert.True(items[bad].GetProperty("unparsable").GetBoolean());
        Assert.Equal($"Refused {marker}", items[bad].GetProperty("subject").GetString());
        Assert.Equal("a@example.test", items[bad].GetProperty("from")[0].GetProperty("address").GetString());
        Assert.True(items[bad].GetProperty("size").GetInt64() > 7000);
        foreach (var (uid, name) in new[] { (before, "Before"), (after, "After") })
        {
            Assert.False(items[uid].TryGetProperty("unparsable", out _), $"{name} is listed unparsable: {body}");
            Assert.True(items[uid].GetProperty("hasAttachments").GetBoolean(), $"{name} lost its attachment: {body}");
            Assert.Equal($"Body of {name} {marker}", items[uid].GetProperty("preview").GetString());
        }

        // GraphQL lists the same page the same way.
        var data = await GraphQLCalls.DataAsync(me.Client,
            "query($a: ID!) { account(id: $a) { mailboxes { path messages(first: 10) { edges { node { uid unparsable hasAttachments subject } } } } } }",
            new { a = me.AccountId }, _ct);
        var inbox = data.GetProperty("account").GetProperty("mailboxes").EnumerateArray().Single(m => m.GetProperty("path").GetString() == "INBOX");
        var nodes = inbox.GetProperty("messages").GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node"))
            .ToDictionary(n => n.GetProperty("uid").GetUInt32());
        Assert.True(nodes[bad].GetProperty("unparsable").GetBoolean());
        Assert.Equal($"Refused {marker}", nodes[bad].GetProperty("subject").GetString());
        Assert.False(nodes[before].GetProperty("unparsable").GetBoolean());
        Assert.True(nodes[after].GetProperty("hasAttachments").GetBoolean());
        Assert.False(nodes[after].GetProperty("unparsable").GetBoolean());
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task The_detail_of_a_refused_message_answers_with_what_can_be_read(MailServerKind server)
    {
        const string user = "user78";
        var me = await MailUser.GetAsync(fixture, server, user);
        var marker = Guid.NewGuid().ToString("N");
        var bad = await me.Env.AppendAsync(user, "INBOX", Refused(user, marker), _ct);
        var uidValidity = (await me.GetAsync<Mailbox[]>("/mailboxes")).Single(m => m.Path == "INBOX").UidValidity;
        var id = ResourceIds.Message(new MailGateway.Imap.MessageRef("INBOX", uidValidity, bad));

        using var response = await me.Client.GetAsync(me.Api($"/messages/{id}"), _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var detail = JsonDocument.Parse(body).RootElement;
        Assert.True(detail.GetProperty("unparsable").GetBoolean());
        Assert.Equal($"Refused {marker}", detail.GetProperty("subject").GetString());
        Assert.Equal("visible text", detail.GetProperty("text").GetString()?.Trim());
        var attachment = Assert.Single(detail.GetProperty("attachments").EnumerateArray());
        Assert.Equal("a.bin", attachment.GetProperty("filename").GetString());
        Assert.Equal(ResourceIds.Attachment("2"), attachment.GetProperty("id").GetString());
        Assert.True(detail.GetProperty("hasAttachments").GetBoolean());
        Assert.Contains(detail.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Message-ID");

        // The listed attachment downloads, decoded ("AAAA" in base64 is three zero bytes).
        using var part = await me.Client.GetAsync(me.Api($"/messages/{id}/attachments/{attachment.GetProperty("id").GetString()}"), _ct);
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal(new byte[3], await part.Content.ReadAsByteArrayAsync(_ct));

        using var raw = await me.Client.GetAsync(me.Api($"/messages/{id}/raw"), _ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Contains($"Subject: Refused {marker}", await raw.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);

        var data = await GraphQLCalls.DataAsync(me.Client, "query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) { unparsable text subject attachments { filename } } }",
            new { a = me.AccountId, m = id }, _ct);
        var message = data.GetProperty("message");
        Assert.True(message.GetProperty("unparsable").GetBoolean());
        Assert.Equal("a.bin", Assert.Single(message.GetProperty("attachments").EnumerateArray()).GetProperty("filename").GetString());
    }
}
