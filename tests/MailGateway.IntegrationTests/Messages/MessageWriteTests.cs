using System.Net;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Messages;

public class MessageWriteTests(MailEnvFixture fixture)
{
    private const string User = "user184";

    /// <summary>The IMAP server these tests run against (a derived class per server, see Cyrus/CyrusServerTests.cs).</summary>
    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    private static readonly string Inbox = ResourceIds.Mailbox("INBOX");
    private static readonly string Archive = ResourceIds.Mailbox("Archive");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, Server, User, env => env.SeedAsync(User, 20, _ct));

    /// <summary>Appends a fresh message through a plain IMAP connection and answers its id.</summary>
    private async Task<(MailUser Me, string Id, uint Uid, uint Validity)> FreshAsync(string mailbox = "INBOX", MessageFlags flags = MessageFlags.None)
    {
        var me = await UserAsync();
        var marker = Guid.NewGuid().ToString("N");
        var message = new MimeMessage { Subject = $"write {marker}", Body = new TextPart("plain") { Text = "body" }, MessageId = $"{marker}@example.test" };
        message.From.Add(new MailboxAddress("Ann", "ann@example.test"));
        var uid = await me.Env.AppendAsync(User, mailbox, message, _ct, flags);
        using var imap = await me.ImapAsync();
        var folder = await imap.GetFolderAsync(mailbox, _ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, _ct);
        return (me, ResourceIds.Message(new MessageRef(mailbox, folder.UidValidity, uid)), uid, folder.UidValidity);
    }

    private async Task<IMessageSummary?> ImapFlagsAsync(MailUser me, string mailbox, uint uid)
    {
        using var imap = await me.ImapAsync();
        var folder = await imap.GetFolderAsync(mailbox, _ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, _ct);
        var found = await folder.FetchAsync([new UniqueId(uid)], new FetchRequest(MessageSummaryItems.Flags | MessageSummaryItems.UniqueId), _ct);
        return found.SingleOrDefault();
    }

    private async Task<IList<UniqueId>> FindAsync(MailUser me, string mailbox, string messageId)
    {
        using var imap = await me.ImapAsync();
        var folder = await imap.GetFolderAsync(mailbox, _ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, _ct);
        return await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), _ct);
    }

    [Fact]
    public async Task Patch_sets_and_clears_flags_and_keywords()
    {
        var (me, id, uid, _) = await FreshAsync(flags: MessageFlags.Answered);
        using var response = await me.SendAsync(HttpMethod.Patch, $"/messages/{id}",
            new { seen = true, flagged = true, answered = false, addFlags = new[] { "$Important", "Work" } });
        var summary = await MailUser.ReadAsync<Summary>(response);
        Assert.True(summary is { Seen: true, Flagged: true, Answered: false });

        var imap = await ImapFlagsAsync(me, "INBOX", uid);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, imap!.Flags!.Value & (MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Answered));
        Assert.Contains("$Important", imap.Keywords);
        Assert.Contains("Work", imap.Keywords);

        using var second = await me.SendAsync(HttpMethod.Patch, $"/messages/{id}", new { seen = false, removeFlags = new[] { "Work" } });
        Assert.False((await MailUser.ReadAsync<Summary>(second)).Seen);
        imap = await ImapFlagsAsync(me, "INBOX", uid);
        Assert.False(imap!.Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.DoesNotContain("Work", imap.Keywords);
        Assert.Contains("$Important", imap.Keywords);
    }

    [Fact]
    public async Task Patch_of_a_vanished_message_is_404_and_bad_keywords_400()
    {
        var (me, id, uid, validity) = await FreshAsync();
        await me.AssertProblemAsync(HttpMethod.Patch, $"/messages/{id}", HttpStatusCode.BadRequest, "validation_failed",
            new { addFlags = new[] { "bad keyword\r\n" } });
        var gone = ResourceIds.Message(new MessageRef("INBOX", validity, uid + 100_000));
        await me.AssertProblemAsync(HttpMethod.Patch, $"/messages/{gone}", HttpStatusCode.NotFound, "message_not_found", new { seen = true });
        await me.AssertProblemAsync(HttpMethod.Post, $"/messages/{gone}/move", HttpStatusCode.NotFound, "message_not_found", new { mailboxId = Archive });
        await me.AssertProblemAsync(HttpMethod.Delete, $"/messages/{gone}", HttpStatusCode.NotFound, "message_not_found");
    }

    [Fact]
    public async Task Copy_answers_201_with_the_id_in_the_destination()
    {
        var (me, id, _, _) = await FreshAsync();
        var original = await me.GetAsync<Detail>($"/messages/{id}");
        using var response = await me.SendAsync(HttpMethod.Post, $"/messages/{id}/copy", new { mailboxId = Archive });
        var copy = await MailUser.ReadAsync<NewId>(response, HttpStatusCode.Created);
        Assert.NotNull(response.Headers.Location);

        var copied = await me.GetAsync<Detail>($"/messages/{copy.Id}");
        Assert.Equal(original.Subject, copied.Subject);
        var messageId = original.Headers.First(h => h.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)).Value.Trim('<', '>');
        Assert.Single(await FindAsync(me, "Archive", messageId));
        Assert.Single(await FindAsync(me, "INBOX", messageId));
    }

    [Fact]
    public async Task Move_answers_the_new_id_and_the_source_is_gone()
    {
        var (me, id, _, _) = await FreshAsync();
        var original = await me.GetAsync<Detail>($"/messages/{id}");
        using var response = await me.SendAsync(HttpMethod.Post, $"/messages/{id}/move", new { mailboxId = Archive });
        var moved = await MailUser.ReadAsync<NewId>(response);

        Assert.Equal(original.Subject, (await me.GetAsync<Detail>($"/messages/{moved.Id}")).Subject);
        var messageId = original.Headers.First(h => h.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)).Value.Trim('<', '>');
        Assert.Empty(await FindAsync(me, "INBOX", messageId));
        Assert.Single(await FindAsync(me, "Archive", messageId));
        await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{id}", HttpStatusCode.NotFound, "message_not_found");
    }

    [Fact]
    public async Task Move_into_a_missing_mailbox_is_404_mailbox_not_found()
    {
        var (me, id, _, _) = await FreshAsync();
        await me.AssertProblemAsync(HttpMethod.Post, $"/messages/{id}/move", HttpStatusCode.NotFound, "mailbox_not_found",
            new { mailboxId = ResourceIds.Mailbox("Does/Not/Exist") });
        await me.AssertProblemAsync(HttpMethod.Post, $"/messages/{id}/copy", HttpStatusCode.BadRequest, "validation_failed", new { });
        Assert.Equal(id, (await me.GetAsync<Detail>($"/messages/{id}")).Id);
    }

    [Fact]
    public async Task Delete_moves_to_trash()
    {
        var (me, id, _, _) = await FreshAsync();
        var original = await me.GetAsync<Detail>($"/messages/{id}");
        var messageId = original.Headers.First(h => h.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)).Value.Trim('<', '>');

        using var response = await me.SendAsync(HttpMethod.Delete, $"/messages/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await FindAsync(me, "INBOX", messageId));
        Assert.Single(await FindAsync(me, "Trash", messageId));
    }

    [Fact]
    public async Task Permanent_delete_expunges_only_that_message()
    {
        var (me, id, uid, _) = await FreshAsync();
        var (_, _, otherUid, _) = await FreshAsync();
        using (var imap = await me.ImapAsync())
        {
            // Another client marked a message \Deleted without expunging it: it must survive our delete.
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite, _ct);
            await imap.Inbox.AddFlagsAsync(new UniqueId(otherUid), MessageFlags.Deleted, silent: true, _ct);
        }

        using var response = await me.SendAsync(HttpMethod.Delete, $"/messages/{id}?permanent=true");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Null(await ImapFlagsAsync(me, "INBOX", uid));
        var other = await ImapFlagsAsync(me, "INBOX", otherUid);
        Assert.NotNull(other);
        Assert.True(other.Flags!.Value.HasFlag(MessageFlags.Deleted));
    }
}
