using System.Net;
using System.Security.Cryptography;
using MailGateway.Imap;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace MailGateway.Api.Tests;

/// <summary>The EntraId and Oidc providers with their production wiring; only the issuer metadata is served locally
/// (a static configuration manager), so no network is used.</summary>
public class ProviderTests
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string ClientId = "66666666-7777-8888-9999-000000000000";
    private static readonly string EntraIssuer = $"https://login.microsoftonline.com/{Tenant}/v2.0";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };

    private sealed class ProviderFactory(Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Http:HttpsRedirection", "false");
            builder.UseSetting("Redis:Configuration", "");
            builder.UseSetting("DataProtection:KeysDirectory", Path.Combine(Path.GetTempPath(), "mg-provider-tests-keys"));
            builder.ConfigureLogging(l => l.ClearProviders());
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IImapSessionPool>(new FakePool())));
            configure(builder);
        }
    }

    private void UseLocalMetadata(IWebHostBuilder builder, string issuer) => builder.ConfigureServices(s =>
        s.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer };
            configuration.SigningKeys.Add(_key);
            o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            o.TokenValidationParameters.ValidIssuer = issuer;
        }));

    private const string OidcIssuer = "https://idp.example.test/realms/mail";

    /// <summary>The gateway with the generic OIDC provider, trusting <see cref="OidcIssuer"/>'s (local) signing key.</summary>
    private ProviderFactory OidcFactory() => new(b =>
    {
        b.UseSetting("Authentication:Provider", "Oidc");
        b.UseSetting("Authentication:Oidc:Authority", OidcIssuer);
        b.UseSetting("Authentication:Oidc:Audience", "mailgateway-api");
        UseLocalMetadata(b, OidcIssuer);
    });

    private string Token(string issuer, string audience, Dictionary<string, object> claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Claims = claims,
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
    });

    [Fact]
    public async Task EntraId_tokens_are_accepted_and_owners_come_from_tid_and_oid()
    {
        await using var factory = new ProviderFactory(b =>
        {
            b.UseSetting("Authentication:Provider", "EntraId");
            b.UseSetting("AzureAd:Instance", "https://login.microsoftonline.com/");
            b.UseSetting("AzureAd:TenantId", Tenant);
            b.UseSetting("AzureAd:ClientId", ClientId);
            UseLocalMetadata(b, EntraIssuer);
        });
        using var client = factory.CreateClient();
        var token = Token(EntraIssuer, ClientId, new() { ["tid"] = Tenant, ["oid"] = "user-object", ["ver"] = "2.0", ["scp"] = "Mail.Read", ["sub"] = "pairwise" });
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var ok = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        client.DefaultRequestHeaders.Authorization = new("Bearer", Token(EntraIssuer, "api://someone-else", new() { ["tid"] = Tenant, ["oid"] = "o", ["ver"] = "2.0", ["scp"] = "Mail.Read" }));
        using var wrongAudience = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
    }

    [Fact]
    public async Task EntraId_without_a_client_id_refuses_to_start()
    {
        await using var factory = new ProviderFactory(b =>
        {
            b.UseSetting("Authentication:Provider", "EntraId");
            b.UseSetting("AzureAd:ClientId", "");
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("AzureAd:ClientId", error.ToString());
    }

    [Fact]
    public async Task Oidc_tokens_from_the_configured_authority_are_accepted()
    {
        await using var factory = OidcFactory();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token(OidcIssuer, "mailgateway-api", new() { ["sub"] = "u1", ["scp"] = "Mail.Read" }));
        using var ok = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        client.DefaultRequestHeaders.Authorization = new("Bearer", Token("https://evil.example.test", "mailgateway-api", new() { ["sub"] = "u1", ["scp"] = "Mail.Read" }));
        using var wrongIssuer = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongIssuer.StatusCode);
    }

    [Fact]
    public async Task Oidc_tokens_the_same_issuer_minted_for_another_application_are_refused_on_every_API()
    {
        await using var factory = OidcFactory();
        using var client = factory.CreateClient();
        var other = Token(OidcIssuer, "another-application", new() { ["sub"] = "u1", ["scp"] = "Mail.Read Mail.ReadWrite" });
        client.DefaultRequestHeaders.Authorization = new("Bearer", other);
        using var rest = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        using var graphQL = await client.PostAsync("/graphql", new StringContent("{\"query\":\"{ me { isAdmin } }\"}", System.Text.Encoding.UTF8, "application/json"), _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, graphQL.StatusCode);
        client.DefaultRequestHeaders.Authorization = null;
        using var hub = await client.PostAsync($"/hubs/mail/negotiate?negotiateVersion=1&access_token={other}", null, _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, hub.StatusCode);
    }

    [Fact]
    public async Task Hub_requests_may_carry_the_token_in_the_query_string()
    {
        await using var factory = OidcFactory();
        using var client = factory.CreateClient();
        var token = Token(OidcIssuer, "mailgateway-api", new() { ["sub"] = "u1", ["scp"] = "Mail.Read" });
        // Authenticated, the request gets past auth (to the hub, or a 404 where no hub is mapped); without a token it is 401.
        using var withToken = await client.GetAsync($"/hubs/mail/negotiate?access_token={token}", _ct);
        Assert.NotEqual(HttpStatusCode.Unauthorized, withToken.StatusCode);
        using var withoutToken = await client.GetAsync("/hubs/mail/negotiate", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        using var apiWithQueryToken = await client.GetAsync($"/api/v1/accounts?access_token={token}", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, apiWithQueryToken.StatusCode);
    }
}
