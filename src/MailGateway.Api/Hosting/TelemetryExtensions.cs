using OpenTelemetry.Metrics;

namespace MailGateway.Api.Hosting;

/// <summary>Prometheus <c>/metrics</c> through OpenTelemetry: every <c>MailGateway.*</c> meter, ASP.NET Core and the runtime.</summary>
internal static class TelemetryExtensions
{
    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("MailGateway.*")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)); // a scrape shows what just happened
        return builder;
    }

    public static WebApplication MapGatewayTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableRateLimiting();
        return app;
    }
}
