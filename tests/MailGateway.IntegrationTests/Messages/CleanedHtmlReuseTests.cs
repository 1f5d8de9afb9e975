using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Messages;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>A cached HTML message is not cleaned again on every read (user19): REST and GraphQL reuse the cleaned HTML
/// of the same message (<see cref="CleanedHtmlMemo"/>) and answer exactly what the first read answered.</summary>
public class CleanedHtmlReuseTests(MailEnvFixture fixture)
{
    private const string User = "user19";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private const string Raw =
        "From: a@example.test\r\nTo: b@example.test\r\nSubject: cleaned once\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/related; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
        "<p onclick=\"x()\">hello</p><img src=\"https://tracker.example/open.gif\"><img src=\"cid:logo@example.test\">\r\n" +
        "--b1\r\nContent-Type: image/png\r\nContent-ID: <logo@example.test>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        "iVBORw0KGgo=\r\n--b1--\r\n";

    [Fact]
    public async Task Rest_and_GraphQL_reads_of_a_cached_message_reuse_its_cleaned_html()
    {
        var me = await MailUser.GetAsync(fixture, MailServerKind.Dovecot, User, env => env.SeedAsync(User, 1, _ct));
        using var content = new StringContent(Raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var created = await me.Client.PostAsync(me.Api($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages"), content, _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetString()!;
        var memo = fixture.App.Services.GetRequiredService<CleanedHtmlMemo>();

        var first = await me.Client.GetFromJsonAsync<JsonElement>(me.Api($"/messages/{id}"), _ct);
        var hits = memo.Hits;
        var second = await me.Client.GetFromJsonAsync<JsonElement>(me.Api($"/messages/{id}"), _ct);
        var query = $"{{ message(accountId: \"{me.AccountId}\", id: \"{id}\") {{ html remoteContentBlocked }} }}";
        using var graphQL = await me.Client.PostAsJsonAsync("/graphql", new { query }, _ct);
        var viaGraphQL = (await graphQL.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("data").GetProperty("message");

        Assert.True(memo.Hits >= hits + 2, $"expected two reuses, memo hits went from {hits} to {memo.Hits}");
        var html = first.GetProperty("html").GetString()!;
        Assert.DoesNotContain("onclick", html, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/accounts/{me.AccountId}/messages/{id}/attachments/", html, StringComparison.Ordinal);
        Assert.Equal(html, second.GetProperty("html").GetString());
        Assert.Equal(html, viaGraphQL.GetProperty("html").GetString());
        Assert.True(viaGraphQL.GetProperty("remoteContentBlocked").GetBoolean());

        // Another remote-content choice is another cleaning, not the kept one.
        var allowed = await me.Client.GetFromJsonAsync<JsonElement>(me.Api($"/messages/{id}?allowRemoteContent=true"), _ct);
        Assert.Contains("https://tracker.example/open.gif", allowed.GetProperty("html").GetString(), StringComparison.Ordinal);
    }
}
