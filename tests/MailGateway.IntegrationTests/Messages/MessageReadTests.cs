using System.Net;
using System.Text;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Messages;

public class MessageReadTests(MailEnvFixture fixture)
{
    private const string User = "user183";

    /// <summary>The IMAP server these tests run against (a derived class per server, see Cyrus/CyrusServerTests.cs).</summary>
    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    private const string Subject = "Grüße aus Köln — 日本語 ✉";
    private static readonly byte[] Binary = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 251))];
    private static readonly byte[] Csv = Encoding.UTF8.GetBytes("name;city\nZoë;Åre\n");
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MailServerKind, uint> CraftedUids = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, Server, User, async env =>
    {
        await env.SeedAsync(User, 10, _ct);
        CraftedUids[Server] = await env.AppendAsync(User, "INBOX", Crafted(), _ct);
    });

    private static MimeMessage Crafted()
    {
        var body = new BodyBuilder
        {
            TextBody = "Hallo Welt, schöne Grüße.",
            HtmlBody = "<p>Hallo <b>Welt</b></p><script>alert(1)</script><img src=x onerror=alert(2)>",
        };
        body.Attachments.Add("daten räume.bin", Binary, new ContentType("application", "octet-stream"));
        body.Attachments.Add("liste.csv", Csv, new ContentType("text", "csv"));
        var message = new MimeMessage
        {
            Subject = Subject,
            Body = body.ToMessageBody(),
            MessageId = "read-test@example.test",
        };
        message.From.Add(new MailboxAddress("Jürgen Müller", "juergen@example.de"));
        message.To.Add(new MailboxAddress("User", "user183@example.test"));
        return message;
    }

    private async Task<(MailUser Me, string Id)> MessageAsync()
    {
        var me = await UserAsync();
        using var imap = await me.ImapAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        return (me, ResourceIds.Message(new MessageRef("INBOX", imap.Inbox.UidValidity, CraftedUids[Server])));
    }

    [Fact]
    public async Task Gets_a_message_with_non_ascii_subject_bodies_and_attachments()
    {
        var (me, id) = await MessageAsync();
        var detail = await me.GetAsync<Detail>($"/messages/{id}");

        Assert.Equal((id, CraftedUids[Server], Subject), (detail.Id, detail.Uid, detail.Subject));
        Assert.Equal(new Addr("Jürgen Müller", "juergen@example.de"), detail.From.Single());
        Assert.Contains("schöne Grüße", detail.Text, StringComparison.Ordinal);
        Assert.Contains("<b>Welt</b>", detail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", detail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", detail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.True(detail.HasAttachments);
        Assert.Contains(detail.Headers, h => h.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("read-test@example.test", StringComparison.Ordinal));
        Assert.Equal(["daten räume.bin", "liste.csv"], detail.Attachments.Select(a => a.Filename));
        Assert.Equal("text/csv", detail.Attachments[1].ContentType);

        var raw = await me.GetAsync<Detail>($"/messages/{id}?rawHtml=true");
        Assert.Contains("<script>", raw.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_download_equals_the_bytes_imap_has()
    {
        var (me, id) = await MessageAsync();
        using var response = await me.Client.GetAsync(me.Api($"/messages/{id}/raw"), _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message/rfc822", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(_ct);

        using var imap = await me.ImapAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        using var stream = await imap.Inbox.GetStreamAsync(new UniqueId(CraftedUids[Server]), string.Empty, _ct);
        using var expected = new MemoryStream();
        await stream.CopyToAsync(expected, _ct);
        Assert.Equal(expected.ToArray(), bytes);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Attachment_downloads_are_decoded_with_safe_headers()
    {
        var (me, id) = await MessageAsync();
        var detail = await me.GetAsync<Detail>($"/messages/{id}");

        using var bin = await me.Client.GetAsync(me.Api($"/messages/{id}/attachments/{detail.Attachments[0].Id}"), _ct);
        Assert.Equal(HttpStatusCode.OK, bin.StatusCode);
        Assert.Equal(Binary, await bin.Content.ReadAsByteArrayAsync(_ct));
        Assert.Equal("application/octet-stream", bin.Content.Headers.ContentType?.MediaType);
        var disposition = bin.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("daten räume.bin", disposition.FileNameStar);
        Assert.Equal("nosniff", bin.Headers.GetValues("X-Content-Type-Options").Single());

        using var csv = await me.Client.GetAsync(me.Api($"/messages/{id}/attachments/{detail.Attachments[1].Id}"), _ct);
        Assert.Equal(Csv, await csv.Content.ReadAsByteArrayAsync(_ct));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Malformed_stale_and_unknown_ids_are_404_problems()
    {
        var (me, id) = await MessageAsync();
        ResourceIds.TryParseMessage(id, out var message);
        var stale = ResourceIds.Message(message with { UidValidity = message.UidValidity + 1 });
        var gone = ResourceIds.Message(message with { Uid = 999_999 });

        await me.AssertProblemAsync(HttpMethod.Get, "/messages/not-an-id", HttpStatusCode.NotFound, "message_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, "/messages/AAAA", HttpStatusCode.NotFound, "message_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{stale}", HttpStatusCode.NotFound, "stale_message_id");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{stale}/raw", HttpStatusCode.NotFound, "stale_message_id");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{gone}", HttpStatusCode.NotFound, "message_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{gone}/raw", HttpStatusCode.NotFound, "message_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{ResourceIds.Message(new MessageRef("Nope", 1, 1))}", HttpStatusCode.NotFound, "mailbox_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{id}/attachments/{ResourceIds.Attachment("9")}", HttpStatusCode.NotFound, "message_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{id}/attachments/%21%21", HttpStatusCode.NotFound, "attachment_not_found");
        Assert.Equal(CraftedUids[Server], (await me.GetAsync<Detail>($"/messages/{id}")).Uid);
    }

    [Fact]
    public async Task Another_users_message_is_404()
    {
        var (me, id) = await MessageAsync();
        using var stranger = fixture.App.CreateClient("read-stranger");
        using var response = await stranger.GetAsync(me.Api($"/messages/{id}/raw"), _ct);
        await MailUser.AssertProblemAsync(response, HttpStatusCode.NotFound, "account_not_found");
    }
}
