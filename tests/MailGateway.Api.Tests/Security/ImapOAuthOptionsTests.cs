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
