using MailGateway.Api.Shared;

namespace MailGateway.Api.Cluster;

/// <summary>
/// The per-user budget of <c>RateLimiting:PermitsPerMinute</c> for calls that arrive on an open connection and so never
/// pass the rate-limiting middleware: SignalR hub method calls (<c>Subscribe</c>, …) and GraphQL WebSocket operations.
/// The window is the REST policy's own (<see cref="RateLimitPolicies.PerUser"/> and the owner id), so REST, GraphQL and
/// the hub draw from one budget per user, cluster-wide with Redis (<see cref="IRateWindows"/>).
/// </summary>
internal sealed class UserRequestLimit(IRateWindows windows, IConfiguration configuration, GatewayMetrics metrics, ILogger<UserRequestLimit> logger)
{
    private readonly int _permits = RateLimitPolicies.PermitsPerMinute(configuration);

    /// <summary>Takes one permit: null when allowed, else how long to wait (the refusal is counted and logged as REST's).</summary>
    public async ValueTask<TimeSpan?> TryTakeAsync(Caller caller, string path, CancellationToken cancellationToken)
    {
        if (_permits <= 0) return null;
        var key = new RateWindowKey(RateLimitPolicies.PerUser, caller.OwnerId, _permits, TimeSpan.FromMinutes(1));
        if (await windows.TryTakeAsync(key, cancellationToken).ConfigureAwait(false) is not { } retryAfter) return null;
        metrics.RateLimited();
        RateLimitLog.RateLimited(logger, caller.OwnerId, null, path);
        return retryAfter;
    }

    /// <summary>The refusal as the catalogue's error: <c>rate_limited</c> with its Retry-After, for the hub and GraphQL.</summary>
    public static ApiError RateLimited(TimeSpan retryAfter) => new(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
        "The per-user request limit was reached; retry after the time given.", retryAfter);
}
