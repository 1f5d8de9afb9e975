using System.Net;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>A Redis without persistence is killed and restarted empty: the gateway notices it (boot marker) and logs
/// it loudly, answers no 500 meanwhile, keeps working without a restart, and never announces old mail as new.</summary>
public sealed class RedisDataLossTests(MailEnvFixture fixture)
{
    private const string User = "user154";
    private const string Owner = "faults-owner-154";

    [Fact]
    public async Task A_redis_that_lost_its_data_is_noticed_and_old_mail_is_not_announced_as_new()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o =>
        {
            o.Settings["Redis:Configuration"] = redis.RedisConfiguration;
            o.Settings["Events:SupervisorInterval"] = "00:00:00.200";
            o.Settings["Events:BootMarkerInterval"] = "00:00:00.500";
        });
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        await using (var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct))
        {
            await events.SubscribeAsync(accountId, ct);
            await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));
            await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Old mail"), ct);
            await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "Old mail", TimeSpan.FromSeconds(30));
        }

        await redis.KillRedisAsync();
        redis.DeleteRedisData();
        await redis.StartRedisAsync(ct);

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!fixture.Logs.Lines.Any(l => l.Contains("Redis lost its data", StringComparison.Ordinal)) && DateTime.UtcNow < until)
            await Task.Delay(100, ct);
        Assert.Contains(fixture.Logs.Lines, l => l.Contains("Redis lost its data", StringComparison.Ordinal));

        // The account is gone with the data: a 404, not a 500; registering it again works without a restart.
        var recovered = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        do
        {
            using var get = await http.GetAsync($"/api/v1/accounts/{accountId}", ct);
            status = get.StatusCode;
            Assert.NotEqual(HttpStatusCode.InternalServerError, status);
            if (status != HttpStatusCode.NotFound) await Task.Delay(200, ct);
        }
        while (status != HttpStatusCode.NotFound && DateTime.UtcNow < recovered);
        Assert.Equal(HttpStatusCode.NotFound, status);
        var again = await app.RegisterAccountAsync(http, User, ct);

        await using var after = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct);
        await after.SubscribeAsync(again, ct);
        await after.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));
        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("New mail"), ct);
        await after.WaitForAsync("message.created", e => EventClient.Subject(e) == "New mail", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        Assert.Equal(["New mail"], after.OfType("message.created").Select(EventClient.Subject));
    }
}
