using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.Http;

/// <summary>
/// Per-user budget of GraphQL operations (HTTP requests and WebSocket subscribes alike), keyed by the
/// caller's owner id so one user cannot starve the others whatever transport they use.
/// </summary>
internal sealed class GraphQLRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public GraphQLRateLimiter(IOptions<GraphQLApiOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(owner => RateLimitPartition.GetFixedWindowLimiter(owner,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = o.RequestsPerWindow, Window = o.RateLimitWindow, QueueLimit = 0 }));
    }

    /// <summary>Takes one permit; null when allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(Caller caller)
    {
        using var lease = _limiter.AttemptAcquire(caller.OwnerId);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
