namespace MailGateway.Api.Messages;

internal static class MessagesApi
{
    public static IHostApplicationBuilder AddMessages(this IHostApplicationBuilder builder) => builder;
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app) => app;
}
