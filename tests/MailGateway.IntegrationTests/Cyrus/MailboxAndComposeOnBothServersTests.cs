using System.Net;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>Mailbox refusals are 4xx problems, never 500, and composing without <c>from</c> uses the account's email —
/// on Dovecot and on Cyrus.</summary>
public sealed class MailboxAndComposeOnBothServersTests(MailEnvFixture fixture)
{
    private const string User = "user134";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task Renaming_INBOX_is_422_mailbox_protected(MailServerKind server)
    {
        var me = await MailUser.GetAsync(fixture, server, User);
        var inbox = ResourceIds.Mailbox("INBOX");
        await me.AssertProblemAsync(HttpMethod.Patch, $"/mailboxes/{inbox}", HttpStatusCode.UnprocessableEntity, "mailbox_protected", new { name = "Renamed" });
        await me.AssertProblemAsync(HttpMethod.Patch, $"/mailboxes/{inbox}", HttpStatusCode.UnprocessableEntity, "mailbox_protected", new { path = "Elsewhere/Inbox" });
        Assert.Contains(await me.GetAsync<Mailbox[]>("/mailboxes"), m => m.Path == "INBOX");
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task A_server_no_on_a_mailbox_operation_is_422_with_the_servers_reason(MailServerKind server)
    {
        var me = await MailUser.GetAsync(fixture, server, User);
        // A 600-character name passes the gateway's own checks (1000), and both servers refuse it with NO.
        var tooLong = new string('n', 600);
        using var refused = await me.SendAsync(HttpMethod.Post, "/mailboxes", new { path = tooLong });
        var body = await refused.Content.ReadAsStringAsync(_ct);
        Assert.True(refused.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)refused.StatusCode}: {body}");
        using (var problem = System.Text.Json.JsonDocument.Parse(body))
        {
            Assert.Equal("imap_operation_failed", problem.RootElement.GetProperty("code").GetString());
            Assert.StartsWith("The IMAP server refused the operation: ", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(await me.GetAsync<Mailbox[]>("/mailboxes"), m => m.Path == tooLong);

        // Moving a mailbox into itself: refused before the server is asked (MailKit would throw a 500's exception).
        var name = $"Refused{Guid.NewGuid():N}"[..20];
        using var created = await me.SendAsync(HttpMethod.Post, "/mailboxes", new { path = name });
        var parent = await MailUser.ReadAsync<Mailbox>(created, HttpStatusCode.Created);
        await me.AssertProblemAsync(HttpMethod.Patch, $"/mailboxes/{parent.Id}", HttpStatusCode.UnprocessableEntity, "imap_operation_failed", new { path = $"{name}/Inside" });
        Assert.Contains(await me.GetAsync<Mailbox[]>("/mailboxes"), m => m.Path == name);
    }

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task Composing_without_from_uses_the_accounts_email(MailServerKind server)
    {
        var me = await MailUser.GetAsync(fixture, server, User);
        var marker = Guid.NewGuid().ToString("N");
        using var response = await me.SendAsync(HttpMethod.Post, $"/mailboxes/{ResourceIds.Mailbox("Drafts")}/messages", new
        {
            to = new[] { new { address = "someone@example.test" } },
            subject = $"No from {marker}",
            text = "Hello",
        });
        var created = await MailUser.ReadAsync<NewId>(response, HttpStatusCode.Created);
        var detail = await me.GetAsync<Detail>($"/messages/{created.Id}");
        Assert.Equal($"{User}@example.test", Assert.Single(detail.From).Address);
    }
}
