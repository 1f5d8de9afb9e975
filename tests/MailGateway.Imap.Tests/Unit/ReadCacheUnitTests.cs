using MailGateway.Imap.Caching;

namespace MailGateway.Imap.Tests.Unit;

public sealed class ReadCacheUnitTests
{
    [Fact]
    public void The_LRU_evicts_the_least_recently_used_entries_once_over_its_byte_budget()
    {
        var lru = new ByteBudgetLru<int, string>(maxBytes: 100);
        lru.Set(1, "a", 40);
        lru.Set(2, "b", 40);
        Assert.True(lru.TryGet(1, out _)); // 2 is now the least recently used
        lru.Set(3, "c", 40);

        Assert.False(lru.TryGet(2, out _));
        Assert.True(lru.TryGet(1, out _));
        Assert.True(lru.TryGet(3, out _));
        Assert.Equal(80, lru.Bytes);
    }

    [Fact]
    public void The_LRU_does_not_keep_a_value_bigger_than_its_budget_and_replacing_counts_once()
    {
        var lru = new ByteBudgetLru<int, string>(maxBytes: 100);
        lru.Set(1, "big", 101);
        Assert.Equal(0, lru.Count);
        lru.Set(2, "x", 30);
        lru.Set(2, "y", 50);
        Assert.Equal(50, lru.Bytes);
        Assert.True(lru.TryGet(2, out var value));
        Assert.Equal("y", value);
    }

    [Fact]
    public void A_view_answers_its_UIDs_only_for_exactly_the_state_it_was_proven_at()
    {
        var view = new MailboxView(7);
        var state = new MailboxState(7, 10, 100);
        Assert.Null(view.UidsAt(state));
        view.Install(state, [1, 2, 3]);
        Assert.Equal([1u, 2, 3], view.UidsAt(state));
        Assert.Null(view.UidsAt(state with { HighestModSeq = 101 }));
        Assert.Null(view.UidsAt(state with { UidNext = 11 }));
    }

    [Fact]
    public void An_older_proof_or_flag_observation_never_replaces_a_newer_one()
    {
        var view = new MailboxView(7);
        view.Install(new MailboxState(7, 10, 100), [1, 2]);
        view.Install(new MailboxState(7, 10, 90), [1]);
        Assert.Equal([1u, 2], view.UidsAt(new MailboxState(7, 10, 100)));

        view.MergeFlags(1, [@"\Seen"], 95);
        view.MergeFlags(1, [], 80);
        Assert.True(view.TryGetFlags(1, out var flags));
        Assert.Equal([@"\Seen"], flags.Flags);
    }
}
