using MailGateway.Imap.Tests.Infrastructure;

namespace MailGateway.Imap.Tests.Integration;

/// <summary>Fair sharing of the instance's IMAP connections (issue 11 item 9): one user (owner) with many accounts holds
/// at most <c>Imap:UserConnectionShare</c> of <c>Imap:MaxConnections</c>; one more is 503 with Retry-After (or reuses a
/// free connection of the same user), while another user's account still connects. Real Dovecot logins.</summary>
public sealed class UserShareTests(ImapEnvironment fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_with_many_accounts_gets_its_share_and_another_user_keeps_working()
    {
        // Share: floor(8 × 0.25) = 2 connections per user; one per account.
        await using var harness = new PoolHarness(fixture.Env, s =>
        {
            s["MaxConnections"] = "8";
            s["UserConnectionShare"] = "0.25";
            s["MaxConnectionsPerAccount"] = "1";
            s["LeaseTimeout"] = "00:00:02";
        });
        ImapAccount Greedy(int i) => harness.Account("user52") with { Id = $"share-a{i}", Owner = "share-owner-a" };
        var other = harness.Account("user53") with { Id = "share-b", Owner = "share-owner-b" };

        async Task<IImapSession> OpenAsync(ImapAccount account)
        {
            var session = await harness.Pool.RentAsync(account, Ct);
            await session.GetStateAsync("INBOX", Ct);
            return session;
        }

        await using var first = await OpenAsync(Greedy(1));
        var second = await OpenAsync(Greedy(2));
        var refused = await Assert.ThrowsAsync<ImapUnavailableException>(async () => await (await OpenAsync(Greedy(3))).DisposeAsync());
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        Assert.Contains("share", refused.Message, StringComparison.Ordinal);

        // Another user is not affected: the instance still has connections for them.
        await using (var b = await OpenAsync(other))
            Assert.Equal(3, harness.Telemetry.ConnectionsOpen);

        // A free connection of the same user is closed to make room for that user's next account.
        await second.DisposeAsync();
        await using (var third = await OpenAsync(Greedy(3)))
            Assert.Empty(harness.PoolImpl.GetPool("share-a2").Idle);
        Assert.InRange(harness.Telemetry.ConnectionsOpen, 1, 3);
    }
}
