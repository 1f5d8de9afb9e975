namespace MailGateway.Imap.Tests.Watching;

public sealed class MailboxListDiffTests
{
    private static MailboxState S(uint uidValidity) => new(uidValidity, 10, 5);

    [Fact]
    public void Finds_created_and_deleted_mailboxes()
    {
        var known = new Dictionary<string, MailboxState> { ["INBOX"] = S(1), ["Old"] = S(2) };
        var current = new Dictionary<string, MailboxState> { ["INBOX"] = S(1), ["New"] = S(3) };
        var diff = MailboxListDiff.Compute(known, current);
        Assert.Equal(["New"], diff.Created);
        Assert.Equal(["Old"], diff.Deleted);
        Assert.Empty(diff.Renamed);
    }

    [Fact]
    public void A_mailbox_that_keeps_its_uidvalidity_under_a_new_name_was_renamed()
    {
        var known = new Dictionary<string, MailboxState> { ["INBOX"] = S(1), ["Work"] = S(7), ["Work/2025"] = S(8) };
        var current = new Dictionary<string, MailboxState> { ["INBOX"] = S(1), ["Jobs"] = S(7), ["Jobs/2025"] = S(8) };
        var diff = MailboxListDiff.Compute(known, current);
        Assert.Equal([("Work", "Jobs"), ("Work/2025", "Jobs/2025")], diff.Renamed.OrderBy(r => r.OldPath).ToList());
        Assert.Empty(diff.Created);
        Assert.Empty(diff.Deleted);
    }

    [Fact]
    public void Ambiguous_uidvalidities_are_reported_as_delete_and_create()
    {
        var known = new Dictionary<string, MailboxState> { ["A"] = S(9), ["B"] = S(9) };
        var current = new Dictionary<string, MailboxState> { ["C"] = S(9), ["D"] = S(9) };
        var diff = MailboxListDiff.Compute(known, current);
        Assert.Empty(diff.Renamed);
        Assert.Equal(["C", "D"], diff.Created);
        Assert.Equal(["A", "B"], diff.Deleted);
    }
}
