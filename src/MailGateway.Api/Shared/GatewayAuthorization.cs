using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace MailGateway.Api.Shared;

/// <summary>
/// The one place that decides what a caller may do, for every API: REST endpoints name the same policies
/// (<c>RequireAuthorization(Permissions.MailRead)</c>), GraphQL resolvers and SignalR hub methods ask this service,
/// which evaluates those policies through <see cref="IAuthorizationService"/>. A policy is a permission plus the MFA
/// rules (<c>Authentication:RequireMfa</c>, <c>RequireMfaFor</c>), registered by <c>AddGatewayAuthorization</c>.
/// </summary>
public sealed class GatewayAuthorization(IAuthorizationService authorization)
{
    /// <summary>Event types whose data is mail content (subjects, senders, previews, mailbox names).</summary>
    private static readonly string[] _mailEventPrefixes = ["message.", "mailbox."];

    /// <summary>True when the caller's token satisfies the policy named <paramref name="permission"/>.</summary>
    public async Task<bool> AllowsAsync(ClaimsPrincipal user, string permission) =>
        user.Identity?.IsAuthenticated == true && (await authorization.AuthorizeAsync(user, permission).ConfigureAwait(false)).Succeeded;

    /// <summary>Every permission policy the caller satisfies (evaluated once per GraphQL operation).</summary>
    public async Task<IReadOnlySet<string>> GrantedAsync(ClaimsPrincipal user)
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var permission in Permissions.All)
        {
            if (await AllowsAsync(user, permission).ConfigureAwait(false))
                granted.Add(permission);
        }
        return granted;
    }

    /// <summary>
    /// A webhook filter that can deliver message or mailbox events (no filter, <c>*</c>, <c>message.*</c>, ...) needs
    /// <c>Mail.Read</c> on top of <c>Webhooks.ReadWrite</c>: a webhook scope alone must not read mail.
    /// </summary>
    public async Task<bool> MaySubscribeAsync(ClaimsPrincipal user, IReadOnlyList<string>? eventFilters) =>
        !DeliversMail(eventFilters) || await AllowsAsync(user, Permissions.MailRead).ConfigureAwait(false);

    public static bool DeliversMail(IReadOnlyList<string>? eventFilters) =>
        eventFilters is null || eventFilters.Count == 0
        || eventFilters.Any(f => f == "*" || _mailEventPrefixes.Any(p => f.StartsWith(p, StringComparison.Ordinal)));
}
