using MailGateway.Api.Sending;
using MailGateway.Api.Storage;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>The outbox worker's claim sent while Redis is frozen (SIGSTOP by pid) times out, but Redis runs it after
/// SIGCONT: the submission is then leased to nobody. The next claim of the same store takes it back at once (it does not
/// wait out the 2-minute lease). Fails when the store forgets the token of a claim whose answer never came.</summary>
public sealed class OutboxClaimStallTests
{
    [Fact]
    public async Task A_claim_that_timed_out_while_redis_was_frozen_is_taken_back_by_the_next_claim()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var multiplexer = await PrivateRedis.ConnectAsync(redis);
        var store = new RedisOutboxStore(multiplexer, new RedisKeys());
        var now = DateTimeOffset.UtcNow;
        var submission = new Submission
        {
            Id = Guid.NewGuid().ToString("N"), AccountId = "a1", OwnerId = "o1", EnvelopeFrom = "a@example.org", CreatedAt = now,
            State = SubmissionStates.Queued, Recipients = [new SubmissionRecipient("b@example.org", "pending", null)],
        };
        await store.AddAsync(submission, "Subject: x\r\n\r\nx\r\n"u8.ToArray(), now, null, TimeSpan.FromHours(1), cancellationToken: ct);
        var lease = TimeSpan.FromMinutes(2);

        await redis.FreezeRedisAsync();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => store.ClaimAsync(DateTimeOffset.UtcNow, lease, cancellationToken: ct));
        }
        finally
        {
            await redis.ThawRedisAsync();
        }
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30); // Redis runs the queued claim once it thaws
        while ((await store.GetAsync(submission.Id, ct))?.State != SubmissionStates.Sending && DateTime.UtcNow < until)
            await Task.Delay(50, ct);
        Assert.Equal(SubmissionStates.Sending, (await store.GetAsync(submission.Id, ct))?.State);

        var claim = await store.ClaimAsync(DateTimeOffset.UtcNow, lease, cancellationToken: ct);
        Assert.Equal(submission.Id, claim?.Submission.Id);
        Assert.Null(await store.ClaimAsync(DateTimeOffset.UtcNow, lease, cancellationToken: ct)); // a live claim is not taken back
    }
}
