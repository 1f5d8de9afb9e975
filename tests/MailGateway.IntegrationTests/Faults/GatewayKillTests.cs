using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>The gateway process SIGKILLed right after it answered an APPEND (201), before it could deliver the event —
/// whatever step it was in (not yet seen by the watcher, claimed but not published, queued, in flight): a gateway
/// started afterwards on the same Redis delivers the event exactly once (one webhook id; its 2xx repeated only when the
/// kill fell between the receiver's answer and its record, the at-least-once redelivery), and mail delivered before the
/// kill is not delivered again.</summary>
public sealed class GatewayKillTests(MailEnvFixture fixture)
{
    private const string User = "user148";
    private const string Owner = "faults-owner-148";

    [Fact]
    public async Task A_gateway_killed_between_append_and_delivery_delivers_the_event_exactly_once_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.RedisConfiguration!,
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:Lease"] = "00:00:03",
            ["Webhooks:Timeout"] = "00:00:02",
            ["Webhooks:DemandRefreshInterval"] = "00:00:01",
            ["Events:SupervisorInterval"] = "00:00:00.200",
            ["Events:LeaseTtl"] = "00:00:03",
            ["Events:PublishClaimTtl"] = "00:00:03",
        };
        var signingKey = new GatewayAppOptions().SigningKey;
        var token = DevTokens.Create(signingKey, Owner);
        fixture.Secrets.Add(token);
        string accountId;
        await using (var doomed = await GatewayProcess.StartAsync(fixture.Env, signingKey, settings, ct))
        {
            using var http = Client(doomed, token);
            accountId = await RegisterAsync(http, ct);
            using var create = await http.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "message.created" } }, ct);
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            receiver.Trust(JsonDocument.Parse(await create.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("secret").GetString()!);

            // The webhook's demand makes the instance watch the account; once the watch has its baseline, new mail is announced.
            await using (var events = await EventClient.ConnectAsync(doomed.Address, token, ct))
            {
                await events.SubscribeAsync(accountId, ct);
                await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(60));
            }
            await AppendAsync(http, accountId, "Before the kill", ct);
            await receiver.WaitForAsync(1, TimeSpan.FromSeconds(60), r => Subject(r) == "Before the kill" && r.AnsweredStatus == 200);

            await AppendAsync(http, accountId, "Killed after the append", ct);
            await doomed.KillAsync();
        }

        await using var survivor = await GatewayProcess.StartAsync(fixture.Env, signingKey, settings, ct);
        var delivered = await receiver.WaitForAsync(1, TimeSpan.FromSeconds(90), r => Subject(r) == "Killed after the append" && r.AnsweredStatus == 200);
        await Task.Delay(TimeSpan.FromSeconds(4), ct); // room for a duplicate (a second publish, a lease expiring) to show up

        // One event (one webhook id), answered 2xx. A second 2xx of the same id is the documented at-least-once
        // redelivery, and happens only when the kill fell between the receiver's answer and the record of it (the killed
        // instance delivered, the survivor delivered again after the lease): never a second event, never more.
        var attempts = receiver.Received.Where(r => Subject(r) == "Killed after the append").ToList();
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.InRange(attempts.Count(a => a.AnsweredStatus is >= 200 and < 300), 1, 2);
        Assert.True(delivered[^1].Verified);
        Assert.Single(receiver.Received, r => Subject(r) == "Before the kill" && r.AnsweredStatus is >= 200 and < 300);
    }

    private static HttpClient Client(GatewayProcess gateway, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.Address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<string> RegisterAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/accounts", new
        {
            displayName = User,
            email = $"{User}@example.test",
            imap = new { host = fixture.Env.Host, port = fixture.Env.ImapsPort, security = "tls", username = User, password = MailEnvironment.PasswordOf(User) },
        }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task AppendAsync(HttpClient http, string accountId, string subject, CancellationToken ct)
    {
        var marker = Guid.NewGuid().ToString("N");
        using var content = new StringContent($"From: a@example.test\r\nTo: {User}@example.test\r\nSubject: {subject}\r\nMessage-ID: <{marker}@example.test>\r\n\r\nbody\r\n");
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var response = await http.PostAsync($"/api/v1/accounts/{accountId}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages", content, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static string? Subject(ReceivedWebhook r) =>
        r.Event.TryGetProperty("data", out var data) && data.TryGetProperty("summary", out var summary)
            && summary.TryGetProperty("subject", out var subject) ? subject.GetString() : null;
}
