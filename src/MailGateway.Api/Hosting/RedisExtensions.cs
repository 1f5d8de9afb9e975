using StackExchange.Redis;

namespace MailGateway.Api.Hosting;

/// <summary>One shared <see cref="IConnectionMultiplexer"/> when <c>Redis:Configuration</c> is set; features resolve it from DI.</summary>
internal static class RedisExtensions
{
    public const string ConfigurationKey = "Redis:Configuration";
    /// <summary>Every key the gateway writes starts with this.</summary>
    public const string KeyPrefix = "mg:";

    public static bool IsRedisConfigured(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ConfigurationKey]);

    public static IHostApplicationBuilder AddGatewayRedis(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.IsRedisConfigured())
            return builder;
        var configuration = builder.Configuration[ConfigurationKey]!;
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;   // start even when Redis is briefly away; readiness reports it
            options.ClientName ??= "mailgateway";
            HostingLog.RedisConfigured(sp.GetRequiredService<ILoggerFactory>().CreateLogger("MailGateway.Api.Redis"));
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }
}
