using MailGateway.Imap.Tests.Infrastructure;
using MailKit;
using MailKit.Search;

namespace MailGateway.Imap.Tests.Integration;

public sealed class MessageWriteTests(ImapEnvironment fixture)
{
    private const string User = "user63";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(uint Validity, List<uint> Uids)> AppendSomeAsync(string mailbox, int count, string tag)
    {
        var uids = new List<uint>();
        for (var i = 0; i < count; i++) uids.Add(await fixture.Env.AppendAsync(User, mailbox, TestMessages.Text($"{tag} {i}"), Ct));
        using var check = await fixture.Env.ConnectAsync(User, Ct);
        var folder = await check.GetFolderAsync(mailbox, Ct);
        await folder.StatusAsync(StatusItems.UidValidity, Ct);
        return (folder.UidValidity, uids);
    }

    [Fact]
    public async Task Flags_and_keywords_are_set_and_cleared_in_a_bounded_number_of_commands()
    {
        var (validity, uids) = await AppendSomeAsync("INBOX", 3, "flags");
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        await session.GetStateAsync("INBOX", Ct); // select first, so the count below is only the flag work
        var before = harness.Telemetry.CommandCount;
        var changed = await session.UpdateFlagsAsync("INBOX", validity, [.. uids, 999_999],
            new FlagChange(Seen: true, Flagged: true, AddKeywords: ["Work", "$Label1"]), Ct);
        Assert.Equal(uids, changed);
        Assert.InRange(harness.Telemetry.CommandCount - before, 1, 3);

        using (var check = await fixture.Env.ConnectAsync(User, Ct))
        {
            await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
            var fetched = await check.Inbox.FetchAsync(uids.Select(u => new UniqueId(u)).ToList(), MessageSummaryItems.Flags | MessageSummaryItems.UniqueId, Ct);
            Assert.All(fetched, f =>
            {
                Assert.True(f.Flags!.Value.HasFlag(MessageFlags.Seen | MessageFlags.Flagged));
                Assert.Contains("Work", f.Keywords);
            });
        }

        await session.UpdateFlagsAsync("INBOX", validity, uids, new FlagChange(Flagged: false, RemoveKeywords: ["Work"]), Ct);
        var after = await session.GetSummariesAsync("INBOX", validity, uids, Ct);
        Assert.All(after, s => { Assert.False(s.Flagged); Assert.True(s.Seen); Assert.DoesNotContain("Work", s.Flags); Assert.Contains("$Label1", s.Flags); });

        await Assert.ThrowsAsync<ImapOperationException>(() => session.UpdateFlagsAsync("INBOX", validity, uids, new FlagChange(AddKeywords: ["bad word"]), Ct));
        await Assert.ThrowsAsync<ImapOperationException>(() => session.UpdateFlagsAsync("INBOX", validity, uids, new FlagChange(AddKeywords: ["x)\r\nA1 LOGOUT"]), Ct));
        await Assert.ThrowsAsync<StaleMessageException>(() => session.UpdateFlagsAsync("INBOX", validity + 1, uids, new FlagChange(Seen: false), Ct));
        Assert.Empty(await session.UpdateFlagsAsync("INBOX", validity, [999_998], new FlagChange(Seen: false), Ct));
    }

    [Fact]
    public async Task A_batch_of_1000_flag_updates_uses_at_most_three_commands()
    {
        await fixture.Env.SeedAsync("user64", new MailGateway.Testing.SeedOptions { InboxCount = 1000, OtherFolders = false, Body50kMarker = false }, Ct);
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync("user64");
        var state = await session.GetStateAsync("INBOX", Ct);
        var uids = Enumerable.Range(1, 1000).Select(i => (uint)i).ToList();
        var before = harness.Telemetry.CommandCount;
        var changed = await session.UpdateFlagsAsync("INBOX", state.UidValidity, uids, new FlagChange(Flagged: true, AddKeywords: ["Batch"]), Ct);
        Assert.Equal(1000, changed.Count);
        Assert.InRange(harness.Telemetry.CommandCount - before, 1, 3);
        using var check = await fixture.Env.ConnectAsync("user64", Ct);
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Equal(1000, (await check.Inbox.SearchAsync(SearchQuery.HasKeyword("Batch"), Ct)).Count);
    }

    [Fact]
    public async Task Move_and_copy_answer_the_new_uids()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        await session.CreateMailboxAsync("MoveSource", Ct);
        await session.CreateMailboxAsync("MoveTarget", Ct);
        var (validity, uids) = await AppendSomeAsync("MoveSource", 4, "move");

        var copied = await session.CopyAsync("MoveSource", validity, uids[..2], "MoveTarget", Ct);
        var moved = await session.MoveAsync("MoveSource", validity, [uids[2], 777_777], "MoveTarget", Ct);
        Assert.Equal(2, copied.Count);
        var move = Assert.Single(moved);
        Assert.Equal(uids[2], move.SourceUid);

