using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Registration refuses what it cannot verify and stores nothing (users user105-user108).</summary>
public class AccountRegistrationErrorTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task AssertNothingStored(HttpClient client)
    {
        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Empty((await list.JsonAsync(_ct)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Wrong_password_is_422_imap_auth_failed_and_nothing_is_stored()
    {
        using var client = fixture.App.CreateClient("reg-wrong-password");
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user105", password: "wrong-password-105"), _ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("imap_auth_failed", await response.ProblemCodeAsync(_ct));
        await AssertNothingStored(client);
    }

    [Fact]
    public async Task Unreachable_port_is_502_imap_unavailable_with_retry_after()
    {
        using var client = fixture.App.CreateClient("reg-unreachable");
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user106", port: ClosedPort()), _ct);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("imap_unavailable", await response.ProblemCodeAsync(_ct));
        Assert.NotNull(response.Headers.RetryAfter);
        await AssertNothingStored(client);
    }

    [Fact]
    public async Task Plaintext_is_refused_unless_allowed()
    {
        using var client = fixture.App.CreateClient("reg-plaintext");
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user107", security: "none"), _ct);
        Assert.True(response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.NotEqual("imap_auth_failed", await response.ProblemCodeAsync(_ct));
        await AssertNothingStored(client);
    }

    [Fact]
    public async Task Loopback_host_is_refused_unless_private_networks_are_allowed()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Imap:AllowPrivateNetworks"] = "false";
        });
        using var client = app.CreateClient("reg-private");
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", app.AccountBody("user108"), _ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotEqual("imap_auth_failed", await response.ProblemCodeAsync(_ct));
        await AssertNothingStored(client);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed
    }
}
