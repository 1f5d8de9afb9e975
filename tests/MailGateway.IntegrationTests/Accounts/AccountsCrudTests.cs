using System.Net;
using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Register, read, list, update and remove an account against the private Dovecot (users user101-user104).</summary>
public class AccountsCrudTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Account_lifecycle_register_get_list_patch_delete()
    {
        using var client = fixture.App.CreateClient("crud-owner");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user101"), _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var account = await created.JsonAsync(_ct);
        var id = account.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/accounts/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("user101 (test)", account.GetProperty("displayName").GetString());
        Assert.Equal("tls", account.GetProperty("imap").GetProperty("security").GetString());
        Assert.Equal("user101", account.GetProperty("imap").GetProperty("username").GetString());
        Assert.False(account.GetProperty("imap").TryGetProperty("password", out _));

        using var get = await client.GetAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var state = (await get.JsonAsync(_ct)).GetProperty("state").GetString();
        Assert.Contains(state, new[] { "connected", "connecting" });

        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        var items = (await list.JsonAsync(_ct)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal([id], items);

        using var renamed = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { displayName = "Renamed" }, _ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Renamed", (await renamed.JsonAsync(_ct)).GetProperty("displayName").GetString());

        using var disabled = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { disabled = true }, _ct);
        Assert.Equal("disabled", (await disabled.JsonAsync(_ct)).GetProperty("state").GetString());
        using var enabled = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { disabled = false }, _ct);
        Assert.NotEqual("disabled", (await enabled.JsonAsync(_ct)).GetProperty("state").GetString());

        using var deleted = await client.DeleteAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await client.GetAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("account_not_found", await gone.ProblemCodeAsync(_ct));
    }

    [Fact]
    public async Task Starttls_registration_works()
    {
        using var client = fixture.App.CreateClient("crud-starttls");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user102", security: "starttls"), _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("starttls", (await created.JsonAsync(_ct)).GetProperty("imap").GetProperty("security").GetString());
    }

    [Fact]
    public async Task Password_change_is_verified_first_and_a_wrong_one_keeps_the_old()
    {
        using var client = fixture.App.CreateClient("crud-password");
        var id = await fixture.App.RegisterAccountAsync(client, "user103", _ct);

        using var wrong = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = "not-the-password-103" }, _ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal("imap_auth_failed", await wrong.ProblemCodeAsync(_ct));

        // The stored credentials are still the working ones.
        var provider = fixture.App.Services.GetRequiredService<MailGateway.Imap.IImapCredentialProvider>();
        var account = await fixture.App.Services.GetRequiredService<MailGateway.Api.Shared.IAccountStore>().GetAsync(id, _ct);
        var secret = await provider.GetSecretAsync(account!.ToImapAccount(), forceRefresh: false, _ct);
        Assert.Equal(MailEnvironment.PasswordOf("user103"), secret.Value);

        using var right = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = MailEnvironment.PasswordOf("user103") }, _ct);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var changed = await fixture.App.Services.GetRequiredService<MailGateway.Api.Shared.IAccountStore>().GetAsync(id, _ct);
        Assert.NotEqual(account.CredentialStamp, changed!.CredentialStamp);
    }

    [Fact]
    public async Task Invalid_body_is_400_validation_failed_with_field_errors()
    {
        using var client = fixture.App.CreateClient("crud-invalid");
        using var response = await client.PostAsJsonAsync("/api/v1/accounts",
            new { displayName = "", email = "nope", imap = new { host = "127.0.0.1", port = 70000, security = "ssh", username = "user104" } }, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync(_ct);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "displayName", "email", "imap.port", "imap.security", "imap.password" })
            Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Malformed_json_is_400_problem()
    {
        using var client = fixture.App.CreateClient("crud-invalid");
        using var content = new StringContent("{\"displayName\": ", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/accounts", content, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await response.ProblemCodeAsync(_ct));
    }
}
