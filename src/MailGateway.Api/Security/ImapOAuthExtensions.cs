using MailGateway.Api.Accounts;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web.Internal;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;
using Microsoft.Identity.Web.TokenCacheProviders.InMemory;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Security;

public static class ImapOAuthExtensions
{
    /// <summary>
    /// OAuth2 for IMAP (SASL XOAUTH2/OAUTHBEARER): refresh-token clients from <c>ImapOAuth:Clients</c>, and, when
    /// <c>Authentication:Provider</c> is EntraId and the app has a client credential (<c>AzureAd:ClientSecret</c> or
    /// <c>AzureAd:ClientCertificates</c>/<c>ClientCredentials</c>), tokens on behalf of the caller for Exchange Online.
    /// Called by <c>AddAccounts</c>, after <c>AddGatewayHosting</c> (Redis, Data Protection, the JWT bearer scheme).
    /// </summary>
    public static IHostApplicationBuilder AddImapOAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        if (services.Any(d => d.ServiceType == typeof(ImapOAuthTokenSource)))
            return builder; // already added (AddAccounts calls it; a second call from Program.cs is harmless)

        services.AddOptions<ImapOAuthOptions>().BindConfiguration(ImapOAuthOptions.Section)
            .PostConfigure<IConfiguration>(DefaultOAuthClient.AddTo).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImapOAuthOptions>, ImapOAuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddDataProtection();
        services.AddHttpClient(TokenEndpointClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect would replay the client secret and refresh token to another URL.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        var redis = config.IsRedisConfigured();
        if (redis)
            services.AddSingleton<IOAuthTokenCache, RedisOAuthTokenCache>();
        else
            services.AddSingleton<IOAuthTokenCache, MemoryOAuthTokenCache>();
        services.AddSingleton<TokenEndpointClient>();
        services.AddSingleton<RefreshTokenGrants>();
        services.AddSingleton<OnBehalfOfGrants>();
        services.TryAddSingleton<CredentialProtector>();
        services.AddSingleton<ImapOAuthTokenSource>();
        services.AddSingleton<IImapOAuthGrants>(sp => sp.GetRequiredService<ImapOAuthTokenSource>());
        services.AddSingleton<IImapOAuthTokenSource>(sp => sp.GetRequiredService<ImapOAuthTokenSource>());

        if (OnBehalfOfConfigured(config))
            EnableOnBehalfOf(services, config.GetSection("AzureAd"), redis);
        return builder;
    }

    /// <summary>Token acquisition needs Entra ID as the API's provider and a credential of the app itself.</summary>
    internal static bool OnBehalfOfConfigured(IConfiguration config)
    {
        var provider = config["Authentication:Provider"] ?? "EntraId";
        if (!provider.Equals("EntraId", StringComparison.OrdinalIgnoreCase))
            return false;
        var azureAd = config.GetSection("AzureAd");
        return !string.IsNullOrWhiteSpace(azureAd["ClientId"])
            && (!string.IsNullOrWhiteSpace(azureAd["ClientSecret"])
                || azureAd.GetSection("ClientCertificates").GetChildren().Any()
                || azureAd.GetSection("ClientCredentials").GetChildren().Any());
    }

    private static void EnableOnBehalfOf(IServiceCollection services, IConfigurationSection azureAd, bool redis)
    {
        // What MicrosoftIdentityWebApiAuthenticationBuilderWithConfiguration.EnableTokenAcquisitionToCallDownstreamApi()
        // does for the scheme that AddMicrosoftIdentityWebApi registered (Hosting/AuthExtensions).
        WebApiBuilders.EnableTokenAcquisition(o => azureAd.Bind(o), JwtBearerDefaults.AuthenticationScheme, services, azureAd);
        if (redis)
        {
            // Long-running OBO sessions must survive restarts and be usable by every instance: MSAL's cache in Redis,
            // encrypted with the Data Protection key ring.
            services.AddStackExchangeRedisCache(_ => { });
            services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((o, sp) =>
            {
                o.InstanceName = sp.GetRequiredService<RedisKeys>().Name("msal:");
                o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>());
            });
            services.AddDistributedTokenCaches();
            services.Configure<MsalDistributedTokenCacheAdapterOptions>(o => o.Encrypt = true);
        }
        else
        {
            services.AddInMemoryTokenCaches();
        }
        services.AddHostedService<OnBehalfOfStartupLog>();
    }

    private sealed class OnBehalfOfStartupLog(IOptionsMonitor<ImapOAuthOptions> options, ILogger<OnBehalfOfStartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            SecurityLog.OnBehalfOfEnabled(logger, options.CurrentValue.OnBehalfOfScope);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
