using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>Everything host-level: auth, problem details, health, metrics, OpenAPI, Redis, Data Protection. The IMAP pool is <see cref="ImapPoolExtensions.AddImapPool"/>.</summary>
internal static class HostingExtensions
{
    public static IHostApplicationBuilder AddGatewayHosting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        services.TryAddSingleton(TimeProvider.System);
        // Request-start lines include the query string, where SignalR/GraphQL WebSocket clients put access_token.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });

        var maxBody = RequestLimits.MaxRequestBodyBytes(config);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxBody);
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = maxBody);

        builder.AddGatewayProblemDetails();
        builder.AddGatewayRedis();
        builder.AddGatewayDataProtection();
        builder.AddGatewayAuthentication();
        builder.AddGatewayAuthorization();
        builder.AddGatewayRateLimiting();
        builder.AddGatewayHealth();
        builder.AddGatewayTelemetry();
        builder.AddGatewayOpenApi();
        builder.AddGatewayWebSecurity();
        return builder;
    }

    public static WebApplication UseGatewayHosting(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseGatewayWebSecurity();
        app.UseGatewayOpenApi();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapGatewayHealth();
        app.MapGatewayTelemetry();
        return app;
    }
}
