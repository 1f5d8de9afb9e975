using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>End to end: IMAP APPEND on Dovecot → watcher → event pipeline → webhook queue → signed POST.</summary>
public sealed class WebhookImapTests(MailEnvFixture fixture)
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(WebhookImapTests)); // a Redis of its own
    private const string User = "user190";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_appended_over_imap_arrives_as_a_signed_message_created()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-imap-user");
        var accountId = await gateway.AddAccountAsync("wh-imap-user", User);
        var created = await gateway.CreateWebhookAsync(client, new { url = receiver.Url, events = new[] { "message.created", "account.*" } });
        receiver.Trust(created.GetProperty("secret").GetString()!);

        // The subscription alone makes the gateway watch the account; once connected, new mail is pushed.
        await receiver.WaitForAsync(1, Wait, r => r.Type == "account.connected");
        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Webhook over IMAP"), ct);

        var received = (await receiver.WaitForAsync(1, Wait, r => r.Type == "message.created")).Single();
        Assert.True(received.Verified);
        var body = received.Event;
        Assert.Equal(received.Id, body.GetProperty("id").GetString());
        Assert.Equal(accountId, body.GetProperty("accountId").GetString());
        var data = body.GetProperty("data");
        Assert.Equal("INBOX", data.GetProperty("mailboxPath").GetString());
        Assert.Equal("Webhook over IMAP", data.GetProperty("summary").GetProperty("subject").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("messageId").GetString()));

        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        Assert.Single(receiver.Received, r => r.Type == "message.created");   // once, not once per instance or retry
    }
}
