using System.Text;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using MimeKit;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>
/// Whole messages cost what they may fetch: each <c>message</c> field counts toward the query cost (aliases multiply it),
/// and one operation fetches at most <c>GraphQL:MaxMessageBytesPerRequest</c> bytes of messages, over HTTP and WebSocket.
/// </summary>
public sealed class GraphQLMessageBytesTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user100";
    private const string Owner = "graphql-bytes-100";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;
    private HttpClient _http = null!;
    private string _accountId = "";
    private string _messageId = "";

    public async ValueTask InitializeAsync()
    {
        // One ~20 KB message; the budget allows one fetch of it and not two.
        _app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["GraphQL:MaxMessageBytesPerRequest"] = "30000";
        });
        _http = _app.CreateClient(Owner);
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress("Big", "big@example.test"));
        mime.To.Add(new MailboxAddress("", User + "@example.test"));
        mime.Subject = "Twenty kilobytes";
        mime.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat("0123456789 abcdefghij klmnopqrst\r\n", 600)) };
        var uid = await fixture.Env.AppendAsync(User, "INBOX", mime, _ct);
        _accountId = await _app.RegisterAccountAsync(_http, User, _ct);
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly, _ct);
        _messageId = ResourceIds.Message(new MessageRef("INBOX", imap.Inbox.UidValidity, uid));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static string Aliases(int count) =>
        "query($a: ID!, $m: ID!) { " + string.Concat(Enumerable.Range(0, count).Select(i => $"m{i}: message(accountId: $a, id: $m) {{ id text }} ")) + "}";

    [Fact]
    public async Task Many_aliased_messages_are_refused_before_any_fetch()
    {
        Assert.Equal("max_complexity_exceeded", await GraphQLCalls.ErrorCodeAsync(_http, Aliases(30), new { a = _accountId, m = _messageId }, _ct));
        // One message alone is fine.
        var data = await GraphQLCalls.DataAsync(_http, Aliases(1), new { a = _accountId, m = _messageId }, _ct);
        Assert.Contains("0123456789", data.GetProperty("m0").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_http_one_operation_fetches_no_more_message_bytes_than_the_cap()
    {
        var result = await GraphQLCalls.PostAsync(_http, Aliases(3), new { a = _accountId, m = _messageId }, _ct);
        AssertOneFetched(result);
    }

    [Fact]
    public async Task Over_websocket_the_same_cap_holds_per_operation()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(_app, cancellationToken: _ct);
        await socket.InitAsync(_app.CreateToken(Owner), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        foreach (var id in new[] { "first", "second" })
        {
            // Each operation has its own budget: the second is not refused for what the first fetched.
            await socket.SendAsync(new { id, type = "subscribe", payload = new { query = Aliases(3), variables = new { a = _accountId, m = _messageId } } }, _ct);
            var next = await socket.ExpectAsync("next", _ct, TimeSpan.FromSeconds(60));
            AssertOneFetched(next.GetProperty("payload"));
        }
    }

    private static void AssertOneFetched(JsonElement result)
    {
        var data = result.GetProperty("data");
        var fetched = Enumerable.Range(0, 3).Count(i => data.GetProperty($"m{i}").ValueKind == JsonValueKind.Object);
        Assert.Equal(1, fetched);
        var codes = result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("extensions").GetProperty("code").GetString()).ToList();
        Assert.Equal(2, codes.Count);
        Assert.All(codes, c => Assert.Equal("message_bytes_exceeded", c));
        Assert.Contains(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes("30000")), result.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
