using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Web;

namespace MailGateway.Api.Tests.Security;

/// <summary>The real Program with the EntraId provider and a client secret: token acquisition for on-behalf-of is wired to
/// the JWT bearer scheme that Hosting registered, and builds without contacting Entra ID.</summary>
public class EntraIdStartupTests
{
    private sealed class EntraIdApp(string? clientSecret) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Authentication:Provider", "EntraId");
            builder.UseSetting("AzureAd:Instance", "https://login.microsoftonline.com/");
            builder.UseSetting("AzureAd:TenantId", "11111111-1111-1111-1111-111111111111");
            builder.UseSetting("AzureAd:ClientId", "22222222-2222-2222-2222-222222222222");
            builder.UseSetting("AzureAd:ClientSecret", clientSecret ?? "");
            builder.UseSetting("Redis:Configuration", "");
            builder.ConfigureLogging(l => l.ClearProviders());
        }
    }

    [Fact]
    public async Task With_a_client_secret_the_gateway_can_acquire_tokens_on_behalf_of_callers()
    {
        await using var app = new EntraIdApp("entra-app-secret");
        using var scope = app.Services.CreateScope();
        Assert.NotNull(scope.ServiceProvider.GetService<ITokenAcquisition>());
    }

    [Fact]
    public async Task Without_a_client_credential_there_is_no_token_acquisition()
    {
        await using var app = new EntraIdApp(null);
        using var scope = app.Services.CreateScope();
        Assert.Null(scope.ServiceProvider.GetService<ITokenAcquisition>());
    }
}
