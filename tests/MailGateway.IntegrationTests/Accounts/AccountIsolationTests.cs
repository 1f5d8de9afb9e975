using System.Net;
using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Two users must not see each other's accounts; admins see all (users alice, bob).</summary>
public class AccountIsolationTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_users_account_answers_404_on_every_route()
    {
        using var alice = fixture.App.CreateClient("iso-alice");
        using var bob = fixture.App.CreateClient("iso-bob");
        var aliceAccount = await fixture.App.RegisterAccountAsync(alice, "alice", _ct);
        var bobAccount = await fixture.App.RegisterAccountAsync(bob, "bob", _ct);

        using var bobList = await bob.GetAsync("/api/v1/accounts", _ct);
        var bobIds = (await bobList.JsonAsync(_ct)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal([bobAccount], bobIds);

        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => bob.GetAsync($"/api/v1/accounts/{aliceAccount}", _ct),
            () => bob.PatchAsJsonAsync($"/api/v1/accounts/{aliceAccount}", new { displayName = "mine now" }, _ct),
            () => bob.DeleteAsync($"/api/v1/accounts/{aliceAccount}", _ct),
            () => bob.GetAsync($"/api/v1/accounts/{aliceAccount}/security-log", _ct),
            () => bob.PostAsync($"/api/v1/accounts/{aliceAccount}/reset", null, _ct),
        };
        foreach (var request in requests)
        {
            using var response = await request();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("account_not_found", await response.ProblemCodeAsync(_ct));
        }

        using var stillThere = await alice.GetAsync($"/api/v1/accounts/{aliceAccount}", _ct);
        Assert.Equal("alice (test)", (await stillThere.JsonAsync(_ct)).GetProperty("displayName").GetString());

        using var admin = fixture.App.CreateClient("iso-admin", roles: ["MailGateway.Admin"]);
        using var adminGet = await admin.GetAsync($"/api/v1/accounts/{aliceAccount}", _ct);
        Assert.Equal(HttpStatusCode.OK, adminGet.StatusCode);
    }

    [Fact]
    public async Task Same_subject_from_another_issuer_or_tenant_is_another_owner()
    {
        using var tenantA = fixture.App.CreateClient("iso-shared-sub", extraClaims: new Dictionary<string, object> { ["tid"] = "tenant-a", ["oid"] = "object-1" });
        using var tenantB = fixture.App.CreateClient("iso-shared-sub", extraClaims: new Dictionary<string, object> { ["tid"] = "tenant-b", ["oid"] = "object-1" });
        var id = await fixture.App.RegisterAccountAsync(tenantA, "alice", _ct);
        using var response = await tenantB.GetAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
