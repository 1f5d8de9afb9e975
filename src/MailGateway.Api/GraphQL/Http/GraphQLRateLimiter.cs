using MailGateway.Api.Cluster;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.Http;

/// <summary>
/// Per-user budget of GraphQL operations (HTTP requests and WebSocket subscribes alike), keyed by the
/// caller's owner id so one user cannot starve the others whatever transport they use; counted for the whole
/// cluster when Redis is configured (<see cref="IRateWindows"/>).
/// </summary>
internal sealed class GraphQLRateLimiter(IRateWindows windows, UserRequestLimit users, IOptions<GraphQLApiOptions> options)
{
    private const string Policy = "graphql";

    /// <summary>Takes one permit; null when allowed, else how long to wait.</summary>
    public ValueTask<TimeSpan?> TryAcquireAsync(Caller caller, CancellationToken cancellationToken)
    {
        var o = options.Value;
        return windows.TryTakeAsync(new RateWindowKey(Policy, caller.OwnerId, o.RequestsPerWindow, o.RateLimitWindow), cancellationToken);
    }

    /// <summary>A WebSocket operation: it never passes the rate-limiting middleware, so it takes the user's request permit
    /// (<see cref="UserRequestLimit"/>, as a REST call or an HTTP GraphQL request does) and then the operation permit.</summary>
    public async ValueTask<TimeSpan?> TryAcquireOperationAsync(Caller caller, CancellationToken cancellationToken) =>
        await users.TryTakeAsync(caller, "GRAPHQL-WS", cancellationToken).ConfigureAwait(false)
        ?? await TryAcquireAsync(caller, cancellationToken).ConfigureAwait(false);
}
