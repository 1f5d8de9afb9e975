using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Webhooks;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>The cluster-wide IMAP connection budget (issue 15 item 2): requests for one account spread over three
/// instances keep the server-side connection count (<c>doveadm who</c>) within <c>Imap:MaxConnectionsPerAccount</c>
/// plus the one watch connection, and every request is still answered.</summary>
public sealed class ConnectionBudgetTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private const string User = "user90";
    private const int PerAccount = 3;

    [Fact]
    public async Task Forty_eight_concurrent_reads_over_three_instances_stay_within_the_accounts_budget()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.Env.SeedAsync(User, 60, ct);
        await using var gateways = await ScaleCluster.StartAsync(cluster, 3, ct,
            new Dictionary<string, string> { ["Imap:MaxConnectionsPerAccount"] = $"{PerAccount}" });
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var accountId = (await gateways.RegisterAsync("budget-owner", [User], ct))[0];
        await ScaleOutTests.CreateWebhookAsync(gateways, 0, "budget-owner", receiver, ct); // demand: one watch connection
        await gateways.WaitForWatchedAsync(w => w.Values.Sum() == 1, TimeSpan.FromSeconds(60), ct);

        var clients = Enumerable.Range(0, 3).Select(i => gateways.Client(i, "budget-owner")).ToList();
        var mailboxes = await clients[0].GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}/mailboxes", ct);
        var items = mailboxes.ValueKind == JsonValueKind.Array ? mailboxes : mailboxes.GetProperty("items");
        var inbox = items.EnumerateArray().Single(m => m.GetProperty("path").GetString() == "INBOX").GetProperty("id").GetString();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var max = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                max = Math.Max(max, await cluster.Env.CountConnectionsAsync(User, CancellationToken.None));
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 48).Select(async i =>
        {
            using var response = await clients[i % 3].GetAsync($"/api/v1/accounts/{accountId}/mailboxes/{inbox}/messages?limit=20", ct);
            return response.StatusCode;
        }));
        await stop.CancelAsync();
        await sampler;
        foreach (var client in clients) client.Dispose();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        TestContext.Current.SendDiagnosticMessage($"most connections of {User} seen by doveadm who: {max}");
        Assert.InRange(max, 1, PerAccount + 1);
    }
}
