using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>Safer HTML by default on REST and GraphQL alike (user144): overlays and remote content removed and said,
/// allowRemoteContent returns them, cid: images are served by the gateway.</summary>
public class RemoteContentTests(MailEnvFixture fixture)
{
    private const string User = "user144";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private const string Raw =
        "From: a@example.test\r\nTo: b@example.test\r\nSubject: remote content\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/related; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
        "<div style=\"position:fixed;z-index:99\">overlay</div><img src=\"https://tracker.example/open.gif\"><img src=\"cid:logo@example.test\">\r\n" +
        "--b1\r\nContent-Type: image/png\r\nContent-ID: <logo@example.test>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        "iVBORw0KGgo=\r\n--b1--\r\n";

    private async Task<(MailUser Me, string Id)> AppendAsync()
    {
        var me = await MailUser.GetAsync(fixture, MailServerKind.Dovecot, User, env => env.SeedAsync(User, 1, _ct));
        using var content = new StringContent(Raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var response = await me.Client.PostAsync(me.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages"), content, _ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetString()!;
        return (me, id);
    }

    [Fact]
    public async Task Rest_blocks_remote_content_by_default_and_returns_it_when_asked()
    {
        var (me, id) = await AppendAsync();
        var safe = await me.Client.GetFromJsonAsync<JsonElement>(me.Api($"/messages/{id}"), _ct);
        var html = safe.GetProperty("html").GetString()!;
        Assert.True(safe.GetProperty("remoteContentBlocked").GetBoolean());
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("position", html, StringComparison.Ordinal);
        var cidUrl = $"/api/v1/accounts/{me.AccountId}/messages/{id}/attachments/";
        Assert.Contains(cidUrl, html, StringComparison.Ordinal);

        // The rewritten cid: URL is the attachment route and serves the inline image.
        var src = html[html.IndexOf(cidUrl, StringComparison.Ordinal)..].Split('"')[0];
        using var image = await me.Client.GetAsync(src, _ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);

        var allowed = await me.Client.GetFromJsonAsync<JsonElement>(me.Api($"/messages/{id}?allowRemoteContent=true"), _ct);
        Assert.False(allowed.GetProperty("remoteContentBlocked").GetBoolean());
        Assert.Contains("https://tracker.example/open.gif", allowed.GetProperty("html").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphQL_blocks_remote_content_by_default_and_returns_it_when_asked()
    {
        var (me, id) = await AppendAsync();
        async Task<JsonElement> QueryAsync(bool allow)
        {
            var query = $"{{ message(accountId: \"{me.AccountId}\", id: \"{id}\", allowRemoteContent: {(allow ? "true" : "false")}) {{ html remoteContentBlocked }} }}";
            using var response = await me.Client.PostAsJsonAsync("/graphql", new { query }, _ct);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("data").GetProperty("message");
        }
        var safe = await QueryAsync(false);
        Assert.True(safe.GetProperty("remoteContentBlocked").GetBoolean());
        Assert.DoesNotContain("tracker.example", safe.GetProperty("html").GetString(), StringComparison.Ordinal);
        var allowed = await QueryAsync(true);
        Assert.False(allowed.GetProperty("remoteContentBlocked").GetBoolean());
        Assert.Contains("tracker.example", allowed.GetProperty("html").GetString(), StringComparison.Ordinal);
    }
}
