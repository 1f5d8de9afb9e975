using System.Net;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Each user's share of <c>Imap:MaxConnections</c> (issue 11 item 9) in the gateway, with Redis and so the
/// cluster-wide connection budget in place: while one user's accounts hold that user's share, the next of their
/// accounts answers 503 with Retry-After (never 500), and another user's account is served.</summary>
public sealed class UserConnectionShareTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_users_accounts_beyond_their_share_get_503_while_another_user_is_served()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.Settings["Imap:MaxConnections"] = "8";
            o.Settings["Imap:UserConnectionShare"] = "0.25"; // 2 connections per user
            o.Settings["Imap:MaxConnectionsPerAccount"] = "1";
            o.Settings["Imap:LeaseTimeout"] = "00:00:03";
        });
        Assert.Equal("RedisConnectionBudget", app.Services.GetRequiredService<IImapConnectionBudget>().GetType().Name);
        using var greedy = app.CreateClient("share-greedy");
        using var other = app.CreateClient("share-other");
        var accounts = new List<string>();
        foreach (var user in new[] { "user146", "user147", "user148" })
            accounts.Add(await app.RegisterAccountAsync(greedy, user, _ct));
        var otherAccount = await app.RegisterAccountAsync(other, "user149", _ct);

        // The greedy user's first two accounts hold a connection each (a long request would do the same).
        var store = app.Services.GetRequiredService<IAccountStore>();
        var pool = app.Services.GetRequiredService<IImapSessionPool>();
        await pool.ResetAsync(accounts[2], _ct);
        var held = new List<IImapSession>();
        try
        {
            foreach (var id in accounts.Take(2))
            {
                var session = await pool.RentAsync((await store.GetAsync(id, _ct))!.ToImapAccount(), _ct);
                held.Add(session);
                await session.GetStateAsync("INBOX", _ct);
            }

            using (var refused = await greedy.GetAsync($"/api/v1/accounts/{accounts[2]}/mailboxes", _ct))
            {
                var body = await refused.Content.ReadAsStringAsync(_ct);
                Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {body}");
                Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
                Assert.Contains("share", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
            using (var served = await other.GetAsync($"/api/v1/accounts/{otherAccount}/mailboxes", _ct))
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        finally
        {
            foreach (var session in held) await session.DisposeAsync();
        }

        // Their connections free again, the same request is served (the user's idle connections make room).
        using var after = await greedy.GetAsync($"/api/v1/accounts/{accounts[2]}/mailboxes", _ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
