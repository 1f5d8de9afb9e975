using System.Text;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailKit;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>One summary everywhere (the event's equals the list's), previews where the server gives none, a
/// message with a huge Subject never breaks a page or the watcher, and the expunge of a folder's newest message is
/// announced — on Dovecot and on Cyrus.</summary>
public sealed class SummaryOnBothServersTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static MimeMessage Rich(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Zoë Sender", "zoe@example.test"));
        message.To.Add(new MailboxAddress("", "one@example.test"));
        message.To.Add(new MailboxAddress("Two", "two@example.test"));
        message.Cc.Add(new MailboxAddress("Carbon", "cc@example.test"));
        message.Subject = subject;
        message.MessageId = $"{Guid.NewGuid():N}@example.test";
        message.Date = new DateTimeOffset(2026, 11, 24, 9, 15, 0, TimeSpan.FromHours(1));
        var body = new TextPart("plain") { Text = "  Hello   preview\r\n\r\n with   spaces and more words than one line holds.\r\n" };
        var pdf = new MimePart("application", "pdf") { FileName = "report.pdf", Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.4 test"))) };
        message.Body = new Multipart("mixed") { body, pdf };
        return message;
    }

    private static async Task<uint> AppendAsync(MailEnvironment env, string user, string mailbox, MimeMessage message, CancellationToken ct)
    {
        using var imap = await env.ConnectAsync(user, ct);
        var folder = await imap.GetFolderAsync(mailbox, ct);
        var request = new AppendRequest(message, MessageFlags.Seen | MessageFlags.Flagged) { Keywords = new HashSet<string> { "Zeta", "$Label1" } };
        var uid = await folder.AppendAsync(request, ct);
        await imap.DisconnectAsync(true, ct);
        return uid!.Value.Id;
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task The_message_created_summary_equals_the_REST_list_item_field_for_field(MailServerKind server)
    {
        await using var watch = await ServerWatch.StartAsync(fixture, server, "user131", _ct);
        var uid = await AppendAsync(watch.Env, "user131", "INBOX", Rich("Field for field"), _ct);
        var created = await watch.Events.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == uid, TimeSpan.FromSeconds(60));
        var summary = created.GetProperty("data").GetProperty("summary");

        using var response = await watch.Http.GetAsync(watch.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=5"), _ct);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct));
        var item = page.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("uid").GetUInt32() == uid);

        var fields = item.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(fields.Order(), summary.EnumerateObject().Select(p => p.Name).Order());
        foreach (var field in fields)
            Assert.True(JsonElement.DeepEquals(item.GetProperty(field), summary.GetProperty(field)), $"{field}: REST {item.GetProperty(field)} vs event {summary.GetProperty(field)}");

        // A second page on the same pooled connection: on Cyrus MailKit's own bounded fallback makes the preview now.
        using var again = await watch.Http.GetAsync(watch.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=5"), _ct);
        using var second = JsonDocument.Parse(await again.Content.ReadAsStringAsync(_ct));
        Assert.Equal(item.GetProperty("preview").GetString(),
            second.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("uid").GetUInt32() == uid).GetProperty("preview").GetString());

        // What the one mapper promises, on both servers (Cyrus answers PREVIEW NIL: the gateway computes it).
        Assert.Equal("Hello preview with spaces and more words than one line holds.", item.GetProperty("preview").GetString());
        Assert.StartsWith("<", item.GetProperty("messageIdHeader").GetString(), StringComparison.Ordinal);
        Assert.True(item.GetProperty("hasAttachments").GetBoolean());
        Assert.Equal(["\\Seen", "\\Flagged", "$Label1", "Zeta"], item.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("Zoë Sender", item.GetProperty("from")[0].GetProperty("name").GetString());
        Assert.Equal(2, item.GetProperty("to").GetArrayLength());
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task A_subject_over_4096_bytes_breaks_neither_the_page_nor_the_watcher(MailServerKind server)
    {
        const string user = "user132";
        var env = await fixture.ServerAsync(server);
        var me = await MailUser.GetAsync(fixture, server, user, e => e.SeedAsync(user, 5, _ct));
        await using var watch = await ServerWatch.StartAsync(fixture, server, user, _ct);
        var subject = "Long " + string.Join(' ', Enumerable.Range(0, 900).Select(i => $"w{i:D3}"));
        Assert.True(Encoding.UTF8.GetByteCount(subject) > 4096);
        var uid = await AppendAsync(env, user, "INBOX", Rich(subject), _ct);

        var created = await watch.Events.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == uid, TimeSpan.FromSeconds(60));
        Assert.Equal(subject, EventClient.Subject(created));
        var page = await me.GetAsync<Page>($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=10");
        Assert.Equal(subject, page.Items.Single(i => i.Uid == uid).Subject);
        var detail = await me.GetAsync<Detail>($"/messages/{page.Items.Single(i => i.Uid == uid).Id}");
        Assert.Equal(subject, detail.Subject);
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task Expunging_the_newest_message_of_a_swept_folder_is_announced(MailServerKind server)
    {
        const string user = "user133";
        await using var watch = await ServerWatch.StartAsync(fixture, server, user, _ct);
        var older = await AppendAsync(watch.Env, user, "Archive", Rich("Older"), _ct);
        var newest = await AppendAsync(watch.Env, user, "Archive", Rich("Newest"), _ct);
        await watch.Events.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == newest, TimeSpan.FromSeconds(60));

        using (var imap = await watch.Env.ConnectAsync(user, _ct))
        {
            var archive = await imap.GetFolderAsync("Archive", _ct);
            await archive.OpenAsync(FolderAccess.ReadWrite, _ct);
            await archive.AddFlagsAsync(new UniqueId(newest), MessageFlags.Deleted, true, _ct);
            await archive.ExpungeAsync(_ct);
        }
        var deleted = await watch.Events.WaitForAsync("message.deleted", e => e.GetProperty("data").GetProperty("mailboxPath").GetString() == "Archive", TimeSpan.FromSeconds(60));
        Assert.Equal(newest, deleted.GetProperty("data").GetProperty("uid").GetUInt32());
        Assert.NotEqual(older, newest);
    }
}
