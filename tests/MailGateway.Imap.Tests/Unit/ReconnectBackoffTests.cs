using MailGateway.Imap.Pooling;

namespace MailGateway.Imap.Tests.Unit;

public sealed class ReconnectBackoffTests
{
    private static readonly ReconnectBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    [Fact]
    public void No_failure_means_no_delay() => Assert.Equal(TimeSpan.Zero, Backoff.Delay(0, 0.5));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    public void Delays_double_per_failure_within_the_jitter_band(int failures, double ceilingSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(ceilingSeconds / 2), Backoff.Delay(failures, 0));
        Assert.Equal(TimeSpan.FromSeconds(ceilingSeconds), Backoff.Delay(failures, 1));
        var middle = Backoff.Delay(failures, 0.5);
        Assert.InRange(middle, TimeSpan.FromSeconds(ceilingSeconds / 2), TimeSpan.FromSeconds(ceilingSeconds));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void Delays_are_capped(int failures)
    {
        Assert.Equal(TimeSpan.FromMinutes(5), Backoff.Delay(failures, 1));
        Assert.Equal(TimeSpan.FromMinutes(2.5), Backoff.Delay(failures, 0));
    }

    [Fact]
    public void Out_of_range_randomness_is_clamped() =>
        Assert.Equal(Backoff.Delay(3, 1), Backoff.Delay(3, 7));
}
