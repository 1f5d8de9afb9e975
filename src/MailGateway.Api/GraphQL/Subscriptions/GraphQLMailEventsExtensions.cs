using MailGateway.Api.Events;

namespace MailGateway.Api.GraphQL.Subscriptions;

internal static class GraphQLMailEventsExtensions
{
    /// <summary>The subscriptions' event hub, registered as an <see cref="IMailEventSink"/> of the one pipeline.</summary>
    public static IServiceCollection AddGraphQLMailEvents(this IServiceCollection services)
    {
        services.AddSingleton<GraphQLEventHub>();
        services.AddSingleton<IMailEventSink>(sp => sp.GetRequiredService<GraphQLEventHub>());
        return services;
    }
}
