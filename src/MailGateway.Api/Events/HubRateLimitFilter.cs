using MailGateway.Api.Cluster;
using MailGateway.Api.Shared;
using Microsoft.AspNetCore.SignalR;

namespace MailGateway.Api.Events;

/// <summary>
/// Every hub method call (<c>Subscribe</c>, <c>Unsubscribe</c>, …) takes a permit of the caller's per-user request budget,
/// the one REST calls take (<see cref="UserRequestLimit"/>): without it a connected client could call without limit,
/// since only the negotiate/connect request passes the rate-limiting middleware. A refusal is a <see cref="HubException"/>
/// with <c>rate_limited: … Retry after N s.</c> (<see cref="ApiError.CodedMessage"/>).
/// </summary>
internal sealed class HubRateLimitFilter(UserRequestLimit limit) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        var context = invocationContext.Context;
        if (context.User is { } user
            && await limit.TryTakeAsync(Caller.From(user), "HUB " + invocationContext.HubMethodName, context.ConnectionAborted).ConfigureAwait(false) is { } retryAfter)
            throw new HubException(UserRequestLimit.RateLimited(retryAfter).CodedMessage);
        return await next(invocationContext).ConfigureAwait(false);
    }
}
