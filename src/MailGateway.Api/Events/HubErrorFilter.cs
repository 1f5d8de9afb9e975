using System.Globalization;
using MailGateway.Api.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace MailGateway.Api.Events;

/// <summary>
/// A hub method failing on a known fault (Redis down: <c>storage_unavailable</c>; IMAP down: <c>imap_unavailable</c>)
/// answers a <see cref="HubException"/> whose message starts with the REST code and says when to retry, instead of
/// SignalR's generic "unexpected error". Unknown exceptions keep the generic answer (no detail leaks).
/// </summary>
internal sealed class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not HubException && ImapExceptionHandler.Map(ex) is { Status: >= 500 } mapped)
        {
            if (StorageFailures.IsStorageFailure(ex))
                FaultsLog.StorageFailed(logger, "HUB", invocationContext.HubMethodName, ex.GetType().Name);
            throw new HubException(Describe(mapped), ex);
        }
    }

    /// <summary>"code: title Retry after N s." — the code first, so clients can match on it.</summary>
    internal static string Describe(MappedProblem mapped) => mapped.RetryAfter is { } retry
        ? string.Create(CultureInfo.InvariantCulture, $"{mapped.Code}: {mapped.Title} Retry after {Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))} s.")
        : $"{mapped.Code}: {mapped.Title}";
}
