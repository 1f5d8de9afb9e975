using MailGateway.Imap.Pooling;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>Account state logic of the pool, with a connection source that fails on purpose (no IMAP involved).</summary>
public sealed class PoolStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class FailingSource(Func<Exception> failure) : IImapConnectionSource
    {
        public int Calls;
        public Func<Exception> Failure { get; set; } = failure;

        public Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromException<ImapClient>(Failure());
        }
    }

    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }

    private static (ImapSessionPool Pool, FakeTimeProvider Time) Create(IImapConnectionSource source)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var pool = new ImapSessionPool(source, Options.Create(new ImapOptions()), new ImapTelemetry(new MeterFactory()), time, NullLogger<ImapSessionPool>.Instance);
        return (pool, time);
    }

    private static readonly ImapAccount Account = new("acc", "imap.example.com", 993, ImapSecurity.Tls, "u", CredentialStamp: "s1");

    [Fact]
    public async Task An_auth_failure_blocks_the_account_without_contacting_the_server_until_the_stamp_changes()
    {
        var source = new FailingSource(() => new ImapAuthenticationException("rejected"));
        var (pool, _) = Create(source);
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.Equal(AccountConnectionState.AuthFailed, pool.GetStatus("acc").State);
        for (var i = 0; i < 10; i++)
            await Assert.ThrowsAsync<ImapAuthenticationException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.Equal(1, source.Calls);

        await Assert.ThrowsAsync<ImapAuthenticationException>(() => pool.RentAsync(Account with { CredentialStamp = "s2" }, Ct).AsTask());
        Assert.Equal(2, source.Calls);

        await pool.ResetAsync("acc", Ct);
        Assert.Equal(AccountConnectionState.Connecting, pool.GetStatus("acc").State);
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => pool.RentAsync(Account with { CredentialStamp = "s2" }, Ct).AsTask());
        Assert.Equal(3, source.Calls);
    }

    [Fact]
    public async Task An_unreachable_account_backs_off_exponentially()
    {
        var source = new FailingSource(() => new ImapUnavailableException("down"));
        var (pool, time) = Create(source);
        pool = new ImapSessionPool(source, Options.Create(new ImapOptions()), new ImapTelemetry(new MeterFactory()), time, NullLogger<ImapSessionPool>.Instance)
        {
            Backoff = new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)),
        };
        await Assert.ThrowsAsync<ImapUnavailableException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.Equal(AccountConnectionState.Unreachable, pool.GetStatus("acc").State);

        var fast = await Assert.ThrowsAsync<ImapUnavailableException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.Equal(1, source.Calls);
        Assert.InRange(fast.RetryAfter, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromSeconds(11));
        await Assert.ThrowsAsync<ImapUnavailableException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.Equal(2, source.Calls);
        var second = await Assert.ThrowsAsync<ImapUnavailableException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.InRange(second.RetryAfter, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task A_policy_refusal_marks_the_account_disabled()
    {
        var source = new FailingSource(() => new ImapPolicyException("imap_host_forbidden", "no"));
        var (pool, _) = Create(source);
        await Assert.ThrowsAsync<ImapPolicyException>(() => pool.RentAsync(Account, Ct).AsTask());
        Assert.Equal(AccountConnectionState.Disabled, pool.GetStatus("acc").State);
    }

    [Fact]
    public async Task A_failed_rent_gives_its_permit_back()
    {
        var source = new FailingSource(() => new ImapUnavailableException("down"));
        var (pool, time) = Create(source);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ImapUnavailableException>(() => pool.RentAsync(Account, Ct).AsTask());
            time.Advance(TimeSpan.FromMinutes(10));
        }
        Assert.Equal(5, source.Calls);
        Assert.Equal(3, pool.GetPool("acc").Gate.Available);
        Assert.Equal(0, pool.GlobalOpen);
    }

    [Fact]
    public void Unknown_accounts_report_connecting() =>
        Assert.Equal(AccountConnectionState.Connecting, Create(new FailingSource(() => new InvalidOperationException())).Pool.GetStatus("nobody").State);
}
