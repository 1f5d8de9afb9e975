using MailGateway.Api.Sending;
using MailGateway.Api.Storage;
using MailGateway.IntegrationTests.Faults;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Cancel vs worker on the Redis outbox (issue 11 item 11, compare-and-set): a cancel makes the canceled record
/// from the record it read; when the worker recorded an attempt in between (a 4xx deferral: attempts, last reply,
/// recipients' results), the stale record is not written back, and the cancel that reads again keeps the attempt.
/// On a Redis of its own, so no gateway's worker claims these submissions.</summary>
public sealed class OutboxCancelRaceTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cancel_made_from_a_stale_read_does_not_undo_the_attempt_the_worker_recorded()
    {
        await using var env = await PrivateRedis.StartAsync(appendOnly: false, _ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.RedisConfiguration!);
        var keys = new RedisKeys();
        var store = new RedisOutboxStore(redis, keys);
        var now = DateTimeOffset.UtcNow;
        var submission = new Submission
        {
            Id = "cancel-race", AccountId = "acc-race", OwnerId = "owner-race", EnvelopeFrom = "a@example.test", CreatedAt = now,
            Recipients = [new SubmissionRecipient("b@example.test", "pending", null), new SubmissionRecipient("c@example.test", "pending", null)],
        };
        await store.AddAsync(submission, [1, 2, 3], now, null, TimeSpan.Zero, cancellationToken: _ct);

        // The cancel reads the record ...
        var read = (string)(await redis.GetDatabase().HashGetAsync(keys.InGroup("outbox", "s:" + submission.Id), "json"))!;

        // ... the worker claims it, one recipient is accepted, the other answered 451, and it goes back to the queue ...
        var claim = await store.ClaimAsync(now, TimeSpan.FromMinutes(1), cancellationToken: _ct);
        Assert.NotNull(claim);
        var deferred = claim.Submission with
        {
            State = SubmissionStates.Queued, Attempts = 1, LastReply = new SubmissionReply(451, "try again later"), NextAttemptAt = now.AddMinutes(1),
            Recipients = [new SubmissionRecipient("b@example.test", "accepted", new SubmissionReply(250, "ok")),
                          new SubmissionRecipient("c@example.test", "pending", new SubmissionReply(451, "try again later"))],
        };
        Assert.True(await store.ReleaseAsync(claim, deferred, now.AddMinutes(1), _ct));

        // ... then the cancel made from the stale read is refused, and nothing of it is written.
        var (changed, _) = await store.TryCancelAsync(submission.Id, read, now, _ct);
        Assert.True(changed, "a cancel made from a stale read was written over the worker's attempt");
        var stored = await store.GetAsync(submission.Id, _ct);
        Assert.Equal(SubmissionStates.Queued, stored!.State);
        Assert.Equal(1, stored.Attempts);

        // The cancel as the API runs it reads again: canceled, and the attempt's record is kept.
        var canceled = await store.CancelAsync(submission.Id, now, _ct);
        Assert.Equal(SubmissionStates.Canceled, canceled!.State);
        Assert.Equal(1, canceled.Attempts);
        Assert.Equal(451, canceled.LastReply!.Code);
        Assert.Equal("accepted", canceled.Recipients.Single(r => r.Address == "b@example.test").State);
        Assert.Null(await store.ClaimAsync(now.AddMinutes(2), TimeSpan.FromMinutes(1), cancellationToken: _ct));
    }
}
