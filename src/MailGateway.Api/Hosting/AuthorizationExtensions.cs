using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>One policy per permission (policy name = permission name), plus <see cref="Permissions.AdminPolicy"/>.
/// Use <c>group.RequireAuthorization(Permissions.MailRead)</c>.</summary>
internal static class AuthorizationExtensions
{
    public static IHostApplicationBuilder AddGatewayAuthorization(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Authentication");
        var mfaEverywhere = auth.GetValue<bool>("RequireMfa");
        var mfaFor = auth.GetSection("RequireMfaFor").Get<string[]>() ?? [];

        AuthorizationPolicy Build(params IAuthorizationRequirement[] requirements)
        {
            var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(requirements);
            var permission = requirements.OfType<PermissionRequirement>().FirstOrDefault()?.Permission;
            if (mfaEverywhere || (permission is not null && mfaFor.Contains(permission, StringComparer.OrdinalIgnoreCase)))
                policy.AddRequirements(new MfaRequirement());
            return policy.Build();
        }

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(Build())
            .SetFallbackPolicy(Build())
            .AddPolicy(Permissions.AdminPolicy, Build(new AssertionRequirement(c => Caller.From(c.User).IsAdmin)));
        foreach (var permission in Permissions.All)
            authorization.AddPolicy(permission, Build(new PermissionRequirement(permission)));

        builder.Services.AddSingleton<GatewayAuthorization>();
        builder.Services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        builder.Services.AddSingleton<IAuthorizationHandler, MfaHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        builder.Services.AddSingleton<GatewayMetrics>();
        return builder;
    }
}

/// <summary>The caller holds <see cref="Permission"/> (as a scope or an app role); see <see cref="Caller.Has"/>.</summary>
internal sealed class PermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

/// <summary>The token's <c>amr</c> claim includes <c>mfa</c> (<c>Authentication:RequireMfa</c>).</summary>
internal sealed class MfaRequirement : IAuthorizationRequirement
{
    public static readonly string[] AmrClaimTypes = ["amr", "http://schemas.microsoft.com/claims/authnmethodsreferences"];

    public static bool IsSatisfiedBy(System.Security.Claims.ClaimsPrincipal user) =>
        AmrClaimTypes.SelectMany(user.FindAll).Any(c => c.Value.Equals("mfa", StringComparison.OrdinalIgnoreCase));
}

internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && Caller.From(context.User).Has(requirement.Permission))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

internal sealed class MfaHandler : AuthorizationHandler<MfaRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MfaRequirement requirement)
    {
        if (MfaRequirement.IsSatisfiedBy(context.User))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
