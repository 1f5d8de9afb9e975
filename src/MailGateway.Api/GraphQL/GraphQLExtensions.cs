namespace MailGateway.Api.GraphQL;

internal static class GraphQLExtensions
{
    public static IHostApplicationBuilder AddGraphQLApi(this IHostApplicationBuilder builder) => builder;
    public static IEndpointRouteBuilder MapGraphQLApi(this IEndpointRouteBuilder app) => app;
}
