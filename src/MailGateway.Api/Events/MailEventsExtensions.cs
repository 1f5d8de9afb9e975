namespace MailGateway.Api.Events;

internal static class MailEventsExtensions
{
    public static IHostApplicationBuilder AddMailEvents(this IHostApplicationBuilder builder) => builder;
    public static IEndpointRouteBuilder MapMailEvents(this IEndpointRouteBuilder app) => app;
}
