using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;

namespace MailGateway.IntegrationTests.Security;

/// <summary>Write races on the owner's own edits (issue 11 item 11): a PATCH of the credentials waits on the token
/// endpoint (and then on an IMAP login); a delete or a disable made meanwhile is not undone when the PATCH is stored.
/// The PATCH goes through REST in one test and GraphQL updateAccount in the other.</summary>
public sealed partial class RefreshTokenOAuthTests
{
    /// <summary>Holds every token request at the endpoint until <c>release</c> is set; <c>entered</c> counts arrivals.</summary>
    private (SemaphoreSlim Entered, ManualResetEventSlim Release) HoldTokenRequests(string user)
    {
        var entered = new SemaphoreSlim(0);
        var release = new ManualResetEventSlim();
        _endpoint.Issue = rt =>
        {
            entered.Release();
            release.Wait(TimeSpan.FromSeconds(90));
            return Mint(UserOf(rt), TimeSpan.FromMinutes(10));
        };
        return (entered, release);
    }

    private object OAuthPatch(string user, string mechanism) =>
        new { oauth = new { mechanism, client = "dovecot", refreshToken = NewRefreshToken(user) } };

    [Fact]
    public async Task A_credential_patch_does_not_bring_back_an_account_deleted_while_it_waited()
    {
        using var client = _app.CreateClient("oauth-rt-race1");
        var accountId = await RegisterAsync(client, "user191", NewRefreshToken("user191"));
        var (entered, release) = HoldTokenRequests("user191");
        using var _ = release;

        var patch = client.PatchAsJsonAsync($"/api/v1/accounts/{accountId}", OAuthPatch("user191", "oauthbearer"), _ct);
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(60), _ct), "the PATCH never asked the token endpoint");
        using (var deleted = await client.DeleteAsync($"/api/v1/accounts/{accountId}", _ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        release.Set();

        using var answered = await patch;
        var body = await answered.Content.ReadAsStringAsync(_ct);
        Assert.True(answered.StatusCode == HttpStatusCode.NotFound, $"{(int)answered.StatusCode}: {body}");
        Assert.Contains("account_not_found", body, StringComparison.Ordinal);
        using (var gone = await client.GetAsync($"/api/v1/accounts/{accountId}", _ct))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/accounts", _ct);
        Assert.DoesNotContain(accountId, list.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_change_over_GraphQL_keeps_a_disable_made_while_it_waited()
    {
        using var client = _app.CreateClient("oauth-rt-race2");
        var accountId = await RegisterAsync(client, "user192", NewRefreshToken("user192"));
        var (entered, release) = HoldTokenRequests("user192");
        using var _ = release;

        const string mutation = "mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id disabled imap { auth } } }";
        var update = GraphQLCalls.PostAsync(client, mutation, new { id = accountId, input = OAuthPatch("user192", "oauthbearer") }, _ct);
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(60), _ct), "updateAccount never asked the token endpoint");
        using (var disabled = await client.PatchAsJsonAsync($"/api/v1/accounts/{accountId}", new { disabled = true }, _ct))
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        release.Set();

        var result = await update;
        Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        var answered = result.GetProperty("data").GetProperty("updateAccount");
        Assert.True(answered.GetProperty("disabled").GetBoolean(), "updateAccount answered the account as enabled again");
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}", _ct);
        Assert.True(stored.GetProperty("disabled").GetBoolean(), "the disable made while updateAccount waited was undone");
        Assert.Equal("oauthbearer", stored.GetProperty("imap").GetProperty("auth").GetString());
    }
}
