using System.Net;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailKit;
using MimeKit;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Sending through the real Postfix (submission, STARTTLS, SASL via Dovecot) delivering over LMTP into Dovecot.</summary>
public sealed class SendingTests(MailEnvFixture fixture)
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_arrives_in_the_recipients_inbox_and_a_copy_in_the_senders_sent()
    {
        var me = await Sender.RegisterAsync(fixture, "user101");
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user102"), marker));

        var done = await me.WaitForStateAsync(id, "sent", also: s => s.TryGetProperty("sentMessageId", out var copy) && copy.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Equal(250, done.GetProperty("lastReply").GetProperty("code").GetInt32());
        Assert.Equal("accepted", done.GetProperty("recipients")[0].GetProperty("state").GetString());
        var messageId = done.GetProperty("messageIdHeader").GetString()!;
        Assert.Matches("^<[^<>]+@[^<>]+>$", messageId); // the form message summaries use
        Assert.Single(await me.Env.WaitForMessageAsync("user102", "INBOX", "Subject", marker, Arrival, Ct));
        Assert.Single(await me.Env.WaitForMessageAsync("user101", "Sent", "Message-ID", messageId, Arrival, Ct));
        Assert.True(ResourceIds.TryParseMessage(done.GetProperty("sentMessageId").GetString(), out var copy));
        Assert.Equal("Sent", copy.Mailbox);
    }

    [Fact]
    public async Task Bcc_recipients_receive_it_without_a_bcc_header()
    {
        var me = await Sender.RegisterAsync(fixture, "user103");
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(new
        {
            to = new[] { new { address = MailEnvironment.EmailOf("user104") } },
            bcc = new[] { new { address = MailEnvironment.EmailOf("user105") } },
            subject = $"bcc {marker}",
            text = "hidden copy",
        });
        await me.WaitForStateAsync(id, "sent");
        var uid = Assert.Single(await me.Env.WaitForMessageAsync("user105", "INBOX", "Subject", marker, Arrival, Ct));
        using var imap = await me.Env.ConnectAsync("user105", Ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var received = await imap.Inbox.GetMessageAsync(uid, Ct);
        Assert.Null(received.Headers[HeaderId.Bcc]);
        Assert.Equal(me.Email, received.From.Mailboxes.Single().Address);
        Assert.Single(await me.Env.WaitForMessageAsync("user104", "INBOX", "Subject", marker, Arrival, Ct));
    }

    [Fact]
    public async Task A_reply_threads_with_references_and_flags_the_original_answered()
    {
        var me = await Sender.RegisterAsync(fixture, "user106");
        var original = new MimeMessage { Subject = "Lunch?", MessageId = $"{Guid.NewGuid():N}@example.org", Body = new TextPart("plain") { Text = "Tomorrow?" } };
        original.From.Add(MailboxAddress.Parse(MailEnvironment.EmailOf("user107")));
        original.To.Add(MailboxAddress.Parse(me.Email));
        original.References.Add("earlier@example.org");
        var originalId = await me.AppendToInboxAsync(original);
        Assert.True(ResourceIds.TryParseMessage(originalId, out var reference));
        var uid = reference.Uid;

        var id = await me.SubmitAsync(new { to = new[] { new { address = MailEnvironment.EmailOf("user107") } }, text = "Yes!", inReplyTo = originalId });
        await me.WaitForStateAsync(id, "sent");

        var replyUid = Assert.Single(await me.Env.WaitForMessageAsync("user107", "INBOX", "In-Reply-To", original.MessageId, Arrival, Ct));
        using var reader = await me.Env.ConnectAsync("user107", Ct);
        await reader.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var reply = await reader.Inbox.GetMessageAsync(replyUid, Ct);
        Assert.Equal("Re: Lunch?", reply.Subject);
        Assert.Equal(["earlier@example.org", original.MessageId], reply.References.ToArray());

        // "sent" shows as soon as the server accepted DATA; \Answered follows right after.
        using var mine = await me.Env.ConnectAsync("user106", Ct);
        await mine.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var until = DateTime.UtcNow + Arrival;
        MessageFlags? flags;
        while (!(flags = (await mine.Inbox.FetchAsync([new UniqueId(uid)], MessageSummaryItems.Flags, Ct)).Single().Flags)!.Value.HasFlag(MessageFlags.Answered)
               && DateTime.UtcNow < until)
            await Task.Delay(100, Ct);
        Assert.True(flags!.Value.HasFlag(MessageFlags.Answered));
    }

    [Fact]
    public async Task An_unknown_local_recipient_ends_failed_with_the_servers_5xx()
    {
        var me = await Sender.RegisterAsync(fixture, "user108");
        var id = await me.SubmitAsync(Sender.Message(me.Email, "nosuch@example.org", Guid.NewGuid().ToString("N")));
        var failed = await me.WaitForStateAsync(id, "failed");
        Assert.Equal(550, failed.GetProperty("lastReply").GetProperty("code").GetInt32());
        var recipient = failed.GetProperty("recipients")[0];
        Assert.Equal("rejected", recipient.GetProperty("state").GetString());
        Assert.Equal(550, recipient.GetProperty("reply").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task From_must_be_the_accounts_address_or_an_alias()
    {
        var me = await Sender.RegisterAsync(fixture, "user109", aliases: ["sales@example.org"]);
        using var refused = await me.SendAsync(Sender.Message("someone@else.example", MailEnvironment.EmailOf("user110"), "x"));
        await MailUser.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "from_not_allowed");
        var id = await me.SubmitAsync(Sender.Message("sales@example.org", MailEnvironment.EmailOf("user110"), Guid.NewGuid().ToString("N")));
        await me.WaitForStateAsync(id, "sent");
    }

    [Fact]
    public async Task The_same_idempotency_key_answers_the_same_submission_and_sends_once()
    {
        var me = await Sender.RegisterAsync(fixture, "user111");
        var marker = Guid.NewGuid().ToString("N");
        var body = Sender.Message(me.Email, MailEnvironment.EmailOf("user112"), marker);
        var first = await me.SubmitAsync(body, idempotencyKey: marker);
        var second = await me.SubmitAsync(body, idempotencyKey: marker);
        Assert.Equal(first, second);
        await me.WaitForStateAsync(first, "sent");
        Assert.Equal(first, await me.SubmitAsync(body, idempotencyKey: marker));
        Assert.Single(await me.Env.WaitForMessageAsync("user112", "INBOX", "Subject", marker, Arrival, Ct));
    }

    [Fact]
    public async Task A_raw_message_is_sent_with_its_envelope_from_the_headers()
    {
        var me = await Sender.RegisterAsync(fixture, "user113");
        var marker = Guid.NewGuid().ToString("N");
        var raw = $"From: <{me.Email}>\r\nTo: <{MailEnvironment.EmailOf("user114")}>\r\nBcc: <{MailEnvironment.EmailOf("user115")}>\r\n" +
                  $"Subject: raw {marker}\r\nMessage-ID: <{marker}@example.org>\r\n\r\nraw body\r\n";
        using var content = new StringContent(raw);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("message/rfc822");
        using var response = await me.Client.PostAsync(me.Api("/send?saveToSent=false"), content, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
        var sent = await me.WaitForStateAsync(id, "sent");
        Assert.False(sent.TryGetProperty("sentMessageId", out var copy) && copy.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Single(await me.Env.WaitForMessageAsync("user114", "INBOX", "Message-ID", marker, Arrival, Ct));
        var uid = Assert.Single(await me.Env.WaitForMessageAsync("user115", "INBOX", "Message-ID", marker, Arrival, Ct));
        using var imap = await me.Env.ConnectAsync("user115", Ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Null((await imap.Inbox.GetMessageAsync(uid, Ct)).Headers[HeaderId.Bcc]);
    }
}
