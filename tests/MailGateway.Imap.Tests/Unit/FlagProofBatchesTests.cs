using MailGateway.Imap.Caching;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>The single-flight rule of <see cref="FlagProofBatches"/> (no IMAP involved): a read shares only a proof
/// that starts after it arrived, and every read arriving while one runs shares the next.</summary>
public sealed class FlagProofBatchesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_arriving_while_a_proof_runs_share_the_next_proof_not_the_running_one()
    {
        var batches = new FlagProofBatches();
        var running = new TaskCompletionSource<IReadOnlyDictionary<uint, FlagEntry>>();
        var proofs = new List<uint[]>();
        FlagProofBatches.Prove prove = (uids, _) =>
        {
            lock (proofs) proofs.Add([.. uids.Order()]);
            return proofs.Count == 1 ? running.Task : Task.FromResult(Answer(uids, "after"));
        };

        var first = batches.ProveAsync("scope", "INBOX", 7, 10, prove, Ct);
        Assert.Single(proofs);
        var second = batches.ProveAsync("scope", "INBOX", 7, 11, prove, Ct);
        var third = batches.ProveAsync("scope", "INBOX", 7, 10, prove, Ct);
        var otherMailbox = batches.ProveAsync("scope", "Archive", 7, 10, prove, Ct);
        await otherMailbox;
        Assert.Equal(2, proofs.Count); // the other mailbox ran its own proof at once; INBOX's readers still wait

        running.SetResult(Answer([10], "before"));
        Assert.Equal("before", (await first)!.Value.Flags[0]);
        Assert.Equal("after", (await second)!.Value.Flags[0]);
        Assert.Equal("after", (await third)!.Value.Flags[0]);
        Assert.Equal(3, proofs.Count);
        Assert.Equal([10u, 11u], proofs[2]);
        Assert.Equal(3, batches.Proofs);
        Assert.Equal(4, batches.Reads);
    }

    [Fact]
    public async Task A_message_the_proof_did_not_find_is_null_and_a_failed_proof_fails_all_its_readers()
    {
        var batches = new FlagProofBatches();
        Assert.Null(await batches.ProveAsync("scope", "INBOX", 7, 12, (uids, _) => Task.FromResult(Answer([], "x")), Ct));

        var gate = new TaskCompletionSource<IReadOnlyDictionary<uint, FlagEntry>>();
        var running = batches.ProveAsync("scope", "INBOX", 7, 1, (_, _) => gate.Task, Ct);
        FlagProofBatches.Prove failing = (_, _) => Task.FromException<IReadOnlyDictionary<uint, FlagEntry>>(new ImapUnavailableException("down", TimeSpan.FromSeconds(1)));
        var a = batches.ProveAsync("scope", "INBOX", 7, 2, failing, Ct);
        var b = batches.ProveAsync("scope", "INBOX", 7, 3, failing, Ct);
        gate.SetResult(Answer([1], "ok"));
        await running;
        await Assert.ThrowsAsync<ImapUnavailableException>(() => a);
        await Assert.ThrowsAsync<ImapUnavailableException>(() => b);
    }

    /// <summary>The proof that follows a running one starts when the running one's result is set, on another thread, and
    /// may end (and remove the mailbox's slot) before the running one's own clean-up: that clean-up must not fail the read
    /// that led it (it threw KeyNotFoundException once in a full run).</summary>
    [Fact]
    public async Task A_proof_that_ends_before_the_previous_one_cleaned_up_fails_no_reader()
    {
        for (var i = 0; i < 2000; i++)
        {
            var batches = new FlagProofBatches();
            var gate = new TaskCompletionSource<IReadOnlyDictionary<uint, FlagEntry>>();
            var running = batches.ProveAsync("scope", "INBOX", 7, 1, (_, _) => gate.Task, Ct);
            var next = batches.ProveAsync("scope", "INBOX", 7, 2, (uids, _) => Task.FromResult(Answer(uids, "next")), Ct);
            gate.SetResult(Answer([1], "ok"));
            Assert.Equal("ok", (await running)!.Value.Flags[0]);
            Assert.Equal("next", (await next)!.Value.Flags[0]);
        }
    }

    [Fact]
    public async Task When_the_leading_read_is_cancelled_the_others_prove_anew()
    {
        var batches = new FlagProofBatches();
        var gate = new TaskCompletionSource<IReadOnlyDictionary<uint, FlagEntry>>();
        var running = batches.ProveAsync("scope", "INBOX", 7, 1, (_, _) => gate.Task, Ct);
        using var leaderGivesUp = new CancellationTokenSource();
        FlagProofBatches.Prove cancelled = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("not reached");
        };
        var leader = batches.ProveAsync("scope", "INBOX", 7, 2, cancelled, leaderGivesUp.Token);
        var follower = batches.ProveAsync("scope", "INBOX", 7, 3, (uids, _) => Task.FromResult(Answer(uids, "fresh")), Ct);
        gate.SetResult(Answer([1], "ok"));
        await running;
        await leaderGivesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        Assert.Equal("fresh", (await follower.WaitAsync(TimeSpan.FromSeconds(30), Ct))!.Value.Flags[0]);
    }

    private static IReadOnlyDictionary<uint, FlagEntry> Answer(IEnumerable<uint> uids, string flag) =>
        uids.ToDictionary(uid => uid, _ => new FlagEntry([flag], 1));
}
