using MailGateway.Imap.Pooling;
using Microsoft.Extensions.Time.Testing;

namespace MailGateway.Imap.Tests.Unit;

public sealed class FifoGateTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Waiters_are_served_in_arrival_order()
    {
        var gate = new FifoGate(1);
        await gate.EnterAsync(Long, TimeProvider.System, Ct);
        var order = new List<int>();
        var waiters = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            var index = i;
            waiters.Add(Task.Run(async () =>
            {
                await gate.EnterAsync(Long, TimeProvider.System, Ct);
                lock (order) order.Add(index);
                gate.Exit();
            }, Ct));
            while (gate.Waiting < i + 1) await Task.Delay(1, Ct); // strictly one arrival after the other
        }
        gate.Exit();
        await Task.WhenAll(waiters);
        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public async Task A_newcomer_does_not_jump_the_queue()
    {
        var gate = new FifoGate(1);
        await gate.EnterAsync(Long, TimeProvider.System, Ct);
        var first = gate.EnterAsync(Long, TimeProvider.System, Ct).AsTask();
        gate.Exit();                 // handed to the waiter, not put back
        Assert.Equal(0, gate.Available);
        var newcomer = gate.EnterAsync(Long, TimeProvider.System, Ct).AsTask();
        await first;
        Assert.False(newcomer.IsCompleted);
        gate.Exit();
        await newcomer;
    }

    [Fact]
    public async Task A_timed_out_waiter_leaves_the_queue_and_holds_nothing()
    {
        var time = new FakeTimeProvider();
        var gate = new FifoGate(1);
        await gate.EnterAsync(Long, time, Ct);
        var waiting = gate.EnterAsync(TimeSpan.FromSeconds(2), time, Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(0, gate.Waiting);
        gate.Exit();
        Assert.Equal(1, gate.Available);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var gate = new FifoGate(1);
        await gate.EnterAsync(Long, TimeProvider.System, Ct);
        using var cts = new CancellationTokenSource();
        var waiting = gate.EnterAsync(Long, TimeProvider.System, cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Exit();
        Assert.Equal(1, gate.Available);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task Permits_are_never_exceeded_under_contention()
    {
        var gate = new FifoGate(3);
        var inside = 0;
        var peak = 0;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            await gate.EnterAsync(Long, TimeProvider.System, Ct);
            var now = Interlocked.Increment(ref inside);
            lock (gate) peak = Math.Max(peak, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            gate.Exit();
        }));
        Assert.InRange(peak, 1, 3);
        Assert.Equal(3, gate.Available);
    }
}
