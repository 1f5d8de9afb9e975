using System.Security.Claims;

namespace MailGateway.Api.Shared;

/// <summary>Who is calling: the owner key of their accounts, and what they may do.</summary>
/// <param name="OwnerId">tid+oid when present, else iss+sub (prefixed with tid when the token names a tenant).</param>
public sealed record Caller(string OwnerId, bool IsAdmin, IReadOnlySet<string> Permissions, bool IsApp)
{
    public const string AdminRole = "MailGateway.Admin";

    /// <summary>Admins hold every permission; <c>Mail.ReadWrite</c> includes <c>Mail.Read</c>.</summary>
    public bool Has(string permission) =>
        IsAdmin || Permissions.Contains(permission)
        || (permission == MailGateway.Api.Shared.Permissions.MailRead && Permissions.Contains(MailGateway.Api.Shared.Permissions.MailReadWrite));

    public static Caller From(ClaimsPrincipal user)
    {
        string? Find(params string[] types) =>
            types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));

        var tid = Find("tid", "http://schemas.microsoft.com/identity/claims/tenantid");
        var oid = Find("oid", "http://schemas.microsoft.com/identity/claims/objectidentifier");
        // The tenant is always part of the key: one user id in two tenants never shares accounts.
        var issuerAndSubject = $"iss:{Find("iss") ?? user.Identity?.AuthenticationType ?? "unknown"}/sub:{Find("sub", ClaimTypes.NameIdentifier) ?? ""}";
        var owner = tid is null ? issuerAndSubject
            : oid is not null ? $"tid:{tid}/oid:{oid}"
            : $"tid:{tid}/{issuerAndSubject}";

        var scopes = user.FindAll("scp").Concat(user.FindAll("http://schemas.microsoft.com/identity/claims/scope"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var roles = user.FindAll("roles").Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).ToList();
        var permissions = scopes.Concat(roles).ToHashSet(StringComparer.Ordinal);
        return new Caller(owner, roles.Contains(AdminRole), permissions, IsApp: roles.Count > 0 && !scopes.Any());
    }
}

/// <summary>The permission names (scopes or app roles) the API checks; SECURITY.md lists them.</summary>
public static class Permissions
{
    public const string MailRead = "Mail.Read";
    public const string MailReadWrite = "Mail.ReadWrite";
    public const string MailSend = "Mail.Send";
    public const string WebhooksReadWrite = "Webhooks.ReadWrite";

    /// <summary>Not a permission: the name of the policy that requires an admin caller (<see cref="Caller.IsAdmin"/>).</summary>
    public const string AdminPolicy = "MailGateway.Admin";

    /// <summary>Every permission; each is also the name of its authorization policy.</summary>
    public static readonly string[] All = [MailRead, MailReadWrite, MailSend, WebhooksReadWrite];
}
