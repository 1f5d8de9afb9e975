using System.Net;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailKit;
using MimeKit;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Changes;

public class ChangesTests(MailEnvFixture fixture)
{
    private const string User = "user186";

    /// <summary>The IMAP server these tests run against (a derived class per server, see Cyrus/CyrusServerTests.cs).</summary>
    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, Server, User, env => env.SeedAsync(User, 40, _ct));

    private static MimeMessage NewMessage(string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "x" } };
        message.From.Add(new MailboxAddress("Changes", "changes@example.test"));
        return message;
    }

    /// <summary>A mailbox of its own per test, filled with <paramref name="count"/> messages by plain IMAP.</summary>
    private async Task<(MailUser Me, string MailboxId, IMailFolder Folder, ImapClientLease Imap)> MailboxAsync(string name, int count)
    {
        var me = await UserAsync();
        var imap = await me.ImapAsync();
        var folder = await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync(name, true, _ct) ?? throw new InvalidOperationException("CREATE failed");
        for (var i = 0; i < count; i++) await folder.AppendAsync(NewMessage($"{name} {i}"), MessageFlags.None, _ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, _ct);
        return (me, ResourceIds.Mailbox(folder.FullName), folder, new ImapClientLease(imap));
    }

    [Fact]
    public async Task Reports_exactly_what_another_client_added_flagged_and_expunged()
    {
        var (me, mailboxId, folder, lease) = await MailboxAsync($"Changes-{Guid.NewGuid():N}", 5);
        using var _ = lease;
        var state = (await me.GetAsync<Page>($"/mailboxes/{mailboxId}/messages")).State;
        var uids = await MailUser.UidsAsync(folder);

        var added1 = (await folder.AppendAsync(NewMessage("new 1"), MessageFlags.None, _ct))!.Value;
        var added2 = (await folder.AppendAsync(NewMessage("new 2"), MessageFlags.None, _ct))!.Value;
        await folder.AddFlagsAsync(uids[1], MessageFlags.Flagged, silent: true, _ct);
        await folder.AddFlagsAsync(uids[3], MessageFlags.Deleted, silent: true, _ct);
        await folder.ExpungeAsync([uids[3]], _ct);

        var changes = await me.GetAsync<ChangeSet>($"/mailboxes/{mailboxId}/changes?since={state}");

        string Id(UniqueId uid) => ResourceIds.Message(new MessageRef(folder.FullName, folder.UidValidity, uid.Id));
        Assert.Equal(new[] { Id(added1), Id(added2) }.Order(), changes.Created.Order());
        Assert.Equal([Id(uids[1])], changes.Updated);
        Assert.Equal([Id(uids[3])], changes.Destroyed);
        Assert.False(changes.HasMore);

        var none = await me.GetAsync<ChangeSet>($"/mailboxes/{mailboxId}/changes?since={changes.State}");
        Assert.Empty(none.Created);
        Assert.Empty(none.Updated);
        Assert.Empty(none.Destroyed);
    }

    [Fact]
    public async Task Pages_through_many_changes_with_has_more()
    {
        var (me, mailboxId, folder, lease) = await MailboxAsync($"Changes-{Guid.NewGuid():N}", 1);
        using var _ = lease;
        var state = (await me.GetAsync<Page>($"/mailboxes/{mailboxId}/messages")).State;
        for (var i = 0; i < 12; i++) await folder.AppendAsync(NewMessage($"burst {i}"), MessageFlags.None, _ct);

        var created = new List<string>();
        ChangeSet page;
        var rounds = 0;
        do
        {
            page = await me.GetAsync<ChangeSet>($"/mailboxes/{mailboxId}/changes?since={state}&maxChanges=5");
            Assert.True(page.Created.Length + page.Updated.Length + page.Destroyed.Length <= 5);
            created.AddRange(page.Created);
            state = page.State;
        } while (page.HasMore && ++rounds < 10);

        Assert.Equal(12, created.Distinct().Count());
    }

    [Fact]
    public async Task A_state_from_before_the_mailbox_was_recreated_is_410()
    {
        var name = $"Changes-{Guid.NewGuid():N}";
        var (me, mailboxId, folder, lease) = await MailboxAsync(name, 2);
        using (lease)
        {
            var page = await me.GetAsync<Page>($"/mailboxes/{mailboxId}/messages?limit=1");
            Assert.NotNull(page.NextCursor);
            await folder.CloseAsync(false, _ct);
            await folder.DeleteAsync(_ct);
            var again = await lease.Client.GetFolder(lease.Client.PersonalNamespaces[0]).CreateAsync(name, true, _ct) ?? throw new InvalidOperationException("CREATE failed");
            await again.AppendAsync(NewMessage("reborn"), MessageFlags.None, _ct);

            await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{mailboxId}/changes?since={page.State}", HttpStatusCode.Gone, "cannot_calculate_changes");
            await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{mailboxId}/messages?limit=1&cursor={page.NextCursor}",
                HttpStatusCode.Gone, "cursor_expired");
            await me.AssertProblemAsync(HttpMethod.Get, $"/messages/{page.Items[0].Id}", HttpStatusCode.NotFound, "stale_message_id");
        }
    }

    [Fact]
    public async Task Malformed_or_foreign_states_are_400()
    {
        var me = await UserAsync();
        var inbox = ResourceIds.Mailbox("INBOX");
        var archiveState = (await me.GetAsync<Page>($"/mailboxes/{ResourceIds.Mailbox("Archive")}/messages?limit=1")).State;
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{inbox}/changes?since=garbage", HttpStatusCode.BadRequest, "invalid_state");
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{inbox}/changes?since={archiveState}", HttpStatusCode.BadRequest, "invalid_state");
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{inbox}/changes", HttpStatusCode.BadRequest, "validation_failed");
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{inbox}/changes?since={archiveState}&maxChanges=0", HttpStatusCode.BadRequest, "validation_failed");
    }

    /// <summary>Keeps the test's own IMAP connection open for the test and closes it after.</summary>
    private sealed class ImapClientLease(MailKit.Net.Imap.ImapClient client) : IDisposable
    {
        public MailKit.Net.Imap.ImapClient Client { get; } = client;

        public void Dispose() => Client.Dispose();
    }
}
