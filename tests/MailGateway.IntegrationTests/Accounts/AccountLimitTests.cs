using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Per-user account cap (issue 11 item 9): one user cannot register accounts without end; REST and GraphQL
/// answer the same 409 <c>account_limit_reached</c>, and other users are not affected.</summary>
public sealed class AccountLimitTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user100";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Accounts:MaxAccountsPerUser"] = "2";
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task The_account_after_the_cap_is_409_on_rest_and_graphql_and_other_users_still_register()
    {
        using var http = _app.CreateClient("account-limit-owner");
        for (var i = 0; i < 2; i++)
        {
            using var created = await http.PostAsJsonAsync("/api/v1/accounts", _app.AccountBody(User), _ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var refused = await http.PostAsJsonAsync("/api/v1/accounts", _app.AccountBody(User), _ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(_ct)).RootElement;
            Assert.Equal("account_limit_reached", problem.GetProperty("code").GetString());
        }

        const string add = "mutation($input: AddAccountInput!) { addAccount(input: $input) { id } }";
        var input = new
        {
            displayName = "Over the cap",
            email = User + "@example.test",
            imap = new { host = fixture.Env.Host, port = fixture.Env.ImapsPort, security = "tls", username = User, password = MailEnvironment.PasswordOf(User) },
        };
        Assert.Equal("account_limit_reached", await GraphQLCalls.ErrorCodeAsync(http, add, new { input }, _ct));

        using var list = await http.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(2, JsonDocument.Parse(await list.Content.ReadAsStringAsync(_ct)).RootElement.GetProperty("items").GetArrayLength());

        using var other = _app.CreateClient("account-limit-other");
        using var theirs = await other.PostAsJsonAsync("/api/v1/accounts", _app.AccountBody(User), _ct);
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
    }
}
