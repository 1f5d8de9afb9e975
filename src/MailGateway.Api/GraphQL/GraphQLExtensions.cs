using GraphQL;
using MailGateway.Api.GraphQL.Batching;
using MailGateway.Api.GraphQL.Http;
using MailGateway.Api.GraphQL.Subscriptions;
using MailGateway.Api.GraphQL.WebSockets;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL;

internal static class GraphQLExtensions
{
    public const string Path = "/graphql";

    public static IHostApplicationBuilder AddGraphQLApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GraphQLApiOptions>()
            .BindConfiguration(GraphQLApiOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddGraphQL(b => b
            .AddSchema<MailGatewaySchema>()
            .AddGraphTypes(typeof(MailGatewaySchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider(new GatewayErrorInfoProvider())
            .AddUnhandledExceptionHandler(GraphQLUnhandledExceptions.Handle)
            .AddComplexityAnalyzer((c, services) => GraphQLLimits.Configure(c, services)));

        builder.Services.AddSingleton<GraphQLRunner>();
        builder.Services.AddSingleton<GraphQLRateLimiter>();
        builder.Services.AddSingleton<GraphQLSocketAuthenticator>();
        builder.Services.AddScoped<GraphQLLoaders>();
        builder.Services.AddGraphQLMailEvents();
        return builder;
    }

    public static IEndpointRouteBuilder MapGraphQLApi(this IEndpointRouteBuilder app)
    {
        // The gateway-wide per-user request limit (as REST) plus GraphQLRateLimiter's budget of GraphQL operations,
        // which also counts subscribes on an open WebSocket.
        var group = app.MapGroup(Path).WithTags("GraphQL").ExcludeFromDescription().RequirePerUserRateLimit();

        group.MapPost("", GraphQLHttpEndpoint.PostAsync)
            .WithName("GraphQLPost")
            .WithSummary("Runs a GraphQL query or mutation (GraphQL over HTTP).")
            .RequireAuthorization()
            .DisableAntiforgery();

        // GET serves both queries and the graphql-transport-ws upgrade; the socket authenticates in
        // connection_init (browsers cannot set headers on a WebSocket), plain GETs need the same policy as POST.
        var pipeline = app.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(GraphQLGetEndpoint.HandleAsync);
        group.MapGet("", pipeline.Build())
            .WithName("GraphQLGet")
            .WithSummary("Runs a GraphQL query (GET) or opens a graphql-transport-ws subscription socket.")
            .AllowAnonymous();
        return app;
    }
}
