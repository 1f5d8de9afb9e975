using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>Issue 16 item 6: one failing mailbox yields an error with its path; the rest of the answer stays.</summary>
public sealed class GraphQLPartialFailureTests(MailEnvFixture fixture)
{
    private const string User = "user135";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failing_mailbox_is_an_error_at_its_path_and_the_rest_of_the_answer_stays()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var http = app.CreateClient("graphql-partial-135");
        var accountId = await app.RegisterAccountAsync(http, User, _ct);
        var missing = ResourceIds.Mailbox("No/Such/Mailbox");

        var result = await GraphQLCalls.PostAsync(http, """
            query($missing: ID!) {
              accounts { id mailboxes { path } inbox: messages(mailboxId: "INBOX_ID", first: 1) { state } gone: messages(mailboxId: $missing) { state } }
            }
            """.Replace("INBOX_ID", ResourceIds.Mailbox("INBOX"), StringComparison.Ordinal), new { missing }, _ct);

        var account = result.GetProperty("data").GetProperty("accounts")[0];
        Assert.Equal(accountId, account.GetProperty("id").GetString());
        Assert.Contains(account.GetProperty("mailboxes").EnumerateArray(), m => m.GetProperty("path").GetString() == "INBOX");
        Assert.False(string.IsNullOrEmpty(account.GetProperty("inbox").GetProperty("state").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, account.GetProperty("gone").ValueKind);
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(["accounts", "0", "gone"], error.GetProperty("path").EnumerateArray().Select(p => p.ToString()));
        Assert.Equal("mailbox_not_found", error.GetProperty("extensions").GetProperty("code").GetString());
    }
}
