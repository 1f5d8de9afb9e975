using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>One special-purpose address registry for every destination (issue 11 item 12): IMAP hosts, SMTP hosts
/// (account create over REST, updateAccount over GraphQL) and webhook URLs refuse the Azure WireServer, cloud metadata,
/// Teredo, documentation and other reserved addresses, even where private networks are allowed (as in these tests).
/// The answers are 4xx with a code and never name what a host resolved to. User user97 (login only).</summary>
public sealed class SpecialAddressPolicyTests(MailEnvFixture fixture)
{
    private const string User = "user97";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public static TheoryData<string> Forbidden => new()
    {
        "168.63.129.16",   // Azure WireServer
        "169.254.169.254", // cloud metadata
        "100.100.100.200", // Alibaba metadata
        "2001::1",         // Teredo (2001::/32)
        "192.0.2.10",      // documentation
        "240.0.0.1",       // reserved
        "fe80::1",         // link-local
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task Imap_and_smtp_hosts_and_webhook_urls_refuse_special_purpose_addresses(string address)
    {
        using var client = fixture.App.CreateClient("special-address-owner");
        var env = fixture.Env;
        var host = address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;

        // IMAP host.
        var imapBody = new
        {
            displayName = "special", email = "special@example.test",
            imap = new { host = address, port = 993, security = "tls", username = User, password = MailEnvironment.PasswordOf(User) },
        };
        await AssertRefusedAsync(await client.PostAsJsonAsync("/api/v1/accounts", imapBody, _ct), HttpStatusCode.UnprocessableEntity, "imap_host_forbidden");

        // SMTP host on account create (REST).
        var smtpBody = new
        {
            displayName = "special smtp", email = $"{User}@example.test",
            imap = new { host = env.Host, port = env.ImapsPort, security = "tls", username = User, password = MailEnvironment.PasswordOf(User) },
            smtp = new { host = address, port = 587, security = "starttls" },
        };
        await AssertRefusedAsync(await client.PostAsJsonAsync("/api/v1/accounts", smtpBody, _ct), HttpStatusCode.UnprocessableEntity, "smtp_host_forbidden");

        // SMTP host on updateAccount (GraphQL).
        var accountId = await fixture.App.RegisterAccountAsync(client, User, _ct);
        try
        {
            var result = await GraphQLCalls.PostAsync(client,
                "mutation($id: ID!, $host: String!) { updateAccount(id: $id, input: { smtp: { host: $host, port: 587, security: \"starttls\" } }) { id } }",
                new { id = accountId, host = address }, _ct);
            var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
            Assert.Equal("smtp_host_forbidden", error.GetProperty("extensions").GetProperty("code").GetString());
            Assert.DoesNotContain(address, error.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            (await client.DeleteAsync($"/api/v1/accounts/{accountId}", _ct)).Dispose();
        }

        // Webhook URL.
        await AssertRefusedAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url = $"http://{host}/hook" }, _ct),
            HttpStatusCode.BadRequest, "webhook_url_forbidden");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
            using var json = JsonDocument.Parse(body);
            Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        }
    }
}