        using var check = await fixture.Env.ConnectAsync(User, Ct);
        var target = await check.GetFolderAsync("MoveTarget", Ct);
        await target.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Equal(target.UidValidity, move.NewUidValidity);
        var subjects = (await target.FetchAsync([.. copied.Concat(moved).Select(m => new UniqueId(m.NewUid!.Value))], MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId, Ct))
            .ToDictionary(s => s.UniqueId.Id, s => s.Envelope!.Subject);
        Assert.Equal("move 0", subjects[copied[0].NewUid!.Value]);
        Assert.Equal("move 2", subjects[move.NewUid!.Value]);
        var source = await check.GetFolderAsync("MoveSource", Ct);
        await source.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Equal(3, source.Count);

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => session.MoveAsync("MoveSource", validity, [uids[3]], "Nope/Missing", Ct));
    }

    [Fact]
    public async Task Delete_moves_to_Trash_and_permanent_delete_expunges_only_the_given_uids()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        await session.CreateMailboxAsync("DeleteBox", Ct);
        var (validity, uids) = await AppendSomeAsync("DeleteBox", 4, "delete");

        // Another client marks uids[3] \Deleted without expunging: our permanent delete must not remove it.
        using (var other = await fixture.Env.ConnectAsync(User, Ct))
        {
            var box = await other.GetFolderAsync("DeleteBox", Ct);
            await box.OpenAsync(FolderAccess.ReadWrite, Ct);
            await box.AddFlagsAsync(new UniqueId(uids[3]), MessageFlags.Deleted, true, Ct);
        }

        var trashed = await session.DeleteAsync("DeleteBox", validity, [uids[0]], permanent: false, Ct);
        Assert.Equal([uids[0]], trashed);
        var removed = await session.DeleteAsync("DeleteBox", validity, [uids[1]], permanent: true, Ct);
        Assert.Equal([uids[1]], removed);

        using var check = await fixture.Env.ConnectAsync(User, Ct);
        var folder = await check.GetFolderAsync("DeleteBox", Ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, Ct);
        var left = (await folder.SearchAsync(SearchQuery.All, Ct)).Select(u => u.Id).ToList();
        Assert.Equal([uids[2], uids[3]], left);
        var trash = await check.GetFolderAsync("Trash", Ct);
        await trash.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.NotEmpty(await trash.SearchAsync(SearchQuery.SubjectContains("delete 0"), Ct));
    }

    [Fact]
    public async Task Raw_and_composed_messages_are_appended_with_their_new_ids()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var raw = TestMessages.Text("raw append");
        using var stream = new MemoryStream();
        await raw.WriteToAsync(stream, Ct);
        stream.Position = 0;
        var rawRef = await session.AppendAsync("Drafts", stream, [@"\Draft", "$Label2"], DateTimeOffset.UtcNow.AddDays(-2), Ct);

        var compose = new ComposeRequest(new EmailAddress("Ann", "ann@example.com"), [new EmailAddress(null, "bob@example.com")], [], [new EmailAddress(null, "hidden@example.com")],
            "Composed 日本", "text body", "<p>html body</p>", "<orig@example.com>", [new ComposeAttachment("a.txt", "text/plain", "attached text"u8.ToArray())]);
        var composedRef = await session.AppendAsync("Sent", compose, [@"\Seen"], Ct);

        var draft = await session.GetMessageAsync(rawRef, true, Ct);
        Assert.Equal("raw append", draft.Summary.Subject);
        Assert.True(draft.Summary.Draft);
        Assert.Contains("$Label2", draft.Summary.Flags);
        var sent = await session.GetMessageAsync(composedRef, true, Ct);
        Assert.Equal("Composed 日本", sent.Summary.Subject);
        Assert.Equal("<orig@example.com>", sent.InReplyTo);
        Assert.Equal(["<orig@example.com>"], sent.References);
        Assert.Equal("a.txt", Assert.Single(sent.Attachments).FileName);
        Assert.True(sent.Summary.Seen);

        using var check = await fixture.Env.ConnectAsync(User, Ct);
        var folder = await check.GetFolderAsync("Sent", Ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, Ct);
        var message = await folder.GetMessageAsync(new UniqueId(composedRef.Uid), Ct);
        Assert.Equal("Composed 日本", message.Subject);
        Assert.Equal("hidden@example.com", message.Bcc.Mailboxes.Single().Address);
        Assert.Equal("text body", message.TextBody?.Trim());
        await Assert.ThrowsAsync<ImapOperationException>(() => session.AppendAsync("Sent", compose with { To = [new EmailAddress(null, "not an address")] }, null, Ct));
    }
}
