using Microsoft.Extensions.Options;
using MailGateway.Api.Cluster;
using MailGateway.Api.Shared;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Events;

internal static class MailEventsExtensions
{
    public const string HubPath = "/hubs/mail";

    /// <summary>The IMAP watchers (IDLE/NOTIFY/poll over the pool's watch connections), section <c>Events</c>.</summary>
    public static IHostApplicationBuilder AddMailWatching(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMailboxWatching(builder.Configuration.GetSection(EventsOptions.Section));
        return builder;
    }

    /// <summary>The event pipeline, the watch supervisor, sync state, watch demand and the SignalR hub.
    /// Redis implementations when <c>Redis:Configuration</c> is set, in-memory ones otherwise.</summary>
    public static IHostApplicationBuilder AddMailEvents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section)
            .Validate(o => o.LeaseTtl >= TimeSpan.FromSeconds(1) && o.DemandTtl >= TimeSpan.FromSeconds(1)
                && o.SupervisorInterval > TimeSpan.Zero && o.SupervisorInterval < o.LeaseTtl / 3
                && o.StreamMaxLength > 0 && o.StreamPollInterval > TimeSpan.Zero && o.AccountCheckInterval > TimeSpan.Zero,
                "Events: LeaseTtl and DemandTtl must be at least 1 s, SupervisorInterval below a third of LeaseTtl.")
            .ValidateOnStart();
        var keys = RedisKeys.From(config);
        services.PostConfigure<EventsOptions>(o =>
        {
            if (o.StreamKey == RedisKeys.DefaultPrefix + "events") o.StreamKey = keys.Name("events");
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EventsTelemetry>();
        services.TryAddSingleton<LocalEventDispatcher>();
        services.TryAddSingleton<IMailEventPublisher, MailEventPublisher>();
        services.TryAddSingleton<HubSubscriptions>();
        services.TryAddSingleton<AccountWatchRunner>();
        // The heartbeat (Cluster) follows the lease TTL by default: a dead instance drops out after half the lease TTL
        // (four beats of an eighth) and its watches move at once, within the lease TTL.
        services.AddOptions<ClusterOptions>().PostConfigure<IOptions<EventsOptions>>((o, events) =>
        {
            if (o.HeartbeatInterval <= TimeSpan.Zero) o.HeartbeatInterval = events.Value.LeaseTtl / 8;
        });
        services.AddSingleton<IMailEventSink, SignalRMailEventSink>();

        var signalR = services.AddSignalR(o =>
        {
            o.AddFilter<HubErrorFilter>();
            o.AddFilter<HubRateLimitFilter>(); // inside the error filter: its HubException passes through
        });
        if (config.IsRedisConfigured())
        {
            services.TryAddSingleton<IEventDeduplicator, RedisEventDeduplicator>();
            services.TryAddSingleton<IEventTransport, RedisEventTransport>();
            services.TryAddSingleton<ISyncStateStore, RedisSyncStateStore>();
            services.TryAddSingleton<IWatchDemand, RedisWatchDemand>();
            services.TryAddSingleton<IWatchLeases, RedisWatchLeases>();
            services.TryAddSingleton<EventStreamReader>();
            services.AddHostedService(sp => sp.GetRequiredService<EventStreamReader>());
            services.AddHostedService<RedisBootMarker>();
            // Events reach SignalR clients from the Redis Stream on every instance, not through the backplane
            // (SignalRMailEventSink); the backplane is there for anything sent to a connection of another instance.
            signalR.AddStackExchangeRedis(config[RedisConfiguration.ConfigurationKey]!, o =>
            {
                o.Configuration.ChannelPrefix = RedisChannel.Literal(keys.Name("signalr"));
                o.Configuration.AbortOnConnectFail = false;
            });
        }
        else
        {
            services.TryAddSingleton<IEventDeduplicator, InMemoryEventDeduplicator>();
            services.TryAddSingleton<IEventTransport, InMemoryEventTransport>();
            services.TryAddSingleton<ISyncStateStore, InMemorySyncStateStore>();
            services.TryAddSingleton<IWatchDemand, InMemoryWatchDemand>();
            services.TryAddSingleton<IWatchLeases, InMemoryWatchLeases>();
        }
        services.TryAddSingleton<WatchSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchSupervisor>());
        services.AddHealthChecks().AddCheck<EventsHealthCheck>("events", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary><c>/hubs/mail</c> and the <c>/demo</c> live inbox page (static files under wwwroot/demo).</summary>
    public static IEndpointRouteBuilder MapMailEvents(this IEndpointRouteBuilder app)
    {
        // A connection ends when the token that opened it expires; the client reconnects with a fresh one. Negotiating
        // and connecting count against the per-user request limit like any REST call.
        app.MapHub<MailEventsHub>(HubPath, o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization().RequirePerUserRateLimit();
        app.MapDemoPage();
        return app;
    }
}
