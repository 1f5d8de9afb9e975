using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Identity.Web;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// Issue 7 item 1(a): an Entra ID user links their mailbox without giving the gateway a password. Microsoft.Identity.Web's
/// token acquisition is replaced at its interface (<see cref="ITokenAcquisition"/>) by a fake that records what the
/// gateway asks for and returns a JWT Dovecot accepts; the SASL XOAUTH2 exchange with Dovecot is real. Dovecot user user196.
/// </summary>
public sealed class OnBehalfOfOAuthTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user196";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private OnBehalfOfGateway _gateway = null!;

    public ValueTask InitializeAsync()
    {
        _gateway = new OnBehalfOfGateway(fixture, fixture.Env, User);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    private object Body(string mechanism = "xoauth2") => new
    {
        displayName = "Exchange Online (on behalf of)",
        email = $"{User}@example.test",
        imap = new
        {
            host = fixture.Env.Host,
            port = fixture.Env.ImapsPort,
            security = "tls",
            username = User,
            oauth = new { mechanism, onBehalfOf = true },
        },
    };

    [Fact]
    public async Task An_Entra_ID_user_links_a_mailbox_on_behalf_of_and_reads_it_over_XOAUTH2()
    {
        using var client = _gateway.EntraUserClient("obo-oid-196", "oid-196");

        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Body(), _ct);
        var body = await created.Content.ReadAsStringAsync(_ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {body}");
        var accountId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        // Registration: the caller's own token starts a long-running OBO session for exactly the Exchange IMAP scope.
        var start = Assert.Single(_gateway.Calls);
        Assert.Equal(["https://outlook.office.com/IMAP.AccessAsUser.All"], start.Scopes);
        Assert.Equal("oid-196", (start.User?.FindFirst("oid") ?? start.User?.FindFirst(ClaimConstants.ObjectId))?.Value);
        Assert.Equal(TokenAcquisitionOptions.LongRunningWebApiSessionKeyAuto, start.SessionKeyIn);

        // Reading: the pool logs in again; the token comes from the session key alone, never from the current request.
        await ResetAsync(client, accountId);
        using var mailboxes = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct);
        var list = await mailboxes.Content.ReadAsStringAsync(_ct);
        Assert.True(mailboxes.StatusCode == HttpStatusCode.OK, $"{(int)mailboxes.StatusCode}: {list}");
        Assert.Contains("\"INBOX\"", list, StringComparison.Ordinal);

        var later = _gateway.Calls.Skip(1).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, c =>
        {
            Assert.Equal(["https://outlook.office.com/IMAP.AccessAsUser.All"], c.Scopes);
            Assert.Equal(start.SessionKeyOut, c.SessionKeyIn);
            Assert.Null(c.User);
            Assert.False(c.HadHttpContext);
        });

        // The SASL exchange with Dovecot: XOAUTH2 logins succeeded.
        var log = await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}/security-log", _ct);
        Assert.Contains(log.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("outcome").GetString() == "success" && e.GetProperty("mechanism").GetString() == "XOAUTH2");
        var account = await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}", _ct);
        Assert.Equal("xoauth2", account.GetProperty("imap").GetProperty("auth").GetString());
    }

    [Fact]
    public async Task An_application_token_cannot_link_a_mailbox_on_behalf_of()
    {
        using var client = _gateway.CreateClient();
        var token = _gateway.App.CreateToken("obo-daemon", scopes: "", roles: ["Mail.Read", "Mail.ReadWrite"],
            extraClaims: new Dictionary<string, object> { ["tid"] = "tenant-obo", ["oid"] = "daemon-oid" });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", Body(), _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("oauth_on_behalf_of_unavailable", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Empty(_gateway.Calls);
    }

    private async Task ResetAsync(HttpClient client, string accountId)
    {
        using var response = await client.PostAsync($"/api/v1/accounts/{accountId}/reset", null, _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
