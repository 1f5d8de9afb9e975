using MailGateway.Api.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Api.Tests.Security;

public class ImapOAuthOptionsTests
{
    [Theory]
    [InlineData("https://login.example.test/token", false, true)]
    [InlineData("http://127.0.0.1:5000/token", false, false)]
    [InlineData("http://127.0.0.1:5000/token", true, true)]
    [InlineData("ftp://example.test/token", true, false)]
    [InlineData("/relative", true, false)]
    public void Token_endpoints_must_be_https_unless_insecure_is_allowed(string endpoint, bool allowInsecure, bool valid)
    {
        var options = new ImapOAuthOptions { AllowInsecureTokenEndpoint = allowInsecure };
        options.Clients["c"] = new ImapOAuthClientOptions { TokenEndpoint = endpoint, ClientId = "id" };
        Assert.Equal(valid, new ImapOAuthOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_client_without_id_fails_validation_and_its_secret_never_shows_in_ToString()
    {
        var client = new ImapOAuthClientOptions { TokenEndpoint = "https://x.test/t", ClientSecret = "s3cr3t-value" };
        var options = new ImapOAuthOptions();
        options.Clients["c"] = client;
        Assert.False(new ImapOAuthOptionsValidator().Validate(null, options).Succeeded);
        Assert.DoesNotContain("s3cr3t-value", client.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EntraId", "cid", "secret", true)]
    [InlineData(null, "cid", "secret", true)]
    [InlineData("EntraId", "cid", null, false)]
    [InlineData("EntraId", null, "secret", false)]
    [InlineData("Oidc", "cid", "secret", false)]
    [InlineData("Development", "cid", "secret", false)]
    public void On_behalf_of_is_enabled_only_for_Entra_ID_with_a_client_credential(string? provider, string? clientId, string? secret, bool enabled)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Provider"] = provider,
            ["AzureAd:ClientId"] = clientId,
            ["AzureAd:ClientSecret"] = secret,
        }).Build();
        Assert.Equal(enabled, ImapOAuthExtensions.OnBehalfOfConfigured(config));
    }

    [Fact]
    public void A_client_certificate_also_enables_on_behalf_of()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Provider"] = "EntraId",
            ["AzureAd:ClientId"] = "cid",
            ["AzureAd:ClientCertificates:0:SourceType"] = "Path",
        }).Build();
        Assert.True(ImapOAuthExtensions.OnBehalfOfConfigured(config));
    }
}

public class ImapOAuthRegistrationTests
{
    private static IServiceCollection Register(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddImapOAuth();
        builder.AddImapOAuth(); // idempotent: a second call registers nothing twice
        return builder.Services;
    }

    private static readonly Dictionary<string, string?> EntraId = new()
    {
        ["Authentication:Provider"] = "EntraId",
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000001",
        ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000002",
        ["AzureAd:ClientSecret"] = "app-secret",
    };

    [Fact]
    public void Entra_ID_with_a_client_secret_enables_token_acquisition_with_an_in_memory_cache()
    {
        var services = Register(EntraId);
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Identity.Web.ITokenAcquisition));
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Identity.Web.TokenCacheProviders.IMsalTokenCacheProvider));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(Microsoft.Extensions.Caching.Distributed.IDistributedCache)
            && (d.ImplementationType?.Name.StartsWith("RedisCache", StringComparison.Ordinal) ?? false));
        Assert.Single(services, d => d.ServiceType == typeof(MailGateway.Api.Accounts.IImapOAuthTokenSource));
    }

    [Fact]
    public void With_Redis_the_MSAL_cache_is_distributed_in_Redis()
    {
        var services = Register(new(EntraId) { ["Redis:Configuration"] = "127.0.0.1:1" });
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.Caching.Distributed.IDistributedCache)
            && (d.ImplementationType?.Name.StartsWith("RedisCache", StringComparison.Ordinal) ?? false));
    }

    [Fact]
    public void Without_a_client_credential_no_token_acquisition_is_registered()
    {
        var services = Register(new(EntraId) { ["AzureAd:ClientSecret"] = null });
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(Microsoft.Identity.Web.ITokenAcquisition));
    }
}
