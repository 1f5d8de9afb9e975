using System.Net;
using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>A Postfix of its own (stopping it must not disturb other tests) and a gateway retrying after one second.</summary>
public sealed class SendingFaultTests(MailEnvFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stopped_postfix_keeps_the_submission_queued_and_it_is_sent_once_postfix_is_back()
    {
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions
        {
            StartRedis = false,
            StartPostfix = true,
            CertificatesFrom = Path.GetDirectoryName(fixture.Env.CaCertificatePath),
        }, Ct);
        await using var app = fixture.CreateApp(o =>
        {
            // An outbox of its own: on the shared database other tests' gateways (default retry schedule, 2 min by the
            // third attempt) could claim this submission while Postfix is down.
            fixture.RedisNamespaceFor(typeof(SendingFaultTests)).ApplyTo(o.Settings);
            o.Settings["Sending:RetrySchedule:0"] = "00:00:01";
            o.Settings["Sending:PollInterval"] = "00:00:00.200";
        });
        var client = app.CreateClient("sending-faults");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Sender.Body(env, "user120"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var me = new Sender("user120", (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetString()!, client, env);

        await env.StopPostfixAsync(Ct);
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user121"), marker));
        var waiting = await me.WaitForStateAsync(id, "queued", also: s => s.GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal(0, waiting.GetProperty("lastReply").GetProperty("code").GetInt32());

        await env.StartPostfixAsync(Ct);
        var sent = await me.WaitForStateAsync(id, "sent");
        Assert.True(sent.GetProperty("attempts").GetInt32() >= 3);
        Assert.Single(await env.WaitForMessageAsync("user121", "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));
    }

    [Fact]
    public async Task Registration_verifies_the_smtp_login()
    {
        var env = await fixture.PostfixAsync();
        var client = fixture.App.CreateClient("sending-registration");
        using var wrong = await client.PostAsJsonAsync("/api/v1/accounts",
            Sender.Body(env, "user122", new { host = env.Host, port = env.SmtpPort, security = "starttls", password = "not-the-password" }), Ct);
        await MailUser.AssertProblemAsync(wrong, HttpStatusCode.UnprocessableEntity, "smtp_auth_failed");
        using var closed = await client.PostAsJsonAsync("/api/v1/accounts",
            Sender.Body(env, "user122", new { host = env.Host, port = env.ImapPort, security = "tls" }), Ct);
        await MailUser.AssertProblemAsync(closed, HttpStatusCode.BadGateway, "smtp_unavailable");
        using var list = await client.GetAsync("/api/v1/accounts", Ct);
        Assert.DoesNotContain("user122", await list.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_smtp_settings_an_account_cannot_send_until_patched()
    {
        var env = await fixture.PostfixAsync();
        var client = fixture.App.CreateClient("sending-patch");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", new
        {
            displayName = "no smtp",
            email = MailEnvironment.EmailOf("user123"),
            imap = new { host = env.Host, port = env.ImapsPort, security = "tls", username = "user123", password = MailEnvironment.PasswordOf("user123") },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var me = new Sender("user123", (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetString()!, client, env);
        using var refused = await me.SendAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user124"), "x"));
        await MailUser.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "smtp_not_configured");

        using var patched = await client.PatchAsJsonAsync($"/api/v1/accounts/{me.AccountId}",
            new { smtp = new { host = env.Host, port = env.SmtpsPort, security = "tls" } }, Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user124"), Guid.NewGuid().ToString("N")));
        await me.WaitForStateAsync(id, "sent");
    }
}
