using System.Net;
using System.Net.Http.Headers;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Messages;

public class MessageAppendTests(MailEnvFixture fixture)
{
    private const string User = "user188";

    /// <summary>The IMAP server these tests run against (a derived class per server, see Cyrus/CyrusServerTests.cs).</summary>
    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    private static readonly string Inbox = ResourceIds.Mailbox("INBOX");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, Server, User, env => env.SeedAsync(User, 5, _ct));

    private async Task<IList<UniqueId>> FindAsync(MailUser me, string mailbox, string messageId)
    {
        using var imap = await me.ImapAsync();
        var folder = await imap.GetFolderAsync(mailbox, _ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, _ct);
        return await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), _ct);
    }

    [Fact]
    public async Task Appends_a_raw_message_with_201_and_location()
    {
        var me = await UserAsync();
        var marker = Guid.NewGuid().ToString("N");
        var raw = $"From: Ann <ann@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: raw {marker}\r\nMessage-ID: <{marker}@example.test>\r\n\r\nHello Bob\r\n";
        using var content = new StringContent(raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var response = await me.Client.PostAsync(me.Api($"/mailboxes/{Inbox}/messages"), content, _ct);
        var created = await MailUser.ReadAsync<NewId>(response, HttpStatusCode.Created);
        Assert.EndsWith($"/messages/{created.Id}", response.Headers.Location!.OriginalString);

        var uid = Assert.Single(await FindAsync(me, "INBOX", $"{marker}@example.test"));
        Assert.True(ResourceIds.TryParseMessage(created.Id, out var parsed));
        Assert.Equal(uid.Id, parsed.Uid);

        using var download = await me.Client.GetAsync(me.Api($"/messages/{created.Id}/raw"), _ct);
        Assert.Equal(raw, await download.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task Appends_a_composed_message_with_an_attachment()
    {
        var me = await UserAsync();
        var marker = Guid.NewGuid().ToString("N");
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        using var response = await me.SendAsync(HttpMethod.Post, $"/mailboxes/{ResourceIds.Mailbox("Drafts")}/messages", new
        {
            from = new { name = "Ann", address = "ann@example.test" },
            to = new[] { new { name = "Bøb", address = "bob@example.test" } },
            subject = $"Grüße {marker}",
            text = "Hallo",
            html = "<p>Hallo</p>",
            attachments = new[] { new { filename = "data.bin", contentType = "application/octet-stream", contentBase64 = Convert.ToBase64String(bytes) } },
        });
        var created = await MailUser.ReadAsync<NewId>(response, HttpStatusCode.Created);

        using var imap = await me.ImapAsync();
        var drafts = await imap.GetFolderAsync("Drafts", _ct);
        await drafts.OpenAsync(FolderAccess.ReadOnly, _ct);
        var uid = Assert.Single(await drafts.SearchAsync(SearchQuery.SubjectContains(marker), _ct));
        var message = await drafts.GetMessageAsync(uid, _ct);
        Assert.Equal($"Grüße {marker}", message.Subject);
        Assert.Equal("Bøb", ((MailboxAddress)message.To.Single()).Name);
        var attachment = (MimePart)message.Attachments.Single();
        using var decoded = new MemoryStream();
        await attachment.Content!.DecodeToAsync(decoded, _ct);
        Assert.Equal(bytes, decoded.ToArray());
        Assert.True(ResourceIds.TryParseMessage(created.Id, out var parsed));
        Assert.Equal(uid.Id, parsed.Uid);
    }

    [Fact]
    public async Task Append_refuses_other_media_types_and_bad_compose_bodies()
    {
        var me = await UserAsync();
        using var text = new StringContent("hello");
        using var response = await me.Client.PostAsync(me.Api($"/mailboxes/{Inbox}/messages"), text, _ct);
        await MailUser.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await me.AssertProblemAsync(HttpMethod.Post, $"/mailboxes/{Inbox}/messages", HttpStatusCode.BadRequest, "validation_failed",
            new { to = new[] { new { address = "a@b.c\r\nBcc: evil@example.test" } }, text = "x" });
        await me.AssertProblemAsync(HttpMethod.Post, $"/mailboxes/{ResourceIds.Mailbox("Nope")}/messages", HttpStatusCode.NotFound, "mailbox_not_found",
            new { to = new[] { new { address = "a@b.c" } }, text = "x" });
    }

    [Fact]
    public async Task Uploads_over_the_limit_are_413()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Messages:MaxUploadBytes"] = "1000";
        });
        using var client = app.CreateClient("upload-limit");
        var accountId = await app.RegisterAccountAsync(client, User, _ct);
        using var content = new ByteArrayContent(new byte[5000]);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var response = await client.PostAsync($"/api/v1/accounts/{accountId}/mailboxes/{Inbox}/messages", content, _ct);
        await MailUser.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        using var chunked = new StreamContent(new MemoryStream(new byte[5000]));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var streamed = await client.PostAsync($"/api/v1/accounts/{accountId}/mailboxes/{Inbox}/messages", chunked, _ct);
        await MailUser.AssertProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task On_kestrel_a_31_MB_message_is_accepted_and_a_chunked_upload_over_the_limit_is_413()
    {
        // Kestrel enforces Http:MaxRequestBodyBytes (30 MB); the append route has its own Messages:MaxUploadBytes (35 MB).
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient(User);
        var accountId = await app.RegisterAccountAsync(client, User, _ct);
        var marker = Guid.NewGuid().ToString("N");
        var head = $"From: a@example.test\r\nSubject: big {marker}\r\nMessage-ID: <{marker}@example.test>\r\nContent-Type: text/plain\r\n\r\n";
        var line = new string('x', 998) + "\r\n";
        var raw = new System.Text.StringBuilder(head);
        while (raw.Length < 31 * 1024 * 1024) raw.Append(line);
        using var big = new StringContent(raw.ToString());
        big.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var response = await client.PostAsync($"/api/v1/accounts/{accountId}/mailboxes/{Inbox}/messages", big, _ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        using (var imap = await fixture.Env.ConnectAsync(User, _ct))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite, _ct);
            var uid = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", $"{marker}@example.test"), _ct));
            var size = (await imap.Inbox.FetchAsync([uid], new FetchRequest(MessageSummaryItems.Size), _ct)).Single().Size;
            Assert.Equal(raw.Length, (int)size!.Value);
            await imap.Inbox.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true, _ct);
            await imap.Inbox.ExpungeAsync([uid], _ct);
        }

        await using var small = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Messages:MaxUploadBytes"] = "4096";
        });
        small.UseKestrel(0);
        small.StartServer();
        using var smallClient = small.CreateClient(User);
        var smallAccount = await small.RegisterAccountAsync(smallClient, User, _ct);
        using var chunked = new PushContent(new byte[100_000]);
        using var refused = await smallClient.PostAsync($"/api/v1/accounts/{smallAccount}/mailboxes/{Inbox}/messages", chunked, _ct);
        await MailUser.AssertProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    /// <summary>A body without Content-Length (sent chunked), so only the streaming limit can stop it.</summary>
    private sealed class PushContent : HttpContent
    {
        private readonly byte[] _bytes;

        public PushContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
