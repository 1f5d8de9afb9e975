using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>A gateway process killed (SIGKILL by pid) while it is sending: after a restart on the same Redis the outbox
/// delivers every submission (checked by Message-ID in the recipient's INBOX), each once, except that the one being
/// transmitted at the kill may arrive twice (SMTP's own window, RFC 1047: a kill after the final dot and before the 250
/// is read sends it again, with the same Message-ID). A submission the server had accepted is never sent again.</summary>
public sealed class SendingCrashTests(MailEnvFixture fixture)
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(SendingCrashTests)); // a Redis of its own
    private const string Owner = "sending-crash";
    private const int Count = 5;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_gateway_killed_mid_send_delivers_every_submission_exactly_once_after_restart()
    {
        var env = await fixture.PostfixAsync();
        var signingKey = new GatewayAppOptions().SigningKey;
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = _redis.Configuration,
            ["Redis:KeyPrefix"] = _redis.KeyPrefix,
            ["Sending:Lease"] = "00:00:10",
            ["Sending:PollInterval"] = "00:00:00.200",
            ["Sending:RetrySchedule:0"] = "00:00:01",
        };
        var ids = new List<string>();
        string accountId;
        var markers = Enumerable.Range(0, Count).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        string killedIn;
        var statesAtKill = new List<string>();
        await using (var doomed = await GatewayProcess.StartAsync(env, signingKey, settings, Ct))
        {
            using var http = Client(doomed.Address, signingKey);
            using var created = await http.PostAsJsonAsync("/api/v1/accounts", Sender.Body(env, "user156"), Ct);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
            accountId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            var me = new Sender("user156", accountId, http, env);
            // A few hundred KiB each, so a transmission takes a moment.
            var filler = Convert.ToBase64String(new byte[200_000]);
            foreach (var marker in markers)
                ids.Add(await me.SubmitAsync(new
                {
                    to = new[] { new { address = MailEnvironment.EmailOf("user157") } },
                    subject = $"crash {marker}",
                    text = "crash test",
                    attachments = new[] { new { filename = "filler.bin", contentType = "application/octet-stream", contentBase64 = filler } },
                }));

            // Kill while the second one is being sent (the first may be done, the rest are waiting).
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((await me.SubmissionAsync(ids[1])).GetProperty("state").GetString() is "queued" && DateTime.UtcNow < until)
                await Task.Delay(10, Ct);
            foreach (var id in ids) statesAtKill.Add((await me.SubmissionAsync(id)).GetProperty("state").GetString()!);
            await doomed.KillAsync();
            killedIn = statesAtKill[1];
        }
        Assert.True(killedIn is "sending" or "sent", $"the second submission was {killedIn} at the kill");

        await using var restarted = await GatewayProcess.StartAsync(env, signingKey, settings, Ct);
        using var client = Client(restarted.Address, signingKey);
        var again = new Sender("user156", accountId, client, env);
        var messageIds = new List<string>();
        foreach (var id in ids)
            messageIds.Add((await again.WaitForStateAsync(id, "sent", TimeSpan.FromSeconds(90))).GetProperty("messageIdHeader").GetString()!);

        foreach (var marker in markers)
            Assert.NotEmpty(await env.WaitForMessageAsync("user157", "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));
        // Postfix has nothing left to deliver: every Message-ID is in the INBOX once, except at most one in transmission
        // at the kill (twice). A submission the server had accepted (sent) is never transmitted again after the restart.
        using var imap = await env.ConnectAsync("user157", Ct);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var copies = new List<int>();
        foreach (var messageId in messageIds)
            copies.Add((await imap.Inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId.Trim('<', '>')), Ct)).Count);
        var seen = string.Join(", ", copies.Select((c, i) => $"{statesAtKill[i]}: {c}"));
        Assert.True(copies.All(c => c is 1 or 2) && copies.Count(c => c == 2) <= 1, $"copies per submission (state at the kill: copies): {seen}");
        for (var i = 0; i < Count; i++)
            if (statesAtKill[i] == "sent") Assert.True(copies[i] == 1, $"an accepted submission was transmitted again: {seen}");
        Assert.Contains("sent", statesAtKill); // what the test guards: a submission accepted before the kill is not sent again
    }

    private static HttpClient Client(string address, string signingKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Create(signingKey, Owner));
        return http;
    }
}
