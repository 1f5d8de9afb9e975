using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Security;

/// <summary>An audience is always validated: a gateway configured without one does not start.</summary>
public sealed class AudienceTests(MailEnvFixture fixture)
{
    [Fact]
    public void Oidc_without_an_audience_refuses_to_start_and_names_the_setting()
    {
        using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:Provider"] = "Oidc";
            o.Settings["Authentication:Oidc:Authority"] = "https://issuer.example.test/";
            o.Settings["Authentication:Oidc:Audience"] = "";
        });
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("Authentication:Oidc:Audience", messages);
    }

    [Fact]
    public void Entra_id_without_a_client_id_refuses_to_start()
    {
        using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:Provider"] = "EntraId";
            o.Settings["AzureAd:ClientId"] = "";
        });
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("AzureAd:ClientId", string.Join(" | ", Flatten(error).Select(e => e.Message)));
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            yield return x;
    }
}
