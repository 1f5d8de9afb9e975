using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MimeKit;

using MailGateway.Tests.Shared;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>Subscription.mailEvents over graphql-transport-ws, fed by the one event pipeline watching Dovecot.</summary>
public sealed class GraphQLSubscriptionTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user125";
    private const string Owner = "graphql-subscriber-125";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;
    private string _accountId = "";

    public async ValueTask InitializeAsync()
    {
        // A Redis database of its own: the events pipeline as in production, and no other gateway of the run takes the watch.
        _app = fixture.CreateApp(o => fixture.RedisNamespaceFor(typeof(GraphQLSubscriptionTests)).ApplyTo(o.Settings));
        using var http = _app.CreateClient(Owner);
        _accountId = await _app.RegisterAccountAsync(http, User, _ct);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private string Subscription(string accountId, string types = "") =>
        $"subscription {{ mailEvents(accountId: \"{accountId}\"{types}) {{ id type occurredAt accountId data }} }}";

    [Fact]
    public async Task An_IMAP_APPEND_arrives_as_message_created()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(_app, cancellationToken: _ct);
        await socket.InitAsync(_app.CreateToken(Owner, "Mail.Read"), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        await socket.SendAsync(new { id = "events", type = "subscribe", payload = new { query = Subscription(_accountId) } }, _ct);
        // The watch starts because of this subscription; once it is connected, new mail is seen.
        await ExpectEventAsync(socket, "account.connected", _ => true);

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Live Sender", "live@example.test"));
        message.To.Add(new MailboxAddress("", User + "@example.test"));
        message.Subject = "Pushed over GraphQL";
        message.Body = new TextPart("plain") { Text = "Live body" };
        var uid = await fixture.Env.AppendAsync(User, "INBOX", message, _ct);

        var created = await ExpectEventAsync(socket, "message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == uid);
        Assert.Equal(_accountId, created.GetProperty("accountId").GetString());
        var data = created.GetProperty("data");
        Assert.Equal("INBOX", data.GetProperty("mailboxPath").GetString());
        Assert.Equal("Pushed over GraphQL", data.GetProperty("summary").GetProperty("subject").GetString());
        Assert.False(string.IsNullOrEmpty(created.GetProperty("id").GetString()));

        // complete ends the subscription; the connection stays usable.
        await socket.SendAsync(new { id = "events", type = "complete" }, _ct);
        await socket.SendAsync(new { type = "ping" }, _ct);
        await socket.ExpectAsync("pong", _ct);
    }

    [Fact]
    public async Task A_foreign_account_is_refused_with_4403()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(_app, cancellationToken: _ct);
        await socket.InitAsync(_app.CreateToken("graphql-intruder-125"), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        await socket.SendAsync(new { id = "spy", type = "subscribe", payload = new { query = Subscription(_accountId) } }, _ct);
        Assert.Equal(4403, await socket.ExpectCloseAsync(_ct));
    }

    [Fact]
    public async Task Without_a_token_the_socket_is_closed_with_4401()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(_app, cancellationToken: _ct);
        await socket.SendAsync(new { type = "connection_init", payload = new { } }, _ct);
        Assert.Equal(4401, await socket.ExpectCloseAsync(_ct));
    }

    private static async Task<JsonElement> ExpectEventAsync(GraphQLSocket socket, string type, Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = await socket.ExpectAsync("next", timeout.Token, TimeSpan.FromSeconds(30));
            var mailEvent = next.GetProperty("payload").GetProperty("data").GetProperty("mailEvents");
            if (mailEvent.GetProperty("type").GetString() == type && match(mailEvent)) return mailEvent;
        }
    }
}
