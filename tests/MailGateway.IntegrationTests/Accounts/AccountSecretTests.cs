using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>No password or token in any response or log line (users user112-user113).</summary>
public class AccountSecretTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Passwords_and_tokens_never_appear_in_responses_or_logs()
    {
        using var client = fixture.App.CreateClient("secret-owner");
        var id = await fixture.App.RegisterAccountAsync(client, "user112", _ct);
        // Exercise every route that touches credentials, including the failure paths.
        (await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user113", password: "pass-user113-wrong"), _ct)).Dispose();
        (await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = "pass-user112-wrong" }, _ct)).Dispose();
        (await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = MailEnvironment.PasswordOf("user112") }, _ct)).Dispose();
        (await client.GetAsync($"/api/v1/accounts/{id}", _ct)).Dispose();
        (await client.GetAsync("/api/v1/accounts", _ct)).Dispose();
        (await client.GetAsync($"/api/v1/accounts/{id}/security-log", _ct)).Dispose();
        (await client.PostAsync($"/api/v1/accounts/{id}/reset", null, _ct)).Dispose();

        // A browser puts its token in the query string of SignalR / GraphQL WebSocket requests.
        using (var anonymous = fixture.App.CreateAnonymousClient())
        {
            var token = fixture.App.CreateToken("secret-owner");
            (await anonymous.GetAsync($"/hubs/mail/negotiate?access_token={token}", _ct)).Dispose();
            (await anonymous.GetAsync($"/hubs/not-a-hub?access_token={token}", _ct)).Dispose();
        }

        Assert.Empty(fixture.FindSecretsInResponses());
        Assert.Empty(fixture.FindSecretsInLogs());
        // The scan itself works: the log holds the registration of this account.
        Assert.Contains(fixture.Logs.Lines, l => l.Contains(id, StringComparison.Ordinal));
    }
}
