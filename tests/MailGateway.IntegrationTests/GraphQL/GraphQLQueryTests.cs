using System.Net;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Search;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>Queries end to end against Dovecot, each answer checked with an independent IMAP connection.</summary>
public sealed class GraphQLQueryTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user120";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;
    private HttpClient _http = null!;
    private string _accountId = "";

    public async ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o => o.UseRedis = false);
        _http = _app.CreateClient("graphql-query-120");
        await fixture.Env.SeedAsync(User, 12, _ct);
        _accountId = await _app.RegisterAccountAsync(_http, User, _ct);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Mailboxes_and_a_message_page_match_the_IMAP_server()
    {
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        var uids = (await imap.Inbox.SearchAsync(SearchQuery.All, _ct)).Select(u => u.Id).OrderDescending().ToList();
        var inboxId = ResourceIds.Mailbox("INBOX");

        var data = await GraphQLCalls.DataAsync(_http, """
            query($id: ID!, $inbox: ID!) { account(id: $id) {
              id email mailboxes { id path specialUse total unseen }
              messages(mailboxId: $inbox, first: 5) { edges { cursor node { id uid subject seen } } pageInfo { hasNextPage endCursor } state }
            } }
            """, new { id = _accountId, inbox = inboxId }, _ct);
        var account = data.GetProperty("account");
        Assert.Equal(_accountId, account.GetProperty("id").GetString());

        var mailboxes = account.GetProperty("mailboxes").EnumerateArray().ToList();
        var inbox = mailboxes.Single(m => m.GetProperty("path").GetString() == "INBOX");
        Assert.Equal(inboxId, inbox.GetProperty("id").GetString());
        Assert.Equal(imap.Inbox.Count, inbox.GetProperty("total").GetInt32());
        var imapFolders = (await imap.GetFoldersAsync(imap.PersonalNamespaces[0], cancellationToken: _ct)).Select(f => f.FullName).ToHashSet();
        Assert.Subset(imapFolders.Append("INBOX").ToHashSet(), mailboxes.Select(m => m.GetProperty("path").GetString()!).ToHashSet());
        Assert.Equal("sent", mailboxes.Single(m => m.GetProperty("path").GetString() == "Sent").GetProperty("specialUse").GetString());

        var page = account.GetProperty("messages");
        var edges = page.GetProperty("edges").EnumerateArray().ToList();
        Assert.Equal(uids.Take(5), edges.Select(e => e.GetProperty("node").GetProperty("uid").GetUInt32()));
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        // The next page continues exactly below the first one.
        var next = await GraphQLCalls.DataAsync(_http, """
            query($id: ID!, $inbox: ID!, $after: String) { account(id: $id) {
              messages(mailboxId: $inbox, first: 5, after: $after) { edges { node { uid } } }
            } }
            """, new { id = _accountId, inbox = inboxId, after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString() }, _ct);
        Assert.Equal(uids.Skip(5).Take(5),
            next.GetProperty("account").GetProperty("messages").GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("uid").GetUInt32()));
    }

    [Fact]
    public async Task Message_answers_headers_bodies_and_attachment_download_urls()
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress("Report Bot", "reports@example.test"));
        mime.To.Add(new MailboxAddress("", User + "@example.test"));
        mime.Subject = "Quarterly report (GraphQL)";
        var body = new BodyBuilder { TextBody = "See the attached figures." };
        body.Attachments.Add("figures.csv", "q,amount\n1,42\n"u8.ToArray(), new ContentType("text", "csv"));
        mime.Body = body.ToMessageBody();
        var uid = await fixture.Env.AppendAsync(User, "INBOX", mime, _ct);
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        var messageId = ResourceIds.Message(new MessageRef("INBOX", imap.Inbox.UidValidity, uid));

        var data = await GraphQLCalls.DataAsync(_http, """
            query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) {
              id uid subject from { name address } hasAttachments headers { name value } text html
              attachments { id filename contentType size downloadUrl }
            } }
            """, new { a = _accountId, m = messageId }, _ct);
        var message = data.GetProperty("message");
        Assert.Equal(messageId, message.GetProperty("id").GetString());
        Assert.Equal(uid, message.GetProperty("uid").GetUInt32());
        Assert.Equal("Quarterly report (GraphQL)", message.GetProperty("subject").GetString());
        Assert.Equal("reports@example.test", message.GetProperty("from")[0].GetProperty("address").GetString());
        Assert.True(message.GetProperty("hasAttachments").GetBoolean());
        Assert.Contains("attached figures", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(message.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Subject");
        var attachment = message.GetProperty("attachments").EnumerateArray().Single();
        Assert.Equal("figures.csv", attachment.GetProperty("filename").GetString());
        var url = attachment.GetProperty("downloadUrl").GetString()!;
        Assert.StartsWith($"/api/v1/accounts/{_accountId}/messages/{messageId}/attachments/", url, StringComparison.Ordinal);
        using var download = await _http.GetAsync(url, _ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("q,amount\n1,42\n", (await download.Content.ReadAsStringAsync(_ct)).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Errors_carry_the_REST_problem_codes()
    {
        Assert.Equal("message_not_found", await GraphQLCalls.ErrorCodeAsync(_http,
            "query($a: ID!) { message(accountId: $a, id: \"garbage\") { id } }", new { a = _accountId }, _ct));
        var stale = ResourceIds.Message(new MessageRef("INBOX", 1, 1));
        Assert.Equal("stale_message_id", await GraphQLCalls.ErrorCodeAsync(_http,
            "query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) { id } }", new { a = _accountId, m = stale }, _ct));
        Assert.Equal("mailbox_not_found", await GraphQLCalls.ErrorCodeAsync(_http,
            "query($a: ID!) { account(id: $a) { messages(mailboxId: \"Tm9TdWNoQm94\", first: 5) { edges { cursor } } } }", new { a = _accountId }, _ct));

        using var stranger = _app.CreateClient("graphql-query-stranger");
        Assert.Equal("account_not_found", await GraphQLCalls.ErrorCodeAsync(stranger,
            "query($a: ID!) { account(id: $a) { id } }", new { a = _accountId }, _ct));
        Assert.Equal("account_not_found", await GraphQLCalls.ErrorCodeAsync(stranger,
            "query($a: ID!) { account(id: $a) { messages(mailboxId: \"SU5CT1g\") { edges { cursor } } } }", new { a = _accountId }, _ct));
    }

    [Fact]
    public async Task An_oversized_first_is_refused_before_any_IMAP_work()
    {
        var telemetry = _app.Services.GetRequiredService<ImapTelemetry>();
        var before = telemetry.CommandCount;
        Assert.Equal("validation_failed", await GraphQLCalls.ErrorCodeAsync(_http,
            "query($a: ID!) { account(id: $a) { messages(mailboxId: \"SU5CT1g\", first: 500) { edges { cursor } } } }", new { a = _accountId }, _ct));
        Assert.Equal(before, telemetry.CommandCount);
    }

    [Fact]
    public async Task Changes_report_a_flag_change_made_by_another_client()
    {
        var page = await GraphQLCalls.DataAsync(_http, """
            query($a: ID!) { account(id: $a) { messages(mailboxId: "SU5CT1g", first: 1) { state edges { node { id uid } } } } }
            """, new { a = _accountId }, _ct);
        var messages = page.GetProperty("account").GetProperty("messages");
        var node = messages.GetProperty("edges")[0].GetProperty("node");

        using (var imap = await fixture.Env.ConnectAsync(User, _ct))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite, _ct);
            await imap.Inbox.AddFlagsAsync(new UniqueId(node.GetProperty("uid").GetUInt32()), MessageFlags.Flagged, true, _ct);
        }

        // A delta-sync client polls with the state it got last. (The first answer after another client's change can
        // still be the pooled connection's previous view of the mailbox; the next poll sees the change.)
        var since = messages.GetProperty("state").GetString();
        var updated = new List<string?>();
        for (var poll = 0; poll < 5 && !updated.Contains(node.GetProperty("id").GetString()); poll++)
        {
            var changes = (await GraphQLCalls.DataAsync(_http, """
                query($a: ID!, $since: String!) { changes(accountId: $a, mailboxId: "SU5CT1g", since: $since) { state created updated destroyed hasMore } }
                """, new { a = _accountId, since }, _ct)).GetProperty("changes");
            updated.AddRange(changes.GetProperty("updated").EnumerateArray().Select(e => e.GetString()));
            since = changes.GetProperty("state").GetString();
        }
        Assert.Contains(node.GetProperty("id").GetString(), updated);
    }
}
