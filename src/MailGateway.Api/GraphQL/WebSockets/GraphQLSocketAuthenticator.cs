using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace MailGateway.Api.GraphQL.WebSockets;

/// <summary>
/// Authenticates a graphql-transport-ws connection: a token in the connection_init payload
/// (<c>{"Authorization":"Bearer …"}</c> or <c>{"access_token":"…"}</c>) wins; otherwise the user the upgrade
/// request already carried (Authorization header or <c>access_token</c> query). The token goes through the
/// very same authentication handler and default policy as every HTTP request.
/// </summary>
internal sealed class GraphQLSocketAuthenticator(IAuthorizationPolicyProvider policies, IPolicyEvaluator evaluator)
{
    public async Task<ClaimsPrincipal?> AuthenticateAsync(HttpContext upgrade, object? initPayload, CancellationToken cancellationToken)
    {
        var target = upgrade;
        // A scope of its own: authentication handlers are cached per scope and already ran for the upgrade request.
        await using var scope = upgrade.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        if (ReadToken(initPayload) is { } token)
        {
            target = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            target.Request.Scheme = upgrade.Request.Scheme;
            target.Request.Host = upgrade.Request.Host;
            target.Request.Path = upgrade.Request.Path;
            target.Request.Headers.Authorization = "Bearer " + token;
            target.RequestAborted = cancellationToken;
            try
            {
                var result = await target.AuthenticateAsync();
                target.User = result.Succeeded ? result.Principal : new ClaimsPrincipal(new ClaimsIdentity());
            }
            catch (InvalidOperationException)
            {
                return null; // no authentication scheme configured: nobody gets in
            }
        }
        var policy = await policies.GetDefaultPolicyAsync();
        var authentication = await evaluator.AuthenticateAsync(policy, target);
        if (!authentication.Succeeded) return null;
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, target, resource: null);
        return authorization.Succeeded ? target.User : null;
    }

    private static string? ReadToken(object? payload)
    {
        if (payload is not JsonElement { ValueKind: JsonValueKind.Object } json) return null;
        foreach (var property in json.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String) continue;
            var value = property.Value.GetString();
            if (string.IsNullOrWhiteSpace(value)) continue;
            if (property.NameEquals("access_token") || property.NameEquals("accessToken") || property.NameEquals("token"))
                return value.Trim();
            if (string.Equals(property.Name, "authorization", StringComparison.OrdinalIgnoreCase))
                return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : value.Trim();
        }
        return null;
    }
}
