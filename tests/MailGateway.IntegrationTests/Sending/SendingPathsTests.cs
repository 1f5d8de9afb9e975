using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailKit;
using MimeKit;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Forwarding, scheduled sending, GraphQL sending, the recipient's <c>message.created</c>, SMTP PATCH verification
/// and the sending meter, end to end through the real Postfix.</summary>
public sealed class SendingPathsTests(MailEnvFixture fixture)
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_forward_attaches_the_original_as_message_rfc822()
    {
        var me = await Sender.RegisterAsync(fixture, "user141");
        var original = new MimeMessage { Subject = "Quarterly numbers", MessageId = $"{Guid.NewGuid():N}@example.org", Body = new TextPart("plain") { Text = "Numbers inside" } };
        original.From.Add(MailboxAddress.Parse("boss@example.net"));
        original.To.Add(MailboxAddress.Parse(me.Email));
        var forwardOf = await me.AppendToInboxAsync(original);

        var id = await me.SubmitAsync(new { to = new[] { new { address = MailEnvironment.EmailOf("user142") } }, text = "FYI", forwardOf });
        await me.WaitForStateAsync(id, "sent");

        var received = await ReadAsync(me.Env, "user142", "Subject", "Quarterly numbers");
        Assert.Equal("Fwd: Quarterly numbers", received.Subject);
        var attached = Assert.Single(received.Attachments.OfType<MessagePart>());
        Assert.Equal("message/rfc822", attached.ContentType.MimeType);
        Assert.Equal(original.MessageId, attached.Message!.MessageId);
        Assert.Contains("Numbers inside", attached.Message.TextBody ?? "", StringComparison.Ordinal);
        Assert.Contains("FYI", received.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scheduled_message_waits_until_send_at_and_then_goes_out()
    {
        var me = await Sender.RegisterAsync(fixture, "user143");
        var marker = Guid.NewGuid().ToString("N");
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var id = await me.SubmitAsync(new { to = new[] { new { address = MailEnvironment.EmailOf("user144") } }, subject = $"later {marker}", text = "later", sendAt });
        var scheduled = await me.SubmissionAsync(id);
        Assert.Equal("scheduled", scheduled.GetProperty("state").GetString());
        Assert.Equal(0, scheduled.GetProperty("attempts").GetInt32());

        await me.WaitForStateAsync(id, "sent");
        Assert.True(DateTimeOffset.UtcNow >= sendAt);
        var uid = Assert.Single(await me.Env.WaitForMessageAsync("user144", "INBOX", "Subject", marker, Arrival, Ct));
        using var imap = await me.Env.ConnectAsync("user144", Ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var internalDate = (await imap.Inbox.FetchAsync([uid], MessageSummaryItems.InternalDate, Ct)).Single().InternalDate!.Value;
        Assert.True(internalDate >= sendAt.AddSeconds(-1), $"delivered at {internalDate:O}, scheduled for {sendAt:O}");
    }

    [Fact]
    public async Task Graphql_send_message_is_delivered_and_listed_in_the_accounts_outbox()
    {
        var me = await Sender.RegisterAsync(fixture, "user145");
        var marker = Guid.NewGuid().ToString("N");
        var data = await GraphQLCalls.DataAsync(me.Client, """
            mutation($accountId: ID!, $input: SendMessageInput!) {
              sendMessage(accountId: $accountId, input: $input) { id state recipients { address state } }
            }
            """, new { accountId = me.AccountId, input = new { to = new[] { new { address = MailEnvironment.EmailOf("user146") } }, subject = $"graphql {marker}", text = "via GraphQL" } }, Ct);
        var id = data.GetProperty("sendMessage").GetProperty("id").GetString()!;
        Assert.Equal("queued", data.GetProperty("sendMessage").GetProperty("state").GetString());

        await me.WaitForStateAsync(id, "sent");
        Assert.Single(await me.Env.WaitForMessageAsync("user146", "INBOX", "Subject", marker, Arrival, Ct));
        var outbox = await GraphQLCalls.DataAsync(me.Client, "query($id: ID!) { account(id: $id) { outbox { id state lastReply { code } } } }", new { id = me.AccountId }, Ct);
        var listed = outbox.GetProperty("account").GetProperty("outbox").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal("sent", listed.GetProperty("state").GetString());
        Assert.Equal(250, listed.GetProperty("lastReply").GetProperty("code").GetInt32());

        // The same codes as REST.
        Assert.Equal("from_not_allowed", await GraphQLCalls.ErrorCodeAsync(me.Client, """
            mutation($accountId: ID!, $input: SendMessageInput!) { sendMessage(accountId: $accountId, input: $input) { id } }
            """, new { accountId = me.AccountId, input = new { from = new { address = "someone@else.example" }, to = new[] { new { address = MailEnvironment.EmailOf("user146") } }, text = "x" } }, Ct));
    }

    [Fact]
    public async Task A_watched_recipient_gets_message_created_for_a_sent_message()
    {
        var recipient = await Sender.RegisterAsync(fixture, "user147");
        await using var events = await EventClient.ConnectAsync(fixture.App, fixture.App.CreateToken("user147"), Ct);
        await events.SubscribeAsync(recipient.AccountId, Ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(60));

        var me = await Sender.RegisterAsync(fixture, "user148");
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, recipient.Email, marker));
        var sent = await me.WaitForStateAsync(id, "sent");

        var created = await events.WaitForAsync("message.created",
            e => e.GetProperty("data").GetProperty("summary").GetProperty("subject").GetString() == $"sending {marker}", TimeSpan.FromSeconds(60));
        var summary = created.GetProperty("data").GetProperty("summary");
        Assert.Equal("INBOX", created.GetProperty("data").GetProperty("mailboxPath").GetString());
        Assert.Equal(me.Email, summary.GetProperty("from")[0].GetProperty("address").GetString());
        Assert.Equal(sent.GetProperty("messageIdHeader").GetString(), summary.GetProperty("messageIdHeader").GetString());
    }

    [Fact]
    public async Task Patching_smtp_settings_verifies_them_and_keeps_the_old_ones_on_failure()
    {
        var me = await Sender.RegisterAsync(fixture, "user149");
        using var wrong = await me.Client.PatchAsJsonAsync($"/api/v1/accounts/{me.AccountId}",
            new { smtp = new { host = me.Env.Host, port = me.Env.SmtpPort, security = "starttls", password = "not-the-password" } }, Ct);
        await MailUser.AssertProblemAsync(wrong, HttpStatusCode.UnprocessableEntity, "smtp_auth_failed");
        using var closed = await me.Client.PatchAsJsonAsync($"/api/v1/accounts/{me.AccountId}",
            new { smtp = new { host = me.Env.Host, port = me.Env.ImapPort, security = "tls" } }, Ct);
        await MailUser.AssertProblemAsync(closed, HttpStatusCode.BadGateway, "smtp_unavailable");

        using var account = await me.Client.GetAsync($"/api/v1/accounts/{me.AccountId}", Ct);
        var smtp = (await account.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("smtp");
        Assert.Equal(me.Env.SmtpPort, smtp.GetProperty("port").GetInt32());
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user150"), Guid.NewGuid().ToString("N")));
        await me.WaitForStateAsync(id, "sent");
    }

    [Fact]
    public async Task Sending_metrics_count_submissions_and_attempts_by_reply_class()
    {
        var me = await Sender.RegisterAsync(fixture, "user151");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user152"), Guid.NewGuid().ToString("N")));
        await me.WaitForStateAsync(id, "sent");
        var failed = await me.SubmitAsync(Sender.Message(me.Email, "nosuch@example.org", Guid.NewGuid().ToString("N")));
        await me.WaitForStateAsync(failed, "failed");

        using var anonymous = fixture.App.CreateAnonymousClient();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string metrics;
        do
        {
            metrics = await anonymous.GetStringAsync("/metrics", Ct);
            if (HasAll(metrics)) break;
            await Task.Delay(500, Ct);
        } while (DateTime.UtcNow < until);
        Assert.True(HasAll(metrics), string.Join('\n', metrics.Split('\n').Where(l => l.Contains("sending", StringComparison.Ordinal))));

        static bool HasAll(string m) =>
            m.Split('\n').Any(l => l.StartsWith("mailgateway_sending_attempts", StringComparison.Ordinal) && l.Contains("outcome=\"accepted\"", StringComparison.Ordinal) && l.Contains("reply_class=\"2xx\"", StringComparison.Ordinal))
            && m.Split('\n').Any(l => l.StartsWith("mailgateway_sending_attempts", StringComparison.Ordinal) && l.Contains("outcome=\"rejected\"", StringComparison.Ordinal) && l.Contains("reply_class=\"5xx\"", StringComparison.Ordinal))
            && m.Split('\n').Any(l => l.StartsWith("mailgateway_sending_submissions", StringComparison.Ordinal) && l.Contains("outcome=\"sent\"", StringComparison.Ordinal))
            && m.Split('\n').Any(l => l.StartsWith("mailgateway_sending_submissions", StringComparison.Ordinal) && l.Contains("outcome=\"failed\"", StringComparison.Ordinal))
            && m.Contains("mailgateway_sending_accept_delay", StringComparison.Ordinal);
    }

    private static async Task<MimeMessage> ReadAsync(MailEnvironment env, string user, string header, string value)
    {
        var uid = Assert.Single(await env.WaitForMessageAsync(user, "INBOX", header, value, Arrival, Ct));
        using var imap = await env.ConnectAsync(user, Ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        return await imap.Inbox.GetMessageAsync(uid, Ct);
    }
}
