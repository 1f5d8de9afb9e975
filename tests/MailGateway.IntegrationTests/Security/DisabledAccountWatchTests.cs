using System.Diagnostics;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// A disabled account is not watched and holds no IMAP connection: after the PATCH, Dovecot's own session list for the
/// user (<c>doveadm who</c>) empties — the watch connection and the pooled command connections alike — and mail that
/// arrives meanwhile produces no webhook delivery. Enabled again, that mail is announced (nothing is lost). User user97,
/// used by no other test (its connections are counted).
/// </summary>
public sealed class DisabledAccountWatchTests(MailEnvFixture fixture)
{
    private const string User = "user97";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(DisabledAccountWatchTests));

    private async Task<bool> ConnectionsReachAsync(Func<int, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (condition(await fixture.Env.CountConnectionsAsync(User, _ct))) return true;
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(250), _ct);
        }
    }

    [Fact]
    public async Task A_disabled_account_is_not_watched_holds_no_connection_and_sends_no_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ct);
        await using var gateway = new WebhookGateway(fixture, _redis, new Dictionary<string, string?>
        {
            ["Events:AccountCheckInterval"] = "00:00:01",
            ["Events:SupervisorInterval"] = "00:00:01",
        });
        using var client = gateway.ClientFor("disabled-watch");
        var accountId = await gateway.AddAccountAsync("disabled-watch", User);
        var created = await gateway.CreateWebhookAsync(client, new { url = receiver.Url, events = new[] { "message.created", "account.*" } });
        receiver.Trust(created.GetProperty("secret").GetString()!);
        await receiver.WaitForAsync(1, Wait, r => r.Type == "account.connected");

        // Enabled: watched (a webhook delivery) and a pooled command connection besides the watch.
        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Before disabling"), _ct);
        await receiver.WaitForAsync(1, Wait, r => r.Type == "message.created" && r.Body.Contains("Before disabling", StringComparison.Ordinal));
        using (var mailboxes = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct))
            mailboxes.EnsureSuccessStatusCode();
        Assert.True(await ConnectionsReachAsync(n => n >= 2, Wait), "the watch and a pooled connection should be open while enabled");

        await DisabledAccountTests.DisableAsync(client, accountId, true, _ct);
        Assert.True(await ConnectionsReachAsync(n => n == 0, Wait), "Dovecot still holds sessions of the disabled account");

        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("While disabled"), _ct);
        await Assert.ThrowsAsync<TimeoutException>(() =>
            receiver.WaitForAsync(1, TimeSpan.FromSeconds(5), r => r.Body.Contains("While disabled", StringComparison.Ordinal)));
        Assert.Equal(0, await fixture.Env.CountConnectionsAsync(User, _ct));

        // Not lost: enabled again, the watch resumes from its sync state and announces what arrived meanwhile.
        await DisabledAccountTests.DisableAsync(client, accountId, false, _ct);
        await receiver.WaitForAsync(1, Wait, r => r.Type == "message.created" && r.Body.Contains("While disabled", StringComparison.Ordinal));
    }

    /// <summary>Scale-out: the instance that takes the PATCH is not the only one with pooled connections.</summary>
    [Fact]
    public async Task Disabling_on_one_instance_closes_the_pooled_connections_of_every_instance()
    {
        var redis = fixture.RedisNamespaceFor(typeof(ScaleOut));
        var key = new GatewayAppOptions().SigningKey;
        GatewayApp Instance() => fixture.CreateApp(o =>
        {
            o.SigningKey = key;
            redis.ApplyTo(o.Settings);
        });
        await using var a = Instance();
        await using var b = Instance();
        using var onA = a.CreateClient("disabled-scale-out");
        using var onB = b.CreateClient("disabled-scale-out");
        var accountId = await a.RegisterAccountAsync(onA, User, _ct);
        Assert.True(await ConnectionsReachAsync(n => n == 0, Wait), "sessions of an earlier test are still open");
        foreach (var client in new[] { onA, onB })
        {
            using var mailboxes = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct);
            mailboxes.EnsureSuccessStatusCode();
        }
        Assert.True(await ConnectionsReachAsync(n => n >= 2, Wait), "each instance should hold a pooled connection");

        await DisabledAccountTests.DisableAsync(onA, accountId, true, _ct);
        Assert.True(await ConnectionsReachAsync(n => n == 0, Wait), "an instance kept its pooled connection of the disabled account");
    }

    private sealed class ScaleOut;
}
