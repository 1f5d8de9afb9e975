using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Hosting;

/// <summary>Body limits need a real server (TestServer does not enforce them): these run the gateway on Kestrel.</summary>
public class RequestLimitTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Oversized_account_body_is_413_problem()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient("limits-owner");
        var huge = JsonSerializer.Serialize(new { displayName = new string('x', 200_000), email = "a@b.test" });
        using var content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/accounts", content, _ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct));
        Assert.Equal("payload_too_large", json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Global_body_limit_applies_from_configuration()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Http:MaxRequestBodyBytes"] = "2048";
        });
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient("limits-global");
        using var content = new StringContent(new string('x', 10_000), System.Text.Encoding.UTF8, "application/json");
        // The accounts route's own 64 KB limit never raises the configured one.
        using var response = await client.PostAsync("/api/v1/accounts", content, _ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
