using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>Issue 16 item 9: without NOTIFY (Cyrus) a folder in Events:IdleFolders (default Sent) has its own IDLE
/// connection, so its new mail arrives at once, not at the next sweep.</summary>
public sealed class IdleFoldersTests(MailEnvFixture fixture)
{
    [Fact]
    public async Task New_mail_in_Sent_arrives_long_before_the_sweep()
    {
        var ct = TestContext.Current.CancellationToken;
        const string user = "user136";
        await using var watch = await ServerWatch.StartAsync(fixture, MailServerKind.Cyrus, user, ct,
            o => o.Settings["Events:PollInterval"] = "00:02:00");
        Assert.Equal("idle", (await Task.FromResult(watch.Events.OfType("account.connected")[0])).GetProperty("data").GetProperty("mode").GetString());

        var started = DateTime.UtcNow;
        var uid = await watch.Env.AppendAsync(user, "Sent", TestMail.Create("Sent elsewhere"), ct);
        var created = await watch.Events.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == uid, TimeSpan.FromSeconds(60));
        Assert.Equal("Sent", created.GetProperty("data").GetProperty("mailboxPath").GetString());
        // The sweep would come after 2 minutes; the extra IDLE connection brings it within seconds (generous on a loaded machine).
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60));
    }
}
