using MailGateway.Api.Storage;
using StackExchange.Redis;

namespace MailGateway.Api.Hosting;

/// <summary>One shared <see cref="IConnectionMultiplexer"/> when <c>Redis:Configuration</c> is set; features resolve it from DI.</summary>
internal static class RedisExtensions
{
    /// <summary>Default sync/async/connect timeout of Redis commands.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(3);

    private static bool Mentions(string configuration, string option) =>
        configuration.Contains(option + "=", StringComparison.OrdinalIgnoreCase);

    public static IHostApplicationBuilder AddGatewayRedis(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.IsRedisConfigured())
            return builder;
        builder.Services.AddSingleton(Storage.RedisKeys.From(builder.Configuration)); // Redis:KeyPrefix, checked at startup
        var configuration = builder.Configuration[RedisConfiguration.ConfigurationKey]!;
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;   // start even when Redis is briefly away; readiness reports it
            // A stalled Redis fails a request within seconds (503 storage_unavailable) instead of hanging it; an
            // explicit value in the configuration string wins.
            if (!Mentions(configuration, "syncTimeout")) options.SyncTimeout = (int)CommandTimeout.TotalMilliseconds;
            if (!Mentions(configuration, "asyncTimeout")) options.AsyncTimeout = (int)CommandTimeout.TotalMilliseconds;
            if (!Mentions(configuration, "connectTimeout")) options.ConnectTimeout = (int)CommandTimeout.TotalMilliseconds;
            options.ClientName ??= "mailgateway";
            HostingLog.RedisConfigured(sp.GetRequiredService<ILoggerFactory>().CreateLogger("MailGateway.Api.Redis"));
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }
}
