using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Imap;

namespace MailGateway.Api.Tests;

public class AccountsHttpTests : IClassFixture<FakePoolFactory>
{
    private readonly FakePoolFactory _factory;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public AccountsHttpTests(FakePoolFactory factory)
    {
        _factory = factory;
        _factory.Pool.VerifyFailure = null;
    }

    private static object Body(string password = "fake-password-123") => new
    {
        displayName = "Work", email = "me@example.test",
        imap = new { host = "imap.example.test", port = 993, security = "tls", username = "me", password },
    };

    private async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> PostAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/accounts", body, _ct);
        var text = await response.Content.ReadAsStringAsync(_ct);
        Assert.DoesNotContain("fake-password", text);
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.Clone(), response);
    }

    [Fact]
    public async Task Verified_account_is_stored_and_shown_connected()
    {
        using var client = _factory.CreateClient("http-ok");
        var (status, json, _) = await PostAsync(client, Body());
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("connected", json.GetProperty("state").GetString());
        Assert.Equal("password", json.GetProperty("imap").GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Rejected_credentials_are_422()
    {
        _factory.Pool.VerifyFailure = new ImapAuthenticationException("AUTHENTICATIONFAILED");
        using var client = _factory.CreateClient("http-auth");
        var (status, json, _) = await PostAsync(client, Body());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("imap_auth_failed", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unreachable_server_is_502_with_retry_after()
    {
        _factory.Pool.VerifyFailure = new ImapUnavailableException("refused", TimeSpan.FromSeconds(12));
        using var client = _factory.CreateClient("http-down");
        var (status, json, response) = await PostAsync(client, Body());
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("imap_unavailable", json.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(12), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Policy_refusal_keeps_its_code()
    {
        _factory.Pool.VerifyFailure = new ImapPolicyException("imap_host_forbidden", "Host not allowed.");
        using var client = _factory.CreateClient("http-policy");
        var (status, json, _) = await PostAsync(client, Body());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("imap_host_forbidden", json.GetProperty("code").GetString());
        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(0, (await list.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Password_change_resets_the_pool_and_delete_too()
    {
        using var client = _factory.CreateClient("http-reset");
        var (_, json, _) = await PostAsync(client, Body());
        var id = json.GetProperty("id").GetString()!;
        using var patch = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = "fake-password-456" }, _ct);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.DoesNotContain("fake-password", await patch.Content.ReadAsStringAsync(_ct));
        using var delete = await client.DeleteAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        lock (_factory.Pool.Resets)
            Assert.Equal(2, _factory.Pool.Resets.Count(r => r == id));
    }

    [Fact]
    public async Task Unexpected_pool_errors_during_reads_become_problems_not_crashes()
    {
        using var client = _factory.CreateClient("http-reads");
        using var response = await client.GetAsync("/api/v1/accounts/unknown-id", _ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("account_not_found", (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString());
    }
}
