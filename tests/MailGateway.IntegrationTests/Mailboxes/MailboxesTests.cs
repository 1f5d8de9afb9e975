using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Mailboxes;

public class MailboxesTests(MailEnvFixture fixture)
{
    private const string User = "user181";

    /// <summary>The IMAP server these tests run against (a derived class per server, see Cyrus/CyrusServerTests.cs).</summary>
    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, Server, User, env => env.SeedAsync(User, 30, _ct));

    [Fact]
    public async Task Lists_mailboxes_with_the_counters_and_roles_imap_reports()
    {
        var me = await UserAsync();
        var mailboxes = await me.GetAsync<Mailbox[]>("/mailboxes");

        using var imap = await me.ImapAsync();
        var inbox = mailboxes.Single(m => m.Path == "INBOX");
        var status = imap.Inbox;
        await status.StatusAsync(StatusItems.Count | StatusItems.Unread | StatusItems.UidValidity | StatusItems.UidNext, _ct);
        Assert.Equal((status.Count, status.Unread, status.UidValidity, status.UidNext!.Value.Id),
            (inbox.Total, inbox.Unseen, inbox.UidValidity, inbox.UidNext));
        Assert.Equal(ResourceIds.Mailbox("INBOX"), inbox.Id);
        Assert.Equal("/", inbox.Delimiter);
        Assert.Equal("trash", mailboxes.Single(m => m.Path == "Trash").SpecialUse);
        Assert.Equal("sent", mailboxes.Single(m => m.Path == "Sent").SpecialUse);
        Assert.Contains(mailboxes, m => m is { Path: "Projects/Alpha", Name: "Alpha" });
    }

    [Fact]
    public async Task The_list_answers_304_while_nothing_changed()
    {
        var me = await UserAsync();
        using var first = await me.Client.GetAsync(me.Api("/mailboxes"), _ct);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, me.Api("/mailboxes"));
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await me.Client.SendAsync(again, _ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Get, me.Api("/mailboxes"));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"", isWeak: true));
        using var changed = await me.Client.SendAsync(stale, _ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Creates_with_parents_renames_with_children_and_deletes()
    {
        var me = await UserAsync();
        using var created = await me.SendAsync(HttpMethod.Post, "/mailboxes", new { path = "Lifecycle/Deep/Leaf" });
        var leaf = await MailUser.ReadAsync<Mailbox>(created, HttpStatusCode.Created);
        Assert.Equal(("Lifecycle/Deep/Leaf", "Leaf"), (leaf.Path, leaf.Name));
        Assert.EndsWith($"/mailboxes/{leaf.Id}", created.Headers.Location!.OriginalString);

        var parent = (await me.GetAsync<Mailbox[]>("/mailboxes")).Single(m => m.Path == "Lifecycle");
        using var child = await me.SendAsync(HttpMethod.Post, "/mailboxes", new { parentId = parent.Id, name = "Sibling" });
        Assert.Equal("Lifecycle/Sibling", (await MailUser.ReadAsync<Mailbox>(child, HttpStatusCode.Created)).Path);

        using (var imap = await me.ImapAsync())
        {
            var folder = await imap.GetFolderAsync("Lifecycle/Deep/Leaf", _ct);
            Assert.Equal("Leaf", folder.Name);
        }

        using var renamed = await me.SendAsync(HttpMethod.Patch, $"/mailboxes/{parent.Id}", new { name = "Renamed" });
        var after = await MailUser.ReadAsync<Mailbox>(renamed);
        Assert.Equal("Renamed", after.Path);
        Assert.NotEqual(parent.Id, after.Id);
        using (var imap = await me.ImapAsync())
        {
            Assert.NotNull(await imap.GetFolderAsync("Renamed/Deep/Leaf", _ct));
            await Assert.ThrowsAsync<FolderNotFoundException>(() => imap.GetFolderAsync("Lifecycle/Deep/Leaf", _ct));
        }
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{parent.Id}", HttpStatusCode.NotFound, "mailbox_not_found");

        var leafAfter = ResourceIds.Mailbox("Renamed/Deep/Leaf");
        using var deleted = await me.SendAsync(HttpMethod.Delete, $"/mailboxes/{leafAfter}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var imap = await me.ImapAsync())
            await Assert.ThrowsAsync<FolderNotFoundException>(() => imap.GetFolderAsync("Renamed/Deep/Leaf", _ct));
        await me.AssertProblemAsync(HttpMethod.Delete, $"/mailboxes/{leafAfter}", HttpStatusCode.NotFound, "mailbox_not_found");
    }

    [Fact]
    public async Task Subscribes_and_unsubscribes()
    {
        var me = await UserAsync();
        using var created = await me.SendAsync(HttpMethod.Post, "/mailboxes", new { path = "Subscriptions" });
        var box = await MailUser.ReadAsync<Mailbox>(created, HttpStatusCode.Created);

        using var off = await me.SendAsync(HttpMethod.Patch, $"/mailboxes/{box.Id}", new { subscribed = false });
        Assert.False((await MailUser.ReadAsync<Mailbox>(off)).Subscribed);
        using (var imap = await me.ImapAsync())
        {
            var subscribed = await imap.GetFoldersAsync(imap.PersonalNamespaces[0], subscribedOnly: true, cancellationToken: _ct);
            Assert.DoesNotContain(subscribed, f => f.FullName == "Subscriptions");
        }

        using var on = await me.SendAsync(HttpMethod.Patch, $"/mailboxes/{box.Id}", new { subscribed = true });
        Assert.True((await MailUser.ReadAsync<Mailbox>(on)).Subscribed);
        using (var imap = await me.ImapAsync())
        {
            var subscribed = await imap.GetFoldersAsync(imap.PersonalNamespaces[0], subscribedOnly: true, cancellationToken: _ct);
            Assert.Contains(subscribed, f => f.FullName == "Subscriptions");
        }
    }

    [Fact]
    public async Task Creating_an_existing_mailbox_is_409()
    {
        var me = await UserAsync();
        await me.AssertProblemAsync(HttpMethod.Post, "/mailboxes", HttpStatusCode.Conflict, "mailbox_exists", new { path = "Archive" });
    }

    [Theory]
    [InlineData("Evil\r\nA1 DELETE INBOX")]
    [InlineData("Bell\u0007")]
    [InlineData("Lit {5}")]
    [InlineData("Star*")]
    [InlineData("Pct%")]
    [InlineData("a//b")]
    public async Task Hostile_names_are_400_and_the_account_still_works(string path)
    {
        var me = await UserAsync();
        await me.AssertProblemAsync(HttpMethod.Post, "/mailboxes", HttpStatusCode.BadRequest, "validation_failed", new { path });
        await me.AssertProblemAsync(HttpMethod.Post, "/mailboxes", HttpStatusCode.BadRequest, "validation_failed", new { name = path });
        await me.AssertProblemAsync(HttpMethod.Patch, $"/mailboxes/{ResourceIds.Mailbox("Projects/Beta")}", HttpStatusCode.BadRequest,
            "validation_failed", new { name = path });
        Assert.Contains(await me.GetAsync<Mailbox[]>("/mailboxes"), m => m.Path == "INBOX");
    }

    [Fact]
    public async Task Overlong_names_are_400()
    {
        var me = await UserAsync();
        await me.AssertProblemAsync(HttpMethod.Post, "/mailboxes", HttpStatusCode.BadRequest, "validation_failed", new { path = new string('x', 1001) });
    }

    [Fact]
    public async Task Malformed_and_unknown_mailbox_ids_are_404()
    {
        var me = await UserAsync();
        await me.AssertProblemAsync(HttpMethod.Get, "/mailboxes/%25%25%25", HttpStatusCode.NotFound, "mailbox_not_found");
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{ResourceIds.Mailbox("Nope")}", HttpStatusCode.NotFound, "mailbox_not_found");
        await me.AssertProblemAsync(HttpMethod.Patch, $"/mailboxes/{ResourceIds.Mailbox("Nope")}", HttpStatusCode.NotFound, "mailbox_not_found",
            new { name = "X" });
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{ResourceIds.Mailbox("Nope")}/messages", HttpStatusCode.NotFound, "mailbox_not_found");
    }

    [Fact]
    public async Task Another_users_account_is_404_and_read_only_tokens_cannot_write()
    {
        var me = await UserAsync();
        using var stranger = fixture.App.CreateClient("mailbox-stranger");
        using var response = await stranger.GetAsync(me.Api("/mailboxes"), _ct);
        await MailUser.AssertProblemAsync(response, HttpStatusCode.NotFound, "account_not_found");
        using var theirs = await stranger.PostAsJsonAsync(me.Api("/mailboxes"), new { path = "Stolen" }, _ct);
        await MailUser.AssertProblemAsync(theirs, HttpStatusCode.NotFound, "account_not_found");

        using var reader = fixture.App.CreateClient(User, scopes: "Mail.Read");
        using var write = await reader.PostAsJsonAsync(me.Api("/mailboxes"), new { path = "ReadOnly" }, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        using var read = await reader.GetAsync(me.Api("/mailboxes"), _ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
