using GraphQL;
using MailGateway.Api.GraphQL.WebSockets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.GraphQL.Http;

/// <summary>GET /graphql: a WebSocket upgrade becomes a graphql-transport-ws connection, anything else a query.</summary>
internal static class GraphQLGetEndpoint
{
    public static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        if (http.WebSockets.IsWebSocketRequest)
        {
            await GraphQLWebSocketEndpoint.AcceptAsync(http);
            return;
        }

        // The same default policy the POST endpoint requires, evaluated here because the route allows anonymous upgrades.
        var policy = await services.GetRequiredService<IAuthorizationPolicyProvider>().GetDefaultPolicyAsync();
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, http, resource: null);
        if (!authorization.Succeeded)
        {
            // Answered exactly like the authorization middleware answers REST requests (401/403 problems).
            await services.GetRequiredService<IAuthorizationMiddlewareResultHandler>()
                .HandleAsync(_ => Task.CompletedTask, http, policy, authorization);
            return;
        }

        var result = await GraphQLHttpEndpoint.GetAsync(http,
            services.GetRequiredService<GraphQLRunner>(),
            services.GetRequiredService<IGraphQLTextSerializer>(),
            services.GetRequiredService<GraphQLRateLimiter>(),
            services.GetRequiredService<IOptions<GraphQLApiOptions>>(),
            http.RequestAborted);
        await result.Result.ExecuteAsync(http);
    }
}
