using MailGateway.Api.Accounts;
using MailGateway.Imap;
using Microsoft.AspNetCore.DataProtection;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests;

public class CredentialProviderTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly InMemoryAccountStore _store = new();
    private readonly CredentialProtector _protector = new(new EphemeralDataProtectionProvider());
    private readonly PendingCredentials _pending = new();

    private StoredCredentialProvider Provider(params IImapOAuthTokenSource[] sources) => new(_store, _protector, _pending, sources);

    private async Task<Account> SaveAsync(ImapAuthMechanism mechanism, StoredSecret secret)
    {
        var account = new Account
        {
            Id = AccountService.NewId(), OwnerId = "o", DisplayName = "d", Email = "e@x.test", Host = "imap.x.test", Port = 993,
            Security = ImapSecurity.Tls, Username = "u", Mechanism = mechanism, CredentialStamp = "s1",
            ProtectedSecret = _protector.Protect(secret),
        };
        await _store.SaveAsync(account, _ct);
        return account;
    }

    [Fact]
    public async Task Stored_password_is_decrypted_for_the_pool()
    {
        var account = await SaveAsync(ImapAuthMechanism.Password, new StoredSecret(Password: "hunter2-secret"));
        Assert.DoesNotContain("hunter2-secret", account.ProtectedSecret);
        var secret = await Provider().GetSecretAsync(account.ToImapAccount(), false, _ct);
        Assert.Equal("hunter2-secret", secret.Value);
        Assert.DoesNotContain("hunter2", secret.ToString());
    }

    [Fact]
    public async Task Offered_credentials_win_while_they_are_verified()
    {
        var account = await SaveAsync(ImapAuthMechanism.Password, new StoredSecret(Password: "old"));
        var changed = account.ToImapAccount() with { CredentialStamp = "s2" };
        using (_pending.Offer(account.Id, "s2", new StoredSecret(Password: "new")))
            Assert.Equal("new", (await Provider().GetSecretAsync(changed, false, _ct)).Value);
        Assert.Equal("old", (await Provider().GetSecretAsync(changed, false, _ct)).Value);
    }

    [Fact]
    public async Task Offered_credentials_work_before_the_account_is_stored()
    {
        var imap = new ImapAccount("not-stored", "h", 993, ImapSecurity.Tls, "u", CredentialStamp: "s");
        using var offer = _pending.Offer("not-stored", "s", new StoredSecret(Password: "p"));
        Assert.Equal("p", (await Provider().GetSecretAsync(imap, false, _ct)).Value);
    }

    [Fact]
    public async Task OAuth_accounts_use_the_stored_access_token_unless_a_source_answers()
    {
        var account = await SaveAsync(ImapAuthMechanism.XOAuth2, new StoredSecret(AccessToken: "stored-token"));
        Assert.Equal("stored-token", (await Provider().GetSecretAsync(account.ToImapAccount(), false, _ct)).Value);
        Assert.Equal("fresh-token", (await Provider(new FixedSource(null), new FixedSource("fresh-token")).GetSecretAsync(account.ToImapAccount(), true, _ct)).Value);
    }

    [Fact]
    public async Task Unknown_account_or_foreign_key_ring_is_an_authentication_failure()
    {
        await Assert.ThrowsAsync<ImapAuthenticationException>(async () =>
            await Provider().GetSecretAsync(new ImapAccount("missing", "h", 993, ImapSecurity.Tls, "u"), false, _ct));

        var account = await SaveAsync(ImapAuthMechanism.Password, new StoredSecret(Password: "p"));
        var foreign = new StoredCredentialProvider(_store, new CredentialProtector(new EphemeralDataProtectionProvider()), _pending, []);
        await Assert.ThrowsAsync<ImapAuthenticationException>(async () => await foreign.GetSecretAsync(account.ToImapAccount(), false, _ct));
    }

    private sealed class FixedSource(string? token) : IImapOAuthTokenSource
    {
        public ValueTask<string?> GetAccessTokenAsync(ImapAccount account, StoredSecret secret, GrantSlot slot, bool forceRefresh,
            CancellationToken cancellationToken = default) => ValueTask.FromResult(token);
    }
}
