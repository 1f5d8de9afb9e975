using System.Diagnostics;
using System.Threading.RateLimiting;

namespace MailGateway.Api.Cluster;

/// <summary>
/// One partition of an ASP.NET Core rate-limit policy backed by <see cref="IRateWindows"/> (cluster-wide with Redis).
/// The synchronous attempt never grants (it cannot ask Redis), so the middleware goes on to <see cref="AcquireAsyncCore"/>;
/// a refusal carries Retry-After like the built-in limiters, so the policy's 429 problem details stay the same.
/// </summary>
internal sealed class WindowRateLimiter(IRateWindows windows, RateWindowKey key) : RateLimiter
{
    private long _lastUsed = Stopwatch.GetTimestamp();

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => permitCount == 0 ? Lease.Granted : Lease.NotTried;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount == 0) return Lease.Granted;
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        var retryAfter = await windows.TryTakeAsync(key, cancellationToken).ConfigureAwait(false);
        return retryAfter is { } wait ? new Lease(false, wait) : Lease.Granted;
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease NotTried = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
