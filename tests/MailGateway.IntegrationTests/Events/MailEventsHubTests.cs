using MailGateway.Api.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Events;

/// <summary>SignalR push of new mail, flag changes and expunges made by another IMAP client; subscription isolation.</summary>
public sealed class MailEventsHubTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private GatewayApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o =>
        {
            fixture.RedisNamespaceFor(typeof(MailEventsHubTests)).ApplyTo(o.Settings);
            o.Settings["Events:AccountCheckInterval"] = "00:00:00.500";
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)] // no NOTIFY: IDLE on INBOX
    public async Task New_mail_flag_changes_and_expunges_reach_the_subscriber(MailServerKind server)
    {
        var ct = TestContext.Current.CancellationToken;
        const string user = "user161";
        var env = await fixture.ServerAsync(server);
        var owner = $"events-owner-161-{server}";
        using var http = _app.CreateClient(owner);
        var accountId = await _app.RegisterAccountAsync(http, user, env, ct);
        await using var client = await EventClient.ConnectAsync(_app, _app.CreateToken(owner), ct);
        await client.SubscribeAsync(accountId, ct);
        await client.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(60));

        var uid = await env.AppendAsync(user, "INBOX", TestMail.Create("Pushed to SignalR", "Preview of the pushed message body"), ct);
        var created = await client.WaitForAsync("message.created", timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(accountId, created.GetProperty("accountId").GetString());
        Assert.StartsWith("evt_", created.GetProperty("id").GetString(), StringComparison.Ordinal);
        var data = created.GetProperty("data");
        Assert.Equal("INBOX", data.GetProperty("mailboxPath").GetString());
        Assert.Equal(uid, data.GetProperty("uid").GetUInt32());
        var summary = data.GetProperty("summary");
        Assert.Equal("Pushed to SignalR", summary.GetProperty("subject").GetString());
        Assert.Equal("push@example.test", summary.GetProperty("from")[0].GetProperty("address").GetString());
        Assert.Equal("Push Sender", summary.GetProperty("from")[0].GetProperty("name").GetString());
        Assert.Contains("Preview of the pushed", summary.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.Equal(data.GetProperty("messageId").GetString(), summary.GetProperty("id").GetString());
        Assert.False(summary.GetProperty("seen").GetBoolean());
        var messageId = data.GetProperty("messageId").GetString()!;

        // The message id in the event is the REST id: the message can be read with it.
        using (var read = await http.GetAsync($"/api/v1/accounts/{accountId}/messages/{messageId}", ct))
            Assert.NotEqual(System.Net.HttpStatusCode.InternalServerError, read.StatusCode);

        using var other = await env.ConnectAsync(user, ct);
        await other.Inbox.OpenAsync(FolderAccess.ReadWrite, ct);
        await other.Inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Seen | MessageFlags.Flagged, true, ct);
        var updated = await client.WaitForAsync("message.updated", e => e.GetProperty("data").GetProperty("uid").GetUInt32() == uid, TimeSpan.FromSeconds(60));
        Assert.True(updated.GetProperty("data").GetProperty("seen").GetBoolean());
        Assert.True(updated.GetProperty("data").GetProperty("flagged").GetBoolean());
        Assert.Equal(messageId, updated.GetProperty("data").GetProperty("messageId").GetString());

        await other.Inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Deleted, true, ct);
        await other.Inbox.ExpungeAsync(ct);
        var deleted = await client.WaitForAsync("message.deleted", timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(messageId, deleted.GetProperty("data").GetProperty("messageId").GetString());

        // Nothing was announced twice.
        await Task.Delay(1000, ct);
        Assert.Single(client.OfType("message.created"));
        Assert.Single(client.OfType("message.deleted"));
        Assert.Equal(client.All.Count, client.All.Select(e => e.GetProperty("id").GetString()).Distinct().Count());

        // Meter MailGateway.Events on /metrics: events by type, active watchers, push latency.
        using var anonymous = _app.CreateAnonymousClient();
        var metrics = await anonymous.GetStringAsync("/metrics", ct);
        Assert.Contains("mailgateway_events_published", metrics, StringComparison.Ordinal);
        Assert.Contains("message.created", metrics, StringComparison.Ordinal);
        Assert.Contains("mailgateway_events_watchers_active", metrics, StringComparison.Ordinal);
        Assert.Contains("mailgateway_events_push_latency", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cannot_subscribe_to_someone_elses_account()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ownerHttp = _app.CreateClient("events-owner-162");
        var accountId = await _app.RegisterAccountAsync(ownerHttp, "user162", ct);

        await using var intruder = await EventClient.ConnectAsync(_app, _app.CreateToken("events-intruder-152"), ct);
        var foreign = await Assert.ThrowsAsync<HubException>(() => intruder.SubscribeAsync(accountId, ct));
        var missing = await Assert.ThrowsAsync<HubException>(() => intruder.SubscribeAsync("no-such-account", ct));
        // One generic answer for "not yours" and "does not exist": nothing about the account leaks.
        Assert.Equal(missing.Message, foreign.Message);
        Assert.DoesNotContain(accountId, foreign.Message, StringComparison.Ordinal);

        await fixture.Env.AppendAsync("user162", "INBOX", TestMail.Create("Not for the intruder"), ct);
        await Task.Delay(1500, ct);
        Assert.Empty(intruder.All);

        // Without a token the hub refuses the connection.
        await Assert.ThrowsAnyAsync<Exception>(() => EventClient.ConnectAsync(_app, "not-a-token", ct));
    }

    [Fact]
    public async Task Removing_the_account_stops_its_watch()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = _app.CreateClient("events-owner-168");
        var accountId = await _app.RegisterAccountAsync(http, "user168", ct);
        await using var client = await EventClient.ConnectAsync(_app, _app.CreateToken("events-owner-168"), ct);
        await client.SubscribeAsync(accountId, ct);
        await client.WaitForAsync("account.connected");
        var supervisor = _app.Services.GetRequiredService<WatchSupervisor>();
        Assert.Contains(accountId, supervisor.Watching);

        using var deleted = await http.DeleteAsync($"/api/v1/accounts/{accountId}", ct);
        Assert.True(deleted.IsSuccessStatusCode);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (supervisor.Watching.Contains(accountId) && DateTime.UtcNow < until) await Task.Delay(100, ct);
        Assert.DoesNotContain(accountId, supervisor.Watching);
        Assert.Empty(await _app.Services.GetRequiredService<ISyncStateStore>().GetAsync(accountId, ct));
    }
}
