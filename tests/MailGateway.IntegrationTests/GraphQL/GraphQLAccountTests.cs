using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>addAccount, updateAccount and removeAccount go through the same verification as REST (a real IMAP login).</summary>
public sealed class GraphQLAccountTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user122";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o => o.UseRedis = false);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private object Input(string password) => new
    {
        displayName = "GraphQL account",
        email = User + "@example.test",
        imap = new { host = fixture.Env.Host, port = fixture.Env.ImapsPort, security = "tls", username = User, password },
    };

    [Fact]
    public async Task Accounts_are_added_updated_listed_and_removed()
    {
        using var http = _app.CreateClient("graphql-accounts-122");
        const string add = "mutation($input: AddAccountInput!) { addAccount(input: $input) { id email state imap { host username security } } }";

        Assert.Equal("imap_auth_failed", await GraphQLCalls.ErrorCodeAsync(http, add, new { input = Input("wrong-password") }, _ct));

        var added = (await GraphQLCalls.DataAsync(http, add, new { input = Input(MailEnvironment.PasswordOf(User)) }, _ct)).GetProperty("addAccount");
        var id = added.GetProperty("id").GetString()!;
        Assert.Equal(User, added.GetProperty("imap").GetProperty("username").GetString());
        Assert.Equal("tls", added.GetProperty("imap").GetProperty("security").GetString());

        var updated = await GraphQLCalls.DataAsync(http,
            "mutation($id: ID!) { updateAccount(id: $id, input: { displayName: \"Renamed over GraphQL\" }) { displayName } }", new { id }, _ct);
        Assert.Equal("Renamed over GraphQL", updated.GetProperty("updateAccount").GetProperty("displayName").GetString());

        var listed = await GraphQLCalls.DataAsync(http, "{ accounts { id displayName mailboxes { path } } }", ct: _ct);
        var account = listed.GetProperty("accounts").EnumerateArray().Single();
        Assert.Equal(id, account.GetProperty("id").GetString());
        Assert.Contains(account.GetProperty("mailboxes").EnumerateArray(), m => m.GetProperty("path").GetString() == "INBOX");

        // The REST API sees the same account.
        using (var rest = await http.GetAsync($"/api/v1/accounts/{id}", _ct))
            Assert.Contains("Renamed over GraphQL", await rest.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);

        using var stranger = _app.CreateClient("graphql-accounts-stranger");
        Assert.Equal("account_not_found", await GraphQLCalls.ErrorCodeAsync(stranger, "mutation($id: ID!) { removeAccount(id: $id) }", new { id }, _ct));

        var removed = await GraphQLCalls.DataAsync(http, "mutation($id: ID!) { removeAccount(id: $id) }", new { id }, _ct);
        Assert.True(removed.GetProperty("removeAccount").GetBoolean());
        Assert.Empty((await GraphQLCalls.DataAsync(http, "{ accounts { id } }", ct: _ct)).GetProperty("accounts").EnumerateArray());
    }
}
