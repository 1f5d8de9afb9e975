using System.Net;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>A mailbox deleted and recreated by another client while a pooled connection has it selected: Dovecot
/// closes that connection with BYE. The next read of the mailbox, over REST and over GraphQL, answers the new mailbox
/// with no error (the dead connection is found before the lease or the read is retried on a fresh one). One
/// connection per account, so the read meets the connection that had the old mailbox selected.</summary>
public sealed class MailboxRecreatedOverHttpTests(MailEnvFixture fixture)
{
    private const string User = "user73";
    private const string Owner = "faults-owner-73";

    [Fact]
    public async Task A_mailbox_recreated_behind_a_selected_pooled_connection_is_read_without_error_on_rest_and_graphql()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = fixture.CreateApp(o => o.Settings["Imap:MaxConnectionsPerAccount"] = "1");
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);

        foreach (var api in new[] { "Rest", "GraphQL" })
        {
            var path = "Recreated" + api;
            await CreateMailboxAsync(path, ct);
            await fixture.Env.AppendAsync(User, path, TestMail.Create($"old {api}"), ct);
            Assert.Equal([$"old {api}"], await ReadSubjectsAsync(http, api, accountId, path, ct)); // the pooled connection selects it

            await DeleteAndRecreateAsync(path, ct);
            await fixture.Env.AppendAsync(User, path, TestMail.Create($"new {api}"), ct);
            Assert.Equal([$"new {api}"], await ReadSubjectsAsync(http, api, accountId, path, ct));
            Assert.Equal([$"new {api}"], await ReadSubjectsAsync(http, api, accountId, path, ct));
        }
    }

    /// <summary>The subjects of the mailbox's first page; any error fails the test with the answer.</summary>
    private static async Task<string?[]> ReadSubjectsAsync(HttpClient http, string api, string accountId, string path, CancellationToken ct)
    {
        var mailboxId = ResourceIds.Mailbox(path);
        if (api == "Rest")
        {
            using var response = await http.GetAsync($"/api/v1/accounts/{accountId}/mailboxes/{mailboxId}/messages?limit=10", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"REST: {(int)response.StatusCode}: {body}");
            using var json = JsonDocument.Parse(body);
            return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("subject").GetString())];
        }
        const string query = "query($a: ID!, $m: ID!) { account(id: $a) { messages(mailboxId: $m, first: 10) { edges { node { subject } } } } }";
        var result = await GraphQLCalls.PostAsync(http, query, new { a = accountId, m = mailboxId }, ct);
        Assert.False(result.TryGetProperty("errors", out var errors), $"GraphQL: {(errors.ValueKind == JsonValueKind.Undefined ? "" : errors.GetRawText())}");
        return [.. result.GetProperty("data").GetProperty("account").GetProperty("messages").GetProperty("edges").EnumerateArray()
            .Select(e => e.GetProperty("node").GetProperty("subject").GetString())];
    }

    private async Task CreateMailboxAsync(string path, CancellationToken ct)
    {
        using var other = await fixture.Env.ConnectAsync(User, ct);
        await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync(path, true, ct);
        await other.DisconnectAsync(true, ct);
    }

    private async Task DeleteAndRecreateAsync(string path, CancellationToken ct)
    {
        using var other = await fixture.Env.ConnectAsync(User, ct);
        var folder = await other.GetFolderAsync(path, ct);
        await folder.DeleteAsync(ct);
        await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync(path, true, ct);
        await other.DisconnectAsync(true, ct);
    }
}
