using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Webhooks;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>The cluster-wide IMAP connection budget (issue 15 item 2): requests for one account spread over three
/// instances keep the server-side connection count (<c>doveadm who</c>) within <c>Imap:MaxConnectionsPerAccount</c>
/// plus the one watch connection, and every request is still answered. Each test starts from an empty Redis Cluster
/// (<see cref="RedisClusterFixture.FlushAsync"/>): the class shares one, and a webhook left by the other test is lasting
/// demand, so its account would be watched too and "one account watched" could never settle (or settle on the wrong one).</summary>
public sealed class ConnectionBudgetTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private const string User = "user90";
    private const int PerAccount = 3;

    [Fact]
    public async Task Forty_eight_concurrent_reads_over_three_instances_stay_within_the_accounts_budget()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.FlushAsync(ct); // the other test's webhook would keep its account watched here too
        await cluster.Env.SeedAsync(User, 60, ct);
        await using var gateways = await ScaleCluster.StartAsync(cluster, 3, ct,
            new Dictionary<string, string> { ["Imap:MaxConnectionsPerAccount"] = $"{PerAccount}" });
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var accountId = (await gateways.RegisterAsync("budget-owner", [User], ct))[0];
        await ScaleOutTests.CreateWebhookAsync(gateways, 0, "budget-owner", receiver, ct); // demand: one watch connection
        await gateways.WaitForWatchedAsync(w => w.Values.Sum() == 1, TimeSpan.FromSeconds(60), ct);

        using var first = gateways.Client(0, "budget-owner");
        var mailboxes = await first.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}/mailboxes", ct);
        var items = mailboxes.ValueKind == JsonValueKind.Array ? mailboxes : mailboxes.GetProperty("items");
        var inbox = items.EnumerateArray().Single(m => m.GetProperty("path").GetString() == "INBOX").GetProperty("id").GetString();

        var max = await MostConnectionsDuringGetsAsync(gateways, "budget-owner", User, 48,
            $"/api/v1/accounts/{accountId}/mailboxes/{inbox}/messages?limit=20", ct);
        TestContext.Current.SendDiagnosticMessage($"most connections of {User} seen by doveadm who: {max}");
        Assert.InRange(max, 1, PerAccount + 1);
    }

    /// <summary>Item 4: an extra IDLE connection (<c>Events:IdleFolders</c>, without NOTIFY) holds a permit of the
    /// account's budget, and gives it back when requests want it: with one connection per account, the watch, its extra
    /// IDLE on Sent and the reads together never exceed 1 + 1 on the server.</summary>
    [Fact]
    public async Task An_extra_IDLE_connection_counts_in_the_budget_and_yields_to_requests()
    {
        const string user = "user91";
        var ct = TestContext.Current.CancellationToken;
        await cluster.FlushAsync(ct);
        await cluster.Env.SeedAsync(user, 10, ct); // INBOX and Sent, Archive, ...
        await using var gateways = await ScaleCluster.StartAsync(cluster, 3, ct, new Dictionary<string, string>
        {
            ["Imap:MaxConnectionsPerAccount"] = "1",
            ["Events:UseNotify"] = "false",
            ["Events:IdleFolders"] = "Sent",
        });
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var accountId = (await gateways.RegisterAsync("budget-idle-owner", [user], ct))[0];
        await ScaleOutTests.CreateWebhookAsync(gateways, 0, "budget-idle-owner", receiver, ct);
        await gateways.WaitForWatchedAsync(w => w.Values.Sum() == 1, TimeSpan.FromSeconds(60), ct);
        // The watch and its extra IDLE on Sent are both up (else this test would prove nothing).
        for (var deadline = DateTime.UtcNow.AddSeconds(60); await cluster.Env.CountConnectionsAsync(user, ct) < 2; await Task.Delay(200, ct))
            Assert.True(DateTime.UtcNow < deadline, "the extra IDLE connection never opened");

        var max = await MostConnectionsDuringGetsAsync(gateways, "budget-idle-owner", user, 12, $"/api/v1/accounts/{accountId}/mailboxes", ct);
        TestContext.Current.SendDiagnosticMessage($"most connections of {user} with an extra IDLE folder: {max}");
        Assert.InRange(max, 1, 1 + 1);
    }

    /// <summary><paramref name="count"/> concurrent GETs of <paramref name="path"/>, spread over the three instances, while
    /// a sampler counts <paramref name="user"/>'s connections on the server (<c>doveadm who</c>). Every answer must be
    /// 200; returns the most connections seen.</summary>
    private async Task<int> MostConnectionsDuringGetsAsync(ScaleCluster gateways, string owner, string user, int count, string path, CancellationToken ct)
    {
        var clients = Enumerable.Range(0, 3).Select(i => gateways.Client(i, owner)).ToList();
        try
        {
            await using var sampler = ConnectionSampler.Start(cluster.Env, user);
            var statuses = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                using var response = await clients[i % 3].GetAsync(path, ct);
                return response.StatusCode;
            }));
            var max = await sampler.StopAsync();
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            return max;
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }
}
