namespace MailGateway.Api.Hosting;

internal static class HostingExtensions
{
    public static IHostApplicationBuilder AddGatewayHosting(this IHostApplicationBuilder builder) => builder;

    public static WebApplication UseGatewayHosting(this WebApplication app) => app;
}
