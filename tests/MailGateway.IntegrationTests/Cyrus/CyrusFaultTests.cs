using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>The fault tests that make sense on Cyrus, on a Cyrus of its own: its sessions kicked (SIGTERM to their imapd)
/// cost a reconnect, not an error; the master and every child SIGKILLed answer 502/503 <c>imap_unavailable</c> with
/// Retry-After (never 500), reads work again once it is back, and new mail is then announced exactly once.</summary>
[Collection(nameof(CyrusFaultTests))]
public sealed class CyrusFaultTests(MailEnvFixture fixture)
{
    private const string User = "user137";
    private const string Owner = "cyrus-faults-137";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kicked_and_killed_cyrus_sessions_recover_without_a_500_and_announce_new_mail_once()
    {
        await using var env = await fixture.StartPrivateCyrusAsync(Ct);
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Events:SupervisorInterval"] = "00:00:00.200";
            o.Settings["Events:ReconnectMin"] = "00:00:00.200";
        });
        using var http = app.CreateClient(Owner);
        using var register = await http.PostAsJsonAsync("/api/v1/accounts", app.AccountBody(User, server: env), Ct);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var accountId = (await register.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), Ct);
        await events.SubscribeAsync(accountId, Ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(60));
        var messages = $"/api/v1/accounts/{accountId}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages";
        using (var ok = await http.GetAsync(messages, Ct)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        // Kick: every session of the user ends (the pooled one and the watch); the next read just works.
        Assert.True(env.KickCyrusSessions(User) >= 2, "expected the pooled and the watching session");
        using (var afterKick = await http.GetAsync(messages, Ct))
            Assert.True(afterKick.StatusCode == HttpStatusCode.OK, $"{(int)afterKick.StatusCode} after a kick: {await afterKick.Content.ReadAsStringAsync(Ct)}");
        await env.AppendAsync(User, "INBOX", TestMail.Create("After the kick"), Ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "After the kick", TimeSpan.FromSeconds(90));

        // Kill: master and children SIGKILLed.
        await env.KillCyrusAsync();
        for (var i = 0; i < 3; i++)
        {
            using var down = await http.GetAsync(messages, Ct);
            var text = await down.Content.ReadAsStringAsync(Ct);
            Assert.True(down.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"{(int)down.StatusCode}: {text}");
            Assert.True(down.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            Assert.Equal("imap_unavailable", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }
        await env.StartCyrusAgainAsync(Ct);
        await Recovery.WaitForOkAsync(http, messages, TimeSpan.FromSeconds(60), "after Cyrus is back", Ct);

        await env.AppendAsync(User, "INBOX", TestMail.Create("After the crash"), Ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "After the crash", TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == "After the crash");
        Assert.Single(events.OfType("message.created"), e => EventClient.Subject(e) == "After the kick");
    }
}

/// <summary>Runs <see cref="CyrusFaultTests"/> (and <see cref="CyrusHealthTests"/>) alone, after the parallel tests: they kill,
/// restart and stop Cyrus processes. (The shared Cyrus once saw refused connections meanwhile: a stopping master signalled
/// the process group all servers shared; each master now has its own, see MailEnvironment.Cyrus.)</summary>
[CollectionDefinition(nameof(CyrusFaultTests), DisableParallelization = true)]
public sealed class CyrusFaultTestsCollection;
