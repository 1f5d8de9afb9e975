using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Tokens;

namespace MailGateway.Api.Hosting;

/// <summary>JWT bearer authentication with the supported providers (Oidc, EntraId, Development; SECURITY.md), chosen by <c>Authentication:Provider</c>.</summary>
internal static class AuthExtensions
{
    public const string EntraIdProvider = "EntraId";
    public const string OidcProvider = "Oidc";
    public const string DevelopmentProvider = "Development";
    /// <summary>The key in the repository's appsettings.Development.json: fine for <c>dotnet run</c>, refused in a container.</summary>
    internal const string CommittedDevelopmentKey = "mailgateway-development-signing-key-not-for-production";

    public static IHostApplicationBuilder AddGatewayAuthentication(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var provider = config["Authentication:Provider"] ?? EntraIdProvider;
        var authentication = builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);

        if (provider.Equals(EntraIdProvider, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(config["AzureAd:ClientId"]))
                throw new InvalidOperationException("Authentication:Provider is EntraId but AzureAd:ClientId is not set. Configure the AzureAd section (Instance, TenantId, ClientId) or choose another provider.");
            authentication.AddMicrosoftIdentityWebApi(config, "AzureAd");
        }
        else if (provider.Equals(OidcProvider, StringComparison.OrdinalIgnoreCase))
        {
            var oidc = config.GetSection("Authentication:Oidc");
            var authority = oidc["Authority"];
            if (string.IsNullOrWhiteSpace(authority))
                throw new InvalidOperationException("Authentication:Provider is Oidc but Authentication:Oidc:Authority is not set.");
            // Without an audience, any token the issuer minted for another application would be accepted.
            var audience = oidc["Audience"];
            if (string.IsNullOrWhiteSpace(audience))
                throw new InvalidOperationException("Authentication:Provider is Oidc but Authentication:Oidc:Audience is not set. " +
                    "Set it to the audience (aud) the issuer puts in tokens for this gateway; tokens for other applications must not be accepted.");
            authentication.AddJwtBearer(o =>
            {
                o.Authority = authority;
                o.Audience = audience;
                o.RequireHttpsMetadata = oidc.GetValue("RequireHttpsMetadata", true);
            });
        }
        else if (provider.Equals(DevelopmentProvider, StringComparison.OrdinalIgnoreCase))
        {
            if (!builder.Environment.IsDevelopment())
                throw new InvalidOperationException($"Authentication:Provider=Development is refused in the '{builder.Environment.EnvironmentName}' environment: it accepts tokens signed with a shared key and is only allowed when ASPNETCORE_ENVIRONMENT=Development. Use EntraId or Oidc.");
            var dev = config.GetSection("Authentication:Development");
            var key = dev["SigningKey"];
            if (string.IsNullOrEmpty(key) || key.Length < 32)
                throw new InvalidOperationException("Authentication:Development:SigningKey must be set to at least 32 characters.");
            if (key == CommittedDevelopmentKey && string.Equals(config["DOTNET_RUNNING_IN_CONTAINER"], "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("Authentication:Development:SigningKey is the key committed in appsettings.Development.json, which anyone can read: a container must be given its own key (Authentication__Development__SigningKey).");
            authentication.AddJwtBearer(o =>
            {
                o.RequireHttpsMetadata = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = dev["Issuer"] ?? "mailgateway-dev",
                    ValidAudience = dev["Audience"] ?? "mailgateway",
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        }
        else
        {
            throw new InvalidOperationException($"Unknown Authentication:Provider '{provider}'. Use EntraId, Oidc or Development.");
        }

        // Roles count only from admin tenants (Authentication:AdminTenants), on every API alike.
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authentication.IClaimsTransformation, TenantRoles>();

        // After the provider's own configuration (Identity.Web sets Events in Configure): chain, don't replace.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<ILoggerFactory>((o, loggers) =>
            {
                // The audience is never optional, whatever a provider section says (Entra ID: the ClientId).
                o.TokenValidationParameters.ValidateAudience = true;
                ChainEvents(o, loggers.CreateLogger("MailGateway.Api.Authentication"));
            });
        return builder;
    }

    private static void ChainEvents(JwtBearerOptions options, ILogger logger)
    {
        options.Events ??= new JwtBearerEvents();
        var messageReceived = options.Events.OnMessageReceived;
        options.Events.OnMessageReceived = async context =>
        {
            await messageReceived(context).ConfigureAwait(false);
            if (context.Token is null && AcceptsQueryToken(context.HttpContext)
                && context.Request.Query.TryGetValue("access_token", out var token) && !string.IsNullOrEmpty(token))
            {
                context.Token = token;
            }
        };
        var failed = options.Events.OnAuthenticationFailed;
        options.Events.OnAuthenticationFailed = async context =>
        {
            // The reason is the exception type only: its message may quote token contents.
            HostingLog.AuthenticationFailed(logger, context.Exception.GetType().Name,
                context.HttpContext.Connection.RemoteIpAddress?.ToString(), context.Request.Path);
            await failed(context).ConfigureAwait(false);
        };
    }

    /// <summary>SignalR (every transport) and GraphQL over WebSocket can't set headers from a browser.</summary>
    internal static bool AcceptsQueryToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
        || (context.Request.Path.StartsWithSegments("/graphql", StringComparison.OrdinalIgnoreCase) && context.WebSockets.IsWebSocketRequest);
}
