namespace MailGateway.Api.Webhooks;

internal static class WebhooksApi
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder) => builder;
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app) => app;
}
