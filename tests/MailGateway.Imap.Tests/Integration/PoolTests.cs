using System.Diagnostics;
using MailGateway.Imap.Tests.Infrastructure;

namespace MailGateway.Imap.Tests.Integration;

public sealed class PoolTests(ImapEnvironment fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_hundred_sequential_rents_log_in_at_most_MaxConnectionsPerAccount_times()
    {
        await using var harness = new PoolHarness(fixture.Env);
        var before = fixture.Env.CountLogins("user40");
        for (var i = 0; i < 200; i++)
        {
            await using var session = await harness.RentAsync("user40");
            var state = await session.GetStateAsync("INBOX", Ct);
            Assert.NotEqual(0u, state.UidValidity);
        }
        await Task.Delay(200, Ct); // Dovecot's log process writes a moment later
        var logins = fixture.Env.CountLogins("user40") - before;
        Assert.InRange(logins, 1, 3);
        Assert.InRange(harness.Telemetry.LoginCount, 1, 3);
        Assert.Equal(AccountConnectionState.Connected, harness.Pool.GetStatus("acc-user40").State);
    }

    [Fact]
    public async Task Thirty_two_concurrent_rents_all_succeed_and_never_exceed_the_cap()
    {
        await using var harness = new PoolHarness(fixture.Env);
        var before = fixture.Env.CountLogins("user41");
        var active = 0;
        var peak = 0;
        var tasks = Enumerable.Range(0, 32).Select(async i =>
        {
            await using var session = await harness.RentAsync("user41");
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref peak, now);
            var box = await session.GetMailboxAsync(i % 2 == 0 ? "INBOX" : "Sent", Ct);
            Assert.True(harness.Telemetry.ConnectionsOpen <= 3);
            await Task.Delay(10, Ct);
            Interlocked.Decrement(ref active);
            return box;
        });
        var results = await Task.WhenAll(tasks);
        Assert.Equal(32, results.Length);
        Assert.InRange(peak, 1, 3);
        await Task.Delay(200, Ct);
        Assert.InRange(fixture.Env.CountLogins("user41") - before, 1, 3);
    }

    [Fact]
    public async Task After_an_authentication_failure_the_account_is_authFailed_and_not_retried_until_reset()
    {
        await using var harness = new PoolHarness(fixture.Env);
        harness.Credentials.Overrides["user42"] = "wrong";
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.RentAsync("user42"));
        var status = harness.Pool.GetStatus("acc-user42");
        Assert.Equal(AccountConnectionState.AuthFailed, status.State);
        Assert.NotNull(status.Since);

        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.RentAsync("user42"));
        Assert.Equal(1, harness.Telemetry.LoginCount);
        Assert.Single(harness.Observer.Attempts);
        Assert.Equal(1, harness.Credentials.Requests);

        harness.Credentials.Overrides.TryRemove("user42", out _);
        await harness.Pool.ResetAsync("acc-user42", Ct);
        await using (var session = await harness.RentAsync("user42"))
            await session.GetStateAsync("INBOX", Ct);
        Assert.Equal(AccountConnectionState.Connected, harness.Pool.GetStatus("acc-user42").State);
    }

    [Fact]
    public async Task A_changed_credential_stamp_retries_an_authFailed_account()
    {
        await using var harness = new PoolHarness(fixture.Env);
        harness.Credentials.Overrides["user43"] = "wrong";
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.Pool.RentAsync(harness.Account("user43", stamp: "a"), Ct).AsTask());
        harness.Credentials.Overrides.TryRemove("user43", out _);
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.Pool.RentAsync(harness.Account("user43", stamp: "a"), Ct).AsTask());
        await using var session = await harness.Pool.RentAsync(harness.Account("user43", stamp: "b"), Ct);
        Assert.Equal(2, harness.Telemetry.LoginCount);
    }

    [Fact]
    public async Task A_lease_that_cannot_be_served_in_time_is_503_with_retry_after()
    {
        await using var harness = new PoolHarness(fixture.Env, s =>
        {
            s["MaxConnectionsPerAccount"] = "1";
            s["LeaseTimeout"] = "00:00:00.300";
        });
        await using var held = await harness.RentAsync("user44");
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ImapUnavailableException>(() => harness.RentAsync("user44"));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250));
        Assert.True(ex.RetryAfter > TimeSpan.Zero);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Pool.RentAsync(harness.Account("user44"), cts.Token).AsTask());
    }

    [Fact]
    public async Task Other_accounts_are_not_blocked_by_a_saturated_account()
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["MaxConnectionsPerAccount"] = "1");
        await using var held = await harness.RentAsync("user45");
        var waiting = harness.RentAsync("user45");
        var watch = Stopwatch.StartNew();
        await using (var other = await harness.RentAsync("user46"))
            await other.GetStateAsync("INBOX", Ct);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var served = await waiting;
        await served.GetStateAsync("INBOX", Ct);
    }

    [Fact]
    public async Task A_free_connection_with_the_wanted_mailbox_selected_is_preferred()
    {
        // Without the read cache, whose first page also builds its mailbox view (ReadCacheTests count those commands).
        await using var harness = new PoolHarness(fixture.Env, s => s["Cache:Enabled"] = "false");
        await fixture.Env.AppendAsync("user47", "Sent", new MimeKit.MimeMessage(
            [MimeKit.MailboxAddress.Parse("a@example.com")], [MimeKit.MailboxAddress.Parse("b@example.com")], "hi", new MimeKit.TextPart("plain") { Text = "x" }), Ct);
        // Two connections: one selects Sent, the other INBOX.
        var a = await harness.RentAsync("user47");
        var b = await harness.RentAsync("user47");
        await a.GetStateAsync("Sent", Ct);
        await b.GetStateAsync("INBOX", Ct);
        await a.DisposeAsync();
        await b.DisposeAsync();

        var before = harness.Telemetry.CommandCount;
        await using (var s = await harness.RentAsync("user47"))
            await s.ListMessagesAsync("Sent", new MessageQuery { Limit = 5 }, Ct);
        // NOOP + STATUS + FETCH, no SELECT: the connection that had Sent selected was chosen.
        Assert.Equal(3, harness.Telemetry.CommandCount - before);
    }

    [Fact]
    public async Task Idle_connections_are_evicted()
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["IdleTimeout"] = "00:00:00.200");
        await using (var s = await harness.RentAsync("user48"))
            await s.GetStateAsync("INBOX", Ct);
        Assert.Equal(1, harness.Telemetry.ConnectionsOpen);
        await Task.Delay(400, Ct);
        harness.PoolImpl.EvictIdle();
        Assert.Equal(0, harness.Telemetry.ConnectionsOpen);
        await using (var s = await harness.RentAsync("user48"))
            await s.GetStateAsync("INBOX", Ct);
        Assert.Equal(2, harness.Telemetry.LoginCount);
    }

    [Fact]
    public async Task A_connection_unused_for_NoopAfter_is_checked_and_replaced_when_dead()
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["NoopAfter"] = "00:00:00");
        var session = await harness.RentAsync("user49");
        await session.GetStateAsync("INBOX", Ct);
        await session.DisposeAsync();
        // Kill the pooled connection behind the pool's back.
        var pool = harness.PoolImpl.GetPool("acc-user49");
        lock (pool.Lock) pool.Idle[0].Client.Dispose();
        await using var again = await harness.RentAsync("user49");
        await again.GetStateAsync("INBOX", Ct);
        Assert.Equal(2, harness.Telemetry.LoginCount);
    }

    [Fact]
    public async Task VerifyAsync_logs_in_once_without_pooling()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await harness.Pool.VerifyAsync(harness.Account("user50"), Ct);
        Assert.Equal(1, harness.Telemetry.LoginCount);
        Assert.Equal(0, harness.Telemetry.ConnectionsOpen);
        harness.Credentials.Overrides["user50"] = "nope";
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.Pool.VerifyAsync(harness.Account("user50"), Ct));
    }

    [Fact]
    public async Task A_connection_that_breaks_during_an_operation_is_discarded_not_returned()
    {
        await using var harness = new PoolHarness(fixture.Env);
        var session = (MailGateway.Imap.Session.ImapSession)await harness.RentAsync("user51");
        await session.GetStateAsync("INBOX", Ct);
        var connection = await session.BindAsync(null, Ct);
        await connection.Client.DisconnectAsync(false, Ct); // the server "goes away"
        await session.GetStateAsync("INBOX", Ct); // a read: retried once on a fresh connection, the caller sees nothing
        var fresh = await session.BindAsync(null, Ct);
        Assert.NotSame(connection, fresh);
        await session.DisposeAsync();
        Assert.Equal(1, harness.Telemetry.ConnectionsOpen);
        Assert.DoesNotContain(connection, harness.PoolImpl.GetPool("acc-user51").Idle);
        await using var again = await harness.RentAsync("user51");
        await again.GetStateAsync("INBOX", Ct);
    }

    [Fact]
    public async Task The_global_cap_closes_another_accounts_idle_connection_or_refuses_fast()
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["MaxConnections"] = "2");
        await using var busy = await harness.RentAsync("user52");
        await using (var idle = await harness.RentAsync("user53"))
            await idle.GetStateAsync("INBOX", Ct);
        Assert.Equal(2, harness.Telemetry.ConnectionsOpen);

        await using (var third = await harness.RentAsync("user54")) // evicts user53's free connection
            await third.GetStateAsync("INBOX", Ct);
        Assert.Empty(harness.PoolImpl.GetPool("acc-user53").Idle);

        await using var fourth = await harness.RentAsync("user55"); // takes user54's free connection
        var ex = await Assert.ThrowsAsync<ImapUnavailableException>(() => harness.RentAsync("user56"));
        Assert.True(ex.RetryAfter > TimeSpan.Zero);
        Assert.InRange(harness.Telemetry.ConnectionsOpen, 0, 2);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
