using MailGateway.Api.Shared;
using Microsoft.AspNetCore.SignalR;

namespace MailGateway.Api.Events;

/// <summary>
/// Hub errors from <see cref="ErrorCatalogue"/>: a hub method failing on a known fault (Redis down: <c>storage_unavailable</c>;
/// IMAP down: <c>imap_unavailable</c>) answers a <see cref="HubException"/> whose message is <see cref="ApiError.CodedMessage"/>
/// (the REST code first, then when to retry) instead of SignalR's generic "unexpected error". Unknown exceptions keep the
/// generic answer (no detail leaks).
/// </summary>
internal sealed class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not HubException && ErrorCatalogue.Describe(ex) is { } error)
        {
            if (StorageFailures.IsStorageFailure(ex))
                FaultsLog.StorageFailed(logger, "HUB", invocationContext.HubMethodName, ex.GetType().Name);
            throw new HubException(error.CodedMessage, ex);
        }
    }
}
