using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Sending;
using MailGateway.IntegrationTests.Webhooks;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Sending with Redis frozen (SIGSTOP by pid): <c>POST /send</c>, the outbox list, get and cancel, and GraphQL
/// <c>sendMessage</c>, <c>Account.outbox</c> and <c>cancelSubmission</c> answer 503 / <c>storage_unavailable</c> with
/// Retry-After, never a 500, and nothing is lost: a message submitted just before the freeze is delivered once and its
/// <c>message.sent</c> reaches SignalR and the webhook once; what was refused is not there after the thaw, and the
/// client's retry with the same Idempotency-Key is sent once. Users user74 (sender) and user75 (recipient) of the
/// Postfix environment.</summary>
public sealed class RedisFreezeSendingTests(MailEnvFixture fixture)
{
    private const string User = "user74";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sending_with_redis_frozen_answers_storage_unavailable_and_loses_or_repeats_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        await using var app = fixture.CreateApp(o =>
        {
            o.Settings["Redis:Configuration"] = redis.RedisConfiguration;
            o.Settings["Webhooks:AllowPrivateNetworks"] = "true";
            o.Settings["Webhooks:PollInterval"] = "00:00:00.100";
        });
        var me = await Sender.RegisterAsync(fixture, User, app);
        var hook = await WebhookGatewayCalls.CreateAsync(me.Client, new { url = receiver.Url, events = new[] { "message.sent" } }, ct);
        receiver.Trust(hook.GetProperty("secret").GetString()!);
        await using var signalR = await EventClient.ConnectAsync(app, app.CreateToken(User), ct);
        await signalR.SubscribeAsync(me.AccountId, ct);
        var to = MailEnvironment.EmailOf("user75");
        var scheduled = await me.SubmitAsync(new { to = new[] { new { address = to } }, subject = "later", text = "x", sendAt = DateTimeOffset.UtcNow.AddDays(1) });
        var marker = Guid.NewGuid().ToString("N");
        var beforeFreeze = await me.SubmitAsync(Sender.Message(me.Email, to, "before " + marker));

        await redis.FreezeRedisAsync(); // the outbox worker meets the freeze somewhere between claim, SMTP and message.sent
        var frozen = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Task.WhenAll( // at once: each waits out the Redis timeout
                AssertStorageUnavailableAsync(me.SendAsync(Sender.Message(me.Email, to, "during " + marker), idempotencyKey: marker)),
                AssertStorageUnavailableAsync(me.Client.GetAsync(me.Api("/outbox"), ct)),
                AssertStorageUnavailableAsync(me.Client.GetAsync(me.Api($"/outbox/{beforeFreeze}"), ct)),
                AssertStorageUnavailableAsync(me.Client.DeleteAsync(me.Api($"/outbox/{scheduled}"), ct)),
                AssertGraphQLStorageUnavailableAsync(me.Client, "mutation($a: ID!, $i: SendMessageInput!) { sendMessage(accountId: $a, input: $i) { id } }",
                    new { a = me.AccountId, i = Sender.Message(me.Email, to, "graphql " + marker) }),
                AssertGraphQLStorageUnavailableAsync(me.Client, "query($a: ID!) { account(id: $a) { outbox { id } } }", new { a = me.AccountId }),
                AssertGraphQLStorageUnavailableAsync(me.Client, "mutation($a: ID!, $s: ID!) { cancelSubmission(accountId: $a, id: $s) { id } }",
                    new { a = me.AccountId, s = scheduled }));
            var rest = TimeSpan.FromSeconds(8) - frozen.Elapsed; // an 8 s stall in all
            if (rest > TimeSpan.Zero) await Task.Delay(rest, ct);
        }
        finally
        {
            await redis.ThawRedisAsync();
        }

        var thawed = System.Diagnostics.Stopwatch.StartNew();
        await Recovery.WaitForOkAsync(me.Client, me.Api("/outbox"), TimeSpan.FromSeconds(30), "after SIGCONT", ct);
        var retried = await me.SubmitAsync(Sender.Message(me.Email, to, "during " + marker), idempotencyKey: marker);
        Assert.Equal(retried, await me.SubmitAsync(Sender.Message(me.Email, to, "during " + marker), idempotencyKey: marker));
        await me.WaitForStateAsync(beforeFreeze, "sent", Wait);
        TestContext.Current.TestOutputHelper?.WriteLine($"before: sent {thawed.ElapsedMilliseconds} ms after SIGCONT");
        await me.WaitForStateAsync(retried, "sent", Wait);
        Assert.Equal("scheduled", (await me.SubmissionAsync(scheduled)).GetProperty("state").GetString()); // the refused cancels did not happen later

        using var outbox = JsonDocument.Parse(await me.Client.GetStringAsync(me.Api("/outbox"), ct));
        var subjects = outbox.RootElement.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("subject").GetString()).ToList();
        Assert.DoesNotContain($"sending graphql {marker}", subjects); // refused, and not queued behind the caller's back
        Assert.Single(subjects, s => s == $"sending during {marker}");

        foreach (var (id, kind) in new[] { (beforeFreeze, "before"), (retried, "during") })
        {
            var delivered = await me.Env.WaitForMessageAsync("user75", "INBOX", "Subject", $"sending {kind} {marker}", Wait, ct);
            await SeenAsync(signalR, id); // in any order: "during" may be announced before "before" (retried after its follow-up failed)
            await receiver.WaitForAsync(1, Wait, h => h.Type == "message.sent" && SubmissionOf(h.Event) == id);
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // room for a repeat
            Assert.Single(await me.Env.WaitForMessageAsync("user75", "INBOX", "Subject", $"sending {kind} {marker}", Wait, ct));
            TestContext.Current.TestOutputHelper?.WriteLine($"{kind}: delivered and announced {thawed.ElapsedMilliseconds} ms after SIGCONT");
            Assert.Single(delivered);
            Assert.Single(signalR.OfType("message.sent"), e => SubmissionOf(e) == id);
            Assert.Single(receiver.Received.Where(h => h.Type == "message.sent" && SubmissionOf(h.Event) == id).Select(h => h.Id).Distinct());
        }
    }

    /// <summary>Waits until SignalR delivered <c>message.sent</c> of <paramref name="submissionId"/>, without consuming
    /// other events (<see cref="EventClient.WaitForAsync"/> skips what it does not match).</summary>
    private static async Task SeenAsync(EventClient signalR, string submissionId)
    {
        var until = DateTime.UtcNow + Wait;
        while (!signalR.OfType("message.sent").Any(e => SubmissionOf(e) == submissionId))
        {
            Assert.True(DateTime.UtcNow < until, $"no message.sent for {submissionId} over SignalR; seen: {string.Join(", ", signalR.OfType("message.sent").Select(SubmissionOf))}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static string? SubmissionOf(JsonElement mailEvent) => mailEvent.GetProperty("data").GetProperty("submissionId").GetString();

    private static async Task AssertStorageUnavailableAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        await RedisClusterFreezeTests.AssertStorageUnavailableAsync(response, TestContext.Current.CancellationToken);
    }

    private static async Task AssertGraphQLStorageUnavailableAsync(HttpClient client, string query, object variables)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.TryGetProperty("errors", out var errors), body);
        Assert.Equal("storage_unavailable", errors[0].GetProperty("extensions").GetProperty("code").GetString());
    }
}
