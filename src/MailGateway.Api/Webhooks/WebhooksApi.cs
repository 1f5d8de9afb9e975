using MailGateway.Api.Events;
using MailGateway.Api.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

internal static partial class WebhooksApi
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsRelationsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        // Redis when configured; the multiplexer and the Data Protection key ring are set up by the host.
        if (builder.Configuration.IsRedisConfigured())
        {
            services.AddSingleton<IWebhookStore>(sp => new RedisWebhookStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<Storage.RedisKeys>()));
            services.AddSingleton<IWebhookQueue>(sp => new RedisWebhookQueue(
                sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<Storage.RedisKeys>(), sp.GetRequiredService<IOptions<WebhookOptions>>()));
        }
        else
        {
            services.AddSingleton<IWebhookStore, InMemoryWebhookStore>();
            services.AddSingleton<IWebhookQueue, InMemoryWebhookQueue>();
        }

        services.AddScoped<WebhookServices>();
        services.AddScoped<WebhookService>();
        services.AddSingleton<WebhookEgressGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookWakeup>();
        services.AddSingleton<WebhookEnqueuer>();
        services.AddSingleton<IMailEventSink, WebhookEventSink>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddSingleton<WebhookWatchDemand>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWatchDemand>());
        services.AddSingleton<IRedisDataLossListener>(sp => sp.GetRequiredService<WebhookWatchDemand>());
        return builder;
    }

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks")
            .WithTags("Webhooks")
            .RequireAuthorization(Permissions.WebhooksReadWrite)
            .AddEndpointFilter<MailProblemFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateWebhook).WithName(nameof(CreateWebhook))
            .WithSummary("Subscribe a URL to mail events; answers the signing secret once.");
        group.MapGet("/", ListWebhooks).WithName(nameof(ListWebhooks)).WithSummary("The caller's webhooks.");
        group.MapGet("/{webhookId}", GetWebhook).WithName(nameof(GetWebhook)).WithSummary("One webhook (never its secret).");
        group.MapPatch("/{webhookId}", UpdateWebhook).WithName(nameof(UpdateWebhook))
            .WithSummary("Change URL, filters, description, enable/disable, or rotate the secret.");
        group.MapDelete("/{webhookId}", DeleteWebhook).WithName(nameof(DeleteWebhook)).WithSummary("Remove a webhook and its queue.");
        group.MapPost("/{webhookId}/test", TestWebhook).WithName(nameof(TestWebhook))
            .WithSummary("Queue a signed webhook.test event for this endpoint.");
        group.MapGet("/{webhookId}/deliveries", ListDeliveries).WithName(nameof(ListDeliveries))
            .WithSummary("The delivery log, newest first: attempts, status codes, durations, errors, next attempt.");
        group.MapGet("/{webhookId}/deliveries/{deliveryId}", GetDelivery).WithName(nameof(GetDelivery))
            .WithSummary("One entry of the delivery log.");
        group.MapPost("/{webhookId}/deliveries/{deliveryId}/retry", RetryDelivery).WithName(nameof(RetryDelivery))
            .WithSummary("Send a delivery again now (also a dead-lettered one).");
        return app;
    }
}
