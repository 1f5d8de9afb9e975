using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace MailGateway.Api.Hosting;

/// <summary>
/// Tenants on a multi-tenant app registration: a token's app roles count only from an admin tenant. Any tenant can put
/// <c>roles: MailGateway.Admin</c> (or app-only roles) into the tokens it issues for the gateway, so from any other tenant
/// the admin role is dropped, and an app-only token (roles, no <c>scp</c>) loses its roles too (it gets 403). Admin tenants:
/// <c>Authentication:AdminTenants</c>; without it, Entra ID's configured <c>AzureAd:TenantId</c> when it names one tenant
/// (not common/organizations/consumers). A token without a <c>tid</c> claim (a plain OIDC issuer is one tenant) keeps its roles.
/// Runs in authentication itself, so REST, GraphQL over HTTP and WebSocket and the SignalR hub all see the same principal.
/// </summary>
internal sealed class TenantRoles(IConfiguration configuration) : IClaimsTransformation
{
    internal const string TenantIdClaim = "tid";
    internal const string TenantIdLongClaim = "http://schemas.microsoft.com/identity/claims/tenantid";
    private static readonly string[] RoleClaims = ["roles", ClaimTypes.Role];
    private static readonly string[] MultiTenant = ["common", "organizations", "consumers"];

    private readonly HashSet<string>? _adminTenants = AdminTenants(configuration);

    private static HashSet<string>? AdminTenants(IConfiguration configuration)
    {
        var listed = configuration.GetSection("Authentication:AdminTenants").Get<string[]>()?.Where(t => !string.IsNullOrWhiteSpace(t)).ToArray();
        if (listed is { Length: > 0 })
            return listed.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var provider = configuration["Authentication:Provider"] ?? AuthExtensions.EntraIdProvider;
        if (!provider.Equals(AuthExtensions.EntraIdProvider, StringComparison.OrdinalIgnoreCase))
            return null; // one issuer, one tenant: every tid it issues is trusted
        var tenant = configuration["AzureAd:TenantId"];
        return string.IsNullOrWhiteSpace(tenant) || MultiTenant.Contains(tenant, StringComparer.OrdinalIgnoreCase)
            ? new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>([tenant], StringComparer.OrdinalIgnoreCase);
    }

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var tenant = principal.FindFirst(TenantIdClaim)?.Value ?? principal.FindFirst(TenantIdLongClaim)?.Value;
        if (_adminTenants is null || string.IsNullOrEmpty(tenant) || _adminTenants.Contains(tenant))
            return Task.FromResult(principal);
        var appOnly = !principal.HasClaim(c => c.Type is "scp" or "http://schemas.microsoft.com/identity/claims/scope");
        foreach (var identity in principal.Identities)
        {
            var dropped = identity.Claims.Where(c => RoleClaims.Contains(c.Type) && (appOnly || c.Value == Shared.Caller.AdminRole)).ToList();
            foreach (var claim in dropped) identity.TryRemoveClaim(claim);
        }
        return Task.FromResult(principal);
    }
}
