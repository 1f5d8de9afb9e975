using System.Net;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Accounts and their encrypted credentials survive restarts and are shared between instances through Redis
/// (users user109-user111).</summary>
public class AccountPersistenceTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Accounts_survive_a_gateway_restart_with_redis_and_stay_usable()
    {
        string id, signingKey;
        await using (var first = fixture.CreateApp())
        {
            signingKey = first.SigningKey;
            using var client = first.CreateClient("persist-owner");
            id = await first.RegisterAccountAsync(client, "user109", _ct);
        }

        await using var second = fixture.CreateApp(o => o.SigningKey = signingKey);
        using var again = second.CreateClient("persist-owner");
        using var response = await again.GetAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The restarted instance decrypts the stored password with the key ring in Redis and logs in with it.
        var account = await second.Services.GetRequiredService<IAccountStore>().GetAsync(id, _ct);
        await second.Services.GetRequiredService<IImapSessionPool>().VerifyAsync(account!.ToImapAccount(), _ct);
    }

    [Fact]
    public async Task Two_instances_on_one_redis_share_accounts_and_credentials()
    {
        var a = fixture.App;
        await using var b = fixture.CreateApp(o => o.SigningKey = a.SigningKey);
        using var clientA = a.CreateClient("persist-shared");
        var id = await a.RegisterAccountAsync(clientA, "user110", _ct);

        var account = await b.Services.GetRequiredService<IAccountStore>().GetAsync(id, _ct);
        var secret = await b.Services.GetRequiredService<IImapCredentialProvider>().GetSecretAsync(account!.ToImapAccount(), false, _ct);
        Assert.Equal(MailEnvironment.PasswordOf("user110"), secret.Value);
        Assert.DoesNotContain(MailEnvironment.PasswordOf("user110"), account.ProtectedSecret);
    }

    [Fact]
    public async Task Credentials_are_unreadable_without_the_key_ring()
    {
        using var client = fixture.App.CreateClient("persist-keyring");
        var id = await fixture.App.RegisterAccountAsync(client, "user111", _ct);
        var account = await fixture.App.Services.GetRequiredService<IAccountStore>().GetAsync(id, _ct);

        // An in-memory instance has its own, ephemeral key ring: it cannot decrypt what the Redis key ring protected.
        await using var stranger = fixture.CreateApp(o => o.UseRedis = false);
        await stranger.Services.GetRequiredService<IAccountStore>().SaveAsync(account!, _ct);
        await Assert.ThrowsAsync<ImapAuthenticationException>(async () =>
            await stranger.Services.GetRequiredService<IImapCredentialProvider>().GetSecretAsync(account!.ToImapAccount(), false, _ct));
    }

    [Fact]
    public async Task In_memory_variant_works_without_redis()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        Assert.IsType<InMemoryAccountStore>(app.Services.GetRequiredService<IAccountStore>());
        using var client = app.CreateClient("persist-memory");
        var id = await app.RegisterAccountAsync(client, "user111", _ct);
        using var response = await client.GetAsync($"/api/v1/accounts/{id}", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
