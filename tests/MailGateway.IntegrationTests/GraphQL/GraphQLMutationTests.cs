using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Search;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>Mutations end to end against Dovecot, each effect checked with an independent IMAP connection.</summary>
public sealed class GraphQLMutationTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user121";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;
    private HttpClient _http = null!;
    private string _accountId = "";

    public async ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o => o.UseRedis = false);
        _http = _app.CreateClient("graphql-mutation-121");
        _accountId = await _app.RegisterAccountAsync(_http, User, _ct);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<(string Id, uint Uid)> AppendAsync(string subject, string mailbox = "INBOX")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.test"));
        message.To.Add(new MailboxAddress("", User + "@example.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Body of " + subject };
        var uid = await fixture.Env.AppendAsync(User, mailbox, message, _ct);
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        var folder = await imap.GetFolderAsync(mailbox, _ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, _ct);
        return (ResourceIds.Message(new MessageRef(mailbox, folder.UidValidity, uid)), uid);
    }

    private async Task<T> WithFolderAsync<T>(string mailbox, Func<IMailFolder, Task<T>> check)
    {
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        var folder = await imap.GetFolderAsync(mailbox, _ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, _ct);
        return await check(folder);
    }

    [Fact]
    public async Task UpdateMessage_sets_flags_and_keywords_on_the_server()
    {
        var (id, uid) = await AppendAsync("Flag me");
        var data = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $m: ID!) { updateMessage(accountId: $a, id: $m, seen: true, flagged: true, addFlags: ["Work"]) { id seen flagged flags } }
            """, new { a = _accountId, m = id }, _ct);
        Assert.True(data.GetProperty("updateMessage").GetProperty("seen").GetBoolean());

        var summary = await WithFolderAsync("INBOX", async f => (await f.FetchAsync([new UniqueId(uid)], MessageSummaryItems.Flags, _ct)).Single());
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Flagged));
        Assert.Contains("Work", summary.Keywords);
    }

    [Fact]
    public async Task Move_copy_and_delete_change_the_server_as_asked()
    {
        var (moveId, _) = await AppendAsync("Move me");
        var (copyId, copyUid) = await AppendAsync("Copy me");
        var (deleteId, deleteUid) = await AppendAsync("Delete me");
        var archive = ResourceIds.Mailbox("Archive");

        var data = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $move: ID!, $copy: ID!, $del: ID!, $to: ID!) {
              moved: moveMessage(accountId: $a, id: $move, mailboxId: $to)
              copied: copyMessage(accountId: $a, id: $copy, mailboxId: $to)
              deleted: deleteMessage(accountId: $a, id: $del, permanent: true)
            }
            """, new { a = _accountId, move = moveId, copy = copyId, del = deleteId, to = archive }, _ct);
        Assert.True(ResourceIds.TryParseMessage(data.GetProperty("moved").GetString(), out var moved));
        Assert.True(ResourceIds.TryParseMessage(data.GetProperty("copied").GetString(), out var copied));
        Assert.Equal("Archive", moved.Mailbox);
        Assert.True(data.GetProperty("deleted").GetBoolean());

        var archiveSubjects = await WithFolderAsync("Archive", async f =>
            (await f.FetchAsync([new UniqueId(moved.Uid), new UniqueId(copied.Uid)], MessageSummaryItems.Envelope, _ct)).Select(s => s.Envelope!.Subject).ToList());
        Assert.Equal(["Move me", "Copy me"], archiveSubjects);
        var inboxSubjects = await WithFolderAsync("INBOX", async f =>
            (await f.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId, _ct)).Select(s => s.Envelope!.Subject).ToList());
        Assert.DoesNotContain("Move me", inboxSubjects);
        Assert.Contains("Copy me", inboxSubjects);
        Assert.DoesNotContain("Delete me", inboxSubjects);
        Assert.Empty(await WithFolderAsync("INBOX", f => f.SearchAsync(SearchQuery.Uids([new UniqueId(deleteUid)]), _ct)));
        Assert.NotEmpty(await WithFolderAsync("INBOX", f => f.SearchAsync(SearchQuery.Uids([new UniqueId(copyUid)]), _ct)));
    }

    [Fact]
    public async Task AppendMessage_composes_and_stores_the_message()
    {
        var data = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $box: ID!) { appendMessage(accountId: $a, mailboxId: $box, message: {
              from: { name: "Draft Writer", address: "writer@example.test" }, to: [{ address: "reader@example.test" }],
              subject: "Composed over GraphQL", text: "Hello from a mutation." }) }
            """, new { a = _accountId, box = ResourceIds.Mailbox("Drafts") }, _ct);
        Assert.True(ResourceIds.TryParseMessage(data.GetProperty("appendMessage").GetString(), out var created));
        var message = await WithFolderAsync("Drafts", f => f.GetMessageAsync(new UniqueId(created.Uid), _ct));
        Assert.Equal("Composed over GraphQL", message.Subject);
        Assert.Equal("writer@example.test", message.From.Mailboxes.Single().Address);
        Assert.Contains("Hello from a mutation.", message.TextBody, StringComparison.Ordinal);

        var raw = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $box: ID!, $raw: String!) { appendMessage(accountId: $a, mailboxId: $box, raw: $raw) }
            """, new { a = _accountId, box = ResourceIds.Mailbox("Drafts"), raw = "From: a@example.test\r\nSubject: Raw append\r\n\r\nRaw body.\r\n" }, _ct);
        Assert.True(ResourceIds.TryParseMessage(raw.GetProperty("appendMessage").GetString(), out var rawRef));
        Assert.Equal("Raw append", (await WithFolderAsync("Drafts", f => f.GetMessageAsync(new UniqueId(rawRef.Uid), _ct))).Subject);
    }

    [Fact]
    public async Task Mailboxes_are_created_renamed_and_deleted()
    {
        var created = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!) { createMailbox(accountId: $a, path: "GraphQL Box") { id path } }
            """, new { a = _accountId }, _ct);
        var id = created.GetProperty("createMailbox").GetProperty("id").GetString();
        Assert.Equal("exists", await FolderStateAsync("GraphQL Box"));

        var renamed = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $id: ID!) { renameMailbox(accountId: $a, id: $id, name: "GraphQL Renamed") { id path } }
            """, new { a = _accountId, id }, _ct);
        Assert.Equal("GraphQL Renamed", renamed.GetProperty("renameMailbox").GetProperty("path").GetString());
        Assert.Equal("missing", await FolderStateAsync("GraphQL Box"));
        Assert.Equal("exists", await FolderStateAsync("GraphQL Renamed"));

        Assert.Equal("mailbox_exists", await GraphQLCalls.ErrorCodeAsync(_http,
            "mutation($a: ID!) { createMailbox(accountId: $a, path: \"GraphQL Renamed\") { id } }", new { a = _accountId }, _ct));

        var deleted = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $id: ID!) { deleteMailbox(accountId: $a, id: $id) }
            """, new { a = _accountId, id = renamed.GetProperty("renameMailbox").GetProperty("id").GetString() }, _ct);
        Assert.True(deleted.GetProperty("deleteMailbox").GetBoolean());
        Assert.Equal("missing", await FolderStateAsync("GraphQL Renamed"));
    }

    [Fact]
    public async Task BatchMessages_updates_many_ids_and_reports_each()
    {
        var (a, uidA) = await AppendAsync("Batch A");
        var (b, uidB) = await AppendAsync("Batch B");
        var gone = ResourceIds.Message(new MessageRef("INBOX", ResourceIds.TryParseMessage(a, out var r) ? r.UidValidity : 0, 999_999));
        var data = await GraphQLCalls.DataAsync(_http, """
            mutation($a: ID!, $ids: [ID!]!) { batchMessages(accountId: $a, input: { ids: $ids, action: update, seen: true }) { results { id ok error } } }
            """, new { a = _accountId, ids = new[] { a, b, gone } }, _ct);
        var results = data.GetProperty("batchMessages").GetProperty("results").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        Assert.True(results[a].GetProperty("ok").GetBoolean());
        Assert.True(results[b].GetProperty("ok").GetBoolean());
        Assert.False(results[gone].GetProperty("ok").GetBoolean());
        Assert.Equal("message_not_found", results[gone].GetProperty("error").GetString());
        var flags = await WithFolderAsync("INBOX", async f =>
            (await f.FetchAsync([new UniqueId(uidA), new UniqueId(uidB)], MessageSummaryItems.Flags, _ct)).Select(s => s.Flags!.Value).ToList());
        Assert.All(flags, f => Assert.True(f.HasFlag(MessageFlags.Seen)));
    }

    [Fact]
    public async Task Writes_need_Mail_ReadWrite()
    {
        var (id, _) = await AppendAsync("Read only caller");
        using var reader = _app.CreateClient("graphql-mutation-121", scopes: "Mail.Read");
        Assert.Equal("insufficient_scope", await GraphQLCalls.ErrorCodeAsync(reader,
            "mutation($a: ID!, $m: ID!) { deleteMessage(accountId: $a, id: $m) }", new { a = _accountId, m = id }, _ct));
        Assert.NotEmpty(await WithFolderAsync("INBOX", f => f.SearchAsync(SearchQuery.SubjectContains("Read only caller"), _ct)));
    }

    private async Task<string> FolderStateAsync(string path)
    {
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        var all = await imap.GetFoldersAsync(imap.PersonalNamespaces[0], cancellationToken: _ct);
        return all.Any(f => f.FullName == path) ? "exists" : "missing";
    }
}
