using System.Net;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailGateway.Tests.Shared;
using MailKit;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>
/// A cached message is never older than what another IMAP client committed before the read, on every path that reads
/// one message: REST, GraphQL over HTTP and GraphQL over WebSocket (all through <c>IImapSessionPool.GetMessageAsync</c>
/// and its one-command, shared proof). A flag set and then an expunge by another connection show on each path's next
/// read. User user71, on Dovecot and (<see cref="CyrusCachedMessageFreshnessTests"/>) Cyrus.
/// </summary>
public class CachedMessageFreshnessTests(MailEnvFixture fixture)
{
    private const string User = "user71";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    [Fact]
    public async Task Every_path_shows_a_flag_and_an_expunge_another_client_committed_before_the_read()
    {
        var me = await MailUser.GetAsync(fixture, Server, User);
        var uid = await me.Env.AppendAsync(User, "INBOX", TestMail.Create($"fresh {Guid.NewGuid():N}"), _ct);
        uint uidValidity;
        using (var imap = await me.ImapAsync())
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
            uidValidity = imap.Inbox.UidValidity;
        }
        var id = ResourceIds.Message(new MessageRef("INBOX", uidValidity, uid));
        await using var socket = await GraphQLSocket.ConnectAsync(fixture.App, cancellationToken: _ct);
        await socket.InitAsync(fixture.App.CreateToken(User), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        var query = $"{{ message(accountId: \"{me.AccountId}\", id: \"{id}\") {{ flagged }} }}";
        var operations = 0;
        async Task<JsonElement> ViaSocketAsync()
        {
            var operation = $"op{++operations}";
            await socket.SendAsync(new { id = operation, type = "subscribe", payload = new { query } }, _ct);
            return (await socket.ExpectAsync("next", _ct, TimeSpan.FromSeconds(60))).GetProperty("payload");
        }
        var paths = new (string Name, Func<Task<JsonElement>> Read)[]
        {
            ("REST", async () =>
            {
                using var response = await me.Client.GetAsync(me.Api($"/messages/{id}"), _ct);
                var body = await response.Content.ReadAsStringAsync(_ct);
                return response.StatusCode == HttpStatusCode.NotFound ? default : JsonDocument.Parse(body).RootElement.Clone();
            }),
            ("GraphQL over HTTP", async () => Message(await GraphQLCalls.PostAsync(me.Client, query, ct: _ct))),
            ("GraphQL over WebSocket", async () => Message(await ViaSocketAsync())),
        };
        foreach (var (name, read) in paths)
        {
            Assert.False((await read()).GetProperty("flagged").GetBoolean(), name);
            Assert.False((await read()).GetProperty("flagged").GetBoolean(), name); // cached now
        }

        await ChangeInboxAsync(me, inbox => inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Flagged, true, _ct));
        foreach (var (name, read) in paths)
            Assert.True((await read()).GetProperty("flagged").GetBoolean(), name);

        await ChangeInboxAsync(me, async inbox =>
        {
            await inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Deleted, true, _ct);
            await inbox.ExpungeAsync([new UniqueId(uid)], _ct);
        });
        foreach (var (name, read) in paths)
            Assert.True((await read()).ValueKind == JsonValueKind.Undefined, $"{name} still answers the expunged message");
    }

    /// <summary>data.message, or default when the answer is a not-found error.</summary>
    private static JsonElement Message(JsonElement result)
    {
        if (result.TryGetProperty("errors", out var errors))
        {
            Assert.Equal("message_not_found", errors[0].GetProperty("extensions").GetProperty("code").GetString());
            return default;
        }
        return result.GetProperty("data").GetProperty("message");
    }

    private async Task ChangeInboxAsync(MailUser me, Func<IMailFolder, Task> change)
    {
        using var other = await me.ImapAsync();
        await other.Inbox.OpenAsync(FolderAccess.ReadWrite, _ct);
        await change(other.Inbox);
        await other.DisconnectAsync(true, _ct);
    }
}

public sealed class CyrusCachedMessageFreshnessTests(MailEnvFixture fixture) : CachedMessageFreshnessTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}
