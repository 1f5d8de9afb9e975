using System.Net.Http.Json;
using MailGateway.Api.Events;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Events;

/// <summary>The watching instance is killed (SIGKILL, no lease release): the other instance takes the watch over
/// after the lease TTL, catches up from the persisted sync state, and no event is lost or repeated.</summary>
public sealed class FailoverTests(MailEnvFixture fixture)
{
    private const string User = "user166";
    private const string Owner = "events-owner-166";

    [Fact]
    public async Task Killing_the_watching_instance_moves_the_watch_and_loses_no_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var redis = fixture.RedisNamespaceFor(typeof(FailoverTests));
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = redis.KeyPrefix,
            ["Events:LeaseTtl"] = "00:00:03",
            ["Events:DemandTtl"] = "00:00:03",
            ["Events:SupervisorInterval"] = "00:00:00.200",
        };
        var key = new GatewayAppOptions().SigningKey;
        fixture.Secrets.Add(key);
        await using var a = await GatewayProcess.StartAsync(fixture.Env, key, new Dictionary<string, string>(settings) { ["Cluster:InstanceId"] = "failover-a" }, ct);
        await using var b = fixture.CreateApp(o =>
        {
            o.SigningKey = key;
            foreach (var (k, v) in settings) o.Settings[k] = v;
        });

        using var http = new HttpClient { BaseAddress = new Uri(a.Address) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", b.CreateToken(Owner));
        using var register = await http.PostAsJsonAsync("/api/v1/accounts", b.AccountBody(User), ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, register.StatusCode);
        var accountId = (await register.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("id").GetString()!;

        // A owns the account among {A, B} (rendezvous hashing: B gets an id that loses to A's for this account).
        b.Options.Settings["Cluster:InstanceId"] = Scale.Ownership.IdLosingTo("failover-a", accountId);
        await using var onA = await EventClient.ConnectAsync(a.Address, b.CreateToken(Owner), ct);
        await onA.SubscribeAsync(accountId, ct);
        await onA.WaitForAsync("account.connected");
        await using var onB = await EventClient.ConnectAsync(b, b.CreateToken(Owner), ct);
        await onB.SubscribeAsync(accountId, ct);
        await Task.Delay(1000, ct);
        var supervisorB = b.Services.GetRequiredService<WatchSupervisor>();
        // Ownership is eventually consistent: a heartbeat that comes late on a loaded machine can make B take the
        // account for a moment before handing it back to its owner. Wait until A alone watches it.
        var settle = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (supervisorB.Watching.Contains(accountId) && DateTime.UtcNow < settle) await Task.Delay(200, ct);
        Assert.DoesNotContain(accountId, supervisorB.Watching);

        // Published by A, delivered to B's client through the backplane.
        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Before the crash"), ct);
        await onA.WaitForAsync("message.created", e => EventClient.Subject(e) == "Before the crash");
        await onB.WaitForAsync("message.created", e => EventClient.Subject(e) == "Before the crash");

        await a.KillAsync();
        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("While nobody watches"), ct);
        await onB.WaitForAsync("message.created", e => EventClient.Subject(e) == "While nobody watches", TimeSpan.FromSeconds(30));
        Assert.Contains(accountId, supervisorB.Watching);

        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("After the takeover"), ct);
        await onB.WaitForAsync("message.created", e => EventClient.Subject(e) == "After the takeover");
        await Task.Delay(1000, ct);
        Assert.Equal(["After the takeover", "Before the crash", "While nobody watches"],
            onB.OfType("message.created").Select(EventClient.Subject).Order().ToArray());
    }
}
