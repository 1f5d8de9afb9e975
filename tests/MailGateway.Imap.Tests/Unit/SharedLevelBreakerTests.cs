using MailGateway.Imap.Caching;
using MailGateway.Imap.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Pass = MailGateway.Imap.Caching.SharedLevelBreaker.Pass;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>The shared cache level's circuit breaker as a state machine, on a fake clock: closed → open on a failure,
/// skipped for the break duration, one probe (half-open), closed by its success or reopened by its failure; a log line
/// per transition, not per call.</summary>
public sealed class SharedLevelBreakerTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CapturingLoggerProvider _logs = new();

    private SharedLevelBreaker Create() => new(Break, _time, _logs.CreateLogger("cache"));

    private int Logged(string text) => _logs.Lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void A_closed_breaker_lets_every_call_through_and_successes_keep_it_closed()
    {
        var breaker = Create();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Pass.Call, breaker.Enter());
            breaker.Succeeded(Pass.Call);
        }
        Assert.False(breaker.IsOpen);
        Assert.Equal(0, breaker.Skipped);
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public void A_failure_opens_it_for_the_break_duration_then_one_probe_that_succeeds_closes_it()
    {
        var breaker = Create();
        breaker.Failed(breaker.Enter(), new TimeoutException("store timed out"));
        Assert.True(breaker.IsOpen);
        Assert.Equal(Pass.Skip, breaker.Enter());
        _time.Advance(Break - TimeSpan.FromMilliseconds(1));
        Assert.Equal(Pass.Skip, breaker.Enter());
        Assert.Equal(2, breaker.Skipped);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(Pass.Probe, breaker.Enter());
        Assert.Equal(Pass.Skip, breaker.Enter()); // only one probe at a time
        breaker.Succeeded(Pass.Probe);
        Assert.False(breaker.IsOpen);
        Assert.Equal(Pass.Call, breaker.Enter());
        Assert.Equal(1, Logged("failed; skipping the shared level for 5 s"));
        Assert.Equal(1, Logged("back in use"));
    }

    [Fact]
    public void A_failed_probe_reopens_it_for_another_full_period()
    {
        var breaker = Create();
        breaker.Failed(Pass.Call, new TimeoutException());
        _time.Advance(Break);
        Assert.Equal(Pass.Probe, breaker.Enter());
        _time.Advance(TimeSpan.FromSeconds(2)); // the probe itself waited for the store's timeout
        breaker.Failed(Pass.Probe, new TimeoutException());
        Assert.True(breaker.IsOpen);
        _time.Advance(Break - TimeSpan.FromMilliseconds(1));
        Assert.Equal(Pass.Skip, breaker.Enter());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(Pass.Probe, breaker.Enter());
        breaker.Succeeded(Pass.Probe);
        Assert.False(breaker.IsOpen);
        Assert.Equal(1, Logged("failed; skipping"));
        Assert.Equal(1, Logged("still failing"));
        Assert.Equal(1, Logged("back in use"));
    }

    [Fact]
    public void Many_failures_at_once_open_it_once_and_a_late_answer_of_an_older_call_does_not_close_it()
    {
        var breaker = Create();
        var passes = Enumerable.Range(0, 8).Select(_ => breaker.Enter()).ToList(); // eight calls in flight when the store stalls
        Parallel.ForEach(passes.Take(7), pass => breaker.Failed(pass, new TimeoutException()));
        breaker.Succeeded(passes[7]);
        Assert.True(breaker.IsOpen);
        Assert.Equal(Pass.Skip, breaker.Enter());
        Assert.Equal(1, Logged("failed; skipping"));
        Assert.Equal(0, Logged("back in use"));
    }

    [Fact]
    public void An_abandoned_probe_lets_the_next_call_probe_at_once()
    {
        var breaker = Create();
        breaker.Failed(Pass.Call, new TimeoutException());
        _time.Advance(Break);
        Assert.Equal(Pass.Probe, breaker.Enter());
        breaker.Abandoned(Pass.Probe); // the request was cancelled: nothing learned about the store
        Assert.Equal(Pass.Probe, breaker.Enter());
        breaker.Succeeded(Pass.Probe);
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void Concurrent_callers_after_the_break_get_exactly_one_probe()
    {
        var breaker = Create();
        breaker.Failed(Pass.Call, new TimeoutException());
        _time.Advance(Break);
        var passes = new Pass[64];
        Parallel.For(0, passes.Length, i => passes[i] = breaker.Enter());
        Assert.Equal(1, passes.Count(p => p == Pass.Probe));
        Assert.Equal(63, passes.Count(p => p == Pass.Skip));
    }
}
