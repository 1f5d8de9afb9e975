using System.Net;
using System.Net.Http.Json;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>IMAP login successes and failures show in <c>GET /accounts/{id}/security-log</c> (user114).</summary>
public class AccountSecurityLogTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Security_log_lists_logins_and_failed_logins_newest_first()
    {
        using var client = fixture.App.CreateClient("seclog-owner");
        var id = await fixture.App.RegisterAccountAsync(client, "user114", _ct);

        // A failed login: the verification of a wrong new password.
        using var wrong = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = "wrong-114" }, _ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);

        using var response = await client.GetAsync($"/api/v1/accounts/{id}/security-log", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.JsonAsync(_ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.True(items.Count >= 2, $"expected at least 2 entries, got {items.Count}");
        Assert.Equal("failure", items[0].GetProperty("outcome").GetString());
        Assert.Contains(items, i => i.GetProperty("outcome").GetString() == "success");
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("instance").GetString())));
        var times = items.Select(i => i.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        using var limited = await client.GetAsync($"/api/v1/accounts/{id}/security-log?limit=1", _ct);
        Assert.Single((await limited.JsonAsync(_ct)).GetProperty("items").EnumerateArray());
        using var badLimit = await client.GetAsync($"/api/v1/accounts/{id}/security-log?limit=0", _ct);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Pool_logins_are_recorded_too()
    {
        using var client = fixture.App.CreateClient("seclog-pool");
        var id = await fixture.App.RegisterAccountAsync(client, "user114", _ct);
        using var before = await client.GetAsync($"/api/v1/accounts/{id}/security-log", _ct);
        var count = (await before.JsonAsync(_ct)).GetProperty("items").GetArrayLength();

        var account = await fixture.App.Services.GetRequiredService<MailGateway.Api.Shared.IAccountStore>().GetAsync(id, _ct);
        await using (var session = await fixture.App.Services.GetRequiredService<IImapSessionPool>().RentAsync(account!.ToImapAccount(), _ct))
        {
            Assert.NotNull(session);
        }
        using var after = await client.GetAsync($"/api/v1/accounts/{id}/security-log", _ct);
        Assert.True((await after.JsonAsync(_ct)).GetProperty("items").GetArrayLength() > count);
    }
}
