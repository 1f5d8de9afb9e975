using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Dovecot's master and every child SIGKILLed (a crash: no BYE, sockets reset), then started again: while it
/// is gone reads answer 502/503 <c>imap_unavailable</c> with Retry-After (never 500); they work again soon after it
/// is back, without a gateway restart; mail arriving afterwards is announced exactly once.</summary>
public sealed class DovecotOutageTests(MailEnvFixture fixture)
{
    private const string User = "user155";
    private const string Owner = "faults-owner-155";

    [Fact]
    public async Task A_killed_dovecot_answers_imap_unavailable_with_retry_after_and_reads_recover_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o =>
        {
            o.UseEnvironment(env);
            o.Settings["Events:SupervisorInterval"] = "00:00:00.200";
        });
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, env, ct);
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));
        var messages = PrivateRedis.InboxMessages(accountId);
        using (var ok = await http.GetAsync(messages, ct)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        await env.KillDovecotAsync();
        for (var i = 0; i < 3; i++)
        {
            using var down = await http.GetAsync(messages, ct);
            var text = await down.Content.ReadAsStringAsync(ct);
            Assert.True(down.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"{(int)down.StatusCode}: {text}");
            Assert.True(down.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            Assert.Equal("imap_unavailable", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }

        await env.StartDovecotAgainAsync(ct);
        await Recovery.WaitForOkAsync(http, messages, TimeSpan.FromSeconds(60), "after Dovecot is back", ct);

        await env.AppendAsync(User, "INBOX", TestMail.Create("After the crash"), ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "After the crash", TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == "After the crash");
    }
}
