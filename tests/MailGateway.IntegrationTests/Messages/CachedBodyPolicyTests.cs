using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Caching;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>
/// Bodies from the read cache get the same protections as bodies from IMAP (issue 11 items 8 and 10): safe HTML with
/// <c>remoteContentBlocked</c>, <c>allowRemoteContent</c> honoured, and the GraphQL byte budget charged. Instance A reads
/// from IMAP and then from its own cache; instance B reads the body A put in the shared cache (<c>Imap:Cache:Shared</c>),
/// over REST, GraphQL HTTP and GraphQL WebSocket. User user96.
/// </summary>
public sealed class CachedBodyPolicyTests(MailEnvFixture fixture)
{
    private const string User = "user96";
    private const string Owner = "cached-policy-owner";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(CachedBodyPolicyTests));

    private static readonly string Raw =
        "From: a@example.test\r\nTo: b@example.test\r\nSubject: cached remote content\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/related; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
        "<div style=\"position:fixed;z-index:99\">overlay</div><img src=\"https://tracker.example/open.gif\"><img src=\"cid:logo@example.test\">" +
        "<p>" + new string('x', 6000) + "</p>\r\n" +
        "--b1\r\nContent-Type: image/png\r\nContent-ID: <logo@example.test>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        "iVBORw0KGgo=\r\n--b1--\r\n";

    /// <summary>One whole message fits the budget, two do not.</summary>
    private static readonly long Budget = Raw.Length * 3L / 2;

    private GatewayApp Create(string signingKey) => fixture.CreateApp(o =>
    {
        o.SigningKey = signingKey;
        _redis.ApplyTo(o.Settings);
        o.Settings["Imap:Cache:Shared"] = "true";
        o.Settings["GraphQL:MaxMessageBytesPerRequest"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
    });

    private const string One = "query($a: ID!, $m: ID!, $allow: Boolean) { m0: message(accountId: $a, id: $m, allowRemoteContent: $allow) { html remoteContentBlocked } }";
    private const string Two = "query($a: ID!, $m: ID!) { m0: message(accountId: $a, id: $m) { html } m1: message(accountId: $a, id: $m) { html } }";

    [Fact]
    public async Task Cached_and_shared_bodies_are_sanitized_honour_allowRemoteContent_and_are_charged_to_the_GraphQL_budget()
    {
        var key = new GatewayAppOptions().SigningKey;
        await using var a = Create(key);
        await using var b = Create(key);
        using var onA = a.CreateClient(Owner);
        var accountId = await a.RegisterAccountAsync(onA, User, _ct);
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(Raw));
        var uid = await fixture.Env.AppendAsync(User, "INBOX", await MimeMessage.LoadAsync(stream, _ct), _ct);
        using var imap = await fixture.Env.ConnectAsync(User, _ct);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly, _ct);
        var messageId = ResourceIds.Message(new MessageRef("INBOX", imap.Inbox.UidValidity, uid));
        var url = $"/api/v1/accounts/{accountId}/messages/{messageId}";
        var variables = new { a = accountId, m = messageId };

        // A: from IMAP (and into both caches), then from its own cache.
        AssertBlocked(await onA.GetFromJsonAsync<JsonElement>(url, _ct), accountId, messageId);
        var cacheA = a.Services.GetRequiredService<ReadCache>();
        var hitsA = cacheA.Hits;
        AssertBlocked(await onA.GetFromJsonAsync<JsonElement>(url, _ct), accountId, messageId);
        AssertAllowed(await onA.GetFromJsonAsync<JsonElement>(url + "?allowRemoteContent=true", _ct));
        AssertBlocked((await GraphQLCalls.DataAsync(onA, One, variables, _ct)).GetProperty("m0"), accountId, messageId);
        AssertOneFetched(await GraphQLCalls.PostAsync(onA, Two, variables, _ct));
        Assert.True(cacheA.Hits >= hitsA + 4, $"expected A's reads to come from its cache (hits {hitsA} → {cacheA.Hits})");
        await cacheA.SharedWritesSettledAsync(_ct); // shared writes run in the background

        // B: from the shared cache, over GraphQL WebSocket first, then REST.
        var cacheB = b.Services.GetRequiredService<ReadCache>();
        await using (var socket = await GraphQLSocket.ConnectAsync(b, cancellationToken: _ct))
        {
            await socket.InitAsync(b.CreateToken(Owner), _ct);
            await socket.ExpectAsync("connection_ack", _ct);
            async Task<JsonElement> RunAsync(string id, string query, object vars)
            {
                await socket.SendAsync(new { id, type = "subscribe", payload = new { query, variables = vars } }, _ct);
                return (await socket.ExpectAsync("next", _ct, TimeSpan.FromSeconds(60))).GetProperty("payload");
            }
            AssertBlocked((await RunAsync("blocked", One, variables)).GetProperty("data").GetProperty("m0"), accountId, messageId);
            Assert.Equal(1, cacheB.SharedHits);
            AssertAllowed((await RunAsync("allowed", One, new { a = accountId, m = messageId, allow = true })).GetProperty("data").GetProperty("m0"));
            AssertOneFetched(await RunAsync("two", Two, variables));
        }
        using var onB = b.CreateClient(Owner);
        AssertBlocked(await onB.GetFromJsonAsync<JsonElement>(url, _ct), accountId, messageId);
        AssertAllowed(await onB.GetFromJsonAsync<JsonElement>(url + "?allowRemoteContent=true", _ct));
        Assert.Equal(1, cacheB.SharedHits); // everything after the first read came from B's own cache
    }

    private static void AssertBlocked(JsonElement message, string accountId, string messageId)
    {
        var html = message.GetProperty("html").GetString()!;
        Assert.True(message.GetProperty("remoteContentBlocked").GetBoolean());
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("position", html, StringComparison.Ordinal);
        Assert.DoesNotContain("z-index", html, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/accounts/{accountId}/messages/{messageId}/attachments/", html, StringComparison.Ordinal);
    }

    private static void AssertAllowed(JsonElement message)
    {
        Assert.False(message.GetProperty("remoteContentBlocked").GetBoolean());
        Assert.Contains("https://tracker.example/open.gif", message.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("position", message.GetProperty("html").GetString(), StringComparison.Ordinal);
    }

    private static void AssertOneFetched(JsonElement result)
    {
        var data = result.GetProperty("data");
        Assert.Equal(1, new[] { "m0", "m1" }.Count(m => data.GetProperty(m).ValueKind == JsonValueKind.Object));
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal("message_bytes_exceeded", error.GetProperty("extensions").GetProperty("code").GetString());
    }
}
