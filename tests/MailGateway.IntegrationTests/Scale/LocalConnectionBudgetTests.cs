using System.Net;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>Issue 15 item 2 without Redis: an extra IDLE connection of <c>Events:IdleFolders</c> holds one of the
/// account's <c>Imap:MaxConnectionsPerAccount</c> permits on a single instance too (the local budget), and gives it
/// back when requests want it, so the watch, its extra IDLE and the reads never exceed 1 + 1 on the server.</summary>
public sealed class LocalConnectionBudgetTests(MailEnvFixture fixture)
{
    private const string User = "user93";

    [Fact]
    public async Task Without_redis_an_extra_IDLE_connection_counts_in_the_budget_and_yields_to_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Env.SeedAsync(User, 10, ct); // INBOX and Sent, Archive, ...
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Imap:MaxConnectionsPerAccount"] = "1";
            o.Settings["Events:UseNotify"] = "false";
            o.Settings["Events:IdleFolders"] = "Sent";
        });
        using var http = app.CreateClient("local-budget-owner");
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken("local-budget-owner"), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected");
        // The watch and its extra IDLE on Sent are both up (else this test would prove nothing).
        for (var deadline = DateTime.UtcNow.AddSeconds(60); await fixture.Env.CountConnectionsAsync(User, ct) < 2; await Task.Delay(200, ct))
            Assert.True(DateTime.UtcNow < deadline, "the extra IDLE connection never opened");

        await using var sampler = ConnectionSampler.Start(fixture.Env, User);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await http.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", ct);
            return response.StatusCode;
        }));
        var max = await sampler.StopAsync();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        TestContext.Current.SendDiagnosticMessage($"most connections of {User} with an extra IDLE folder, no Redis: {max}");
        Assert.InRange(max, 1, 1 + 1);
    }
}
