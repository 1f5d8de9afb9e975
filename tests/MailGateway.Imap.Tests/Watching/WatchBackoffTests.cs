namespace MailGateway.Imap.Tests.Watching;

public sealed class WatchBackoffTests
{
    private static readonly WatchBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    [Fact]
    public void Grows_exponentially_and_is_capped()
    {
        Assert.Equal(TimeSpan.Zero, Backoff.Delay(0, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.Delay(1, 1));
        Assert.Equal(TimeSpan.FromSeconds(8), Backoff.Delay(4, 1));
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(20, 1));
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(int.MaxValue, 1));
    }

    [Fact]
    public void Jitter_keeps_at_least_half_the_delay()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), Backoff.Delay(4, 0));
        Assert.InRange(Backoff.Delay(4, 0.5), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
    }
}
