using MailGateway.Api.Events;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Events;

public sealed class MailEventFactoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static MessageSummary Summary(uint uid) => new("INBOX", 42, uid, "<m@x>", "Hello <b>", [new EmailAddress("Ada", "ada@example.test")],
        [new EmailAddress(null, "bob@example.test")], [], Now, Now, 1234, [@"\Seen"], true, "preview text", 7);

    [Fact]
    public void Message_created_carries_the_rest_ids_and_summary()
    {
        var e = Assert.Single(MailEventFactory.Create("acc1", new MailboxChange.MessagesAdded("INBOX", 42, [Summary(5)]), Now));
        Assert.Equal(MailEventTypes.MessageCreated, e.Type);
        Assert.Equal("acc1", e.AccountId);
        var data = e.Data;
        Assert.Equal(ResourceIds.Mailbox("INBOX"), data.GetProperty("mailboxId").GetString());
        Assert.Equal("INBOX", data.GetProperty("mailboxPath").GetString());
        Assert.Equal(ResourceIds.Message(new MessageRef("INBOX", 42, 5)), data.GetProperty("messageId").GetString());
        Assert.Equal(5u, data.GetProperty("uid").GetUInt32());
        var summary = data.GetProperty("summary");
        Assert.Equal("Hello <b>", summary.GetProperty("subject").GetString());
        Assert.Equal("ada@example.test", summary.GetProperty("from")[0].GetProperty("address").GetString());
        Assert.True(summary.GetProperty("seen").GetBoolean());
        Assert.True(summary.GetProperty("hasAttachments").GetBoolean());
        Assert.Equal("preview text", summary.GetProperty("preview").GetString());
    }

    [Fact]
    public void Ids_are_deterministic_per_change_and_differ_between_changes()
    {
        var first = MailEventFactory.Create("acc1", new MailboxChange.MessagesAdded("INBOX", 42, [Summary(5)]), Now).Single().Id;
        var again = MailEventFactory.Create("acc1", new MailboxChange.MessagesAdded("INBOX", 42, [Summary(5)]), Now.AddHours(1)).Single().Id;
        var otherUid = MailEventFactory.Create("acc1", new MailboxChange.MessagesAdded("INBOX", 42, [Summary(6)]), Now).Single().Id;
        var otherAccount = MailEventFactory.Create("acc2", new MailboxChange.MessagesAdded("INBOX", 42, [Summary(5)]), Now).Single().Id;
        var otherValidity = MailEventFactory.Create("acc1", new MailboxChange.MessagesAdded("INBOX", 43, [Summary(5) with { UidValidity = 43 }]), Now).Single().Id;
        Assert.Equal(first, again);
        Assert.Equal(4, new[] { first, otherUid, otherAccount, otherValidity }.Distinct().Count());

        var flags1 = MailEventFactory.Create("acc1", new MailboxChange.FlagsChanged("INBOX", 42, 5, [@"\Seen"], 10), Now).Single().Id;
        var flags2 = MailEventFactory.Create("acc1", new MailboxChange.FlagsChanged("INBOX", 42, 5, [], 11), Now).Single().Id;
        Assert.NotEqual(flags1, flags2);
    }

    [Fact]
    public void Expunges_flags_mailboxes_and_resets_map_to_their_types()
    {
        Assert.Equal([MailEventTypes.MessageDeleted, MailEventTypes.MessageDeleted],
            MailEventFactory.Create("a", new MailboxChange.MessagesExpunged("INBOX", 1, [3, 4]), Now).Select(e => e.Type));
        var updated = MailEventFactory.Create("a", new MailboxChange.FlagsChanged("INBOX", 1, 3, [@"\Flagged"], 9), Now).Single();
        Assert.Equal(MailEventTypes.MessageUpdated, updated.Type);
        Assert.True(updated.Data.GetProperty("flagged").GetBoolean());
        Assert.False(updated.Data.GetProperty("seen").GetBoolean());
        var renamed = MailEventFactory.Create("a", new MailboxChange.MailboxRenamed("Old", "New", new(5, 1, 1)), Now).Single();
        Assert.Equal(MailEventTypes.MailboxRenamed, renamed.Type);
        Assert.Equal("Old", renamed.Data.GetProperty("oldMailboxPath").GetString());
        var reset = MailEventFactory.Create("a", new MailboxChange.UidValidityChanged("INBOX", 1, new(2, 1, 1)), Now).Single();
        Assert.Equal(MailEventTypes.MailboxReset, reset.Type);
        Assert.Equal(2u, reset.Data.GetProperty("uidValidity").GetUInt32());
        Assert.Empty(MailEventFactory.Create("a", new MailboxChange.Synced("INBOX", new(2, 1, 1)), Now));
        Assert.Equal(MailEventTypes.AccountConnected, MailEventFactory.Create("a", new MailboxChange.Connected(true), Now).Single().Type);
    }
}
