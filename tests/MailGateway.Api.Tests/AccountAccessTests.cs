using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using Microsoft.Extensions.Configuration;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests;

public class AccountAccessTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly InMemoryAccountStore _store = new();

    private static Caller CallerOf(string sub, string? role = null, string? scopes = "Mail.Read")
    {
        var claims = new List<Claim> { new("iss", "test"), new("sub", sub) };
        if (scopes is not null)
            claims.Add(new Claim("scp", scopes));
        if (role is not null)
            claims.Add(new Claim("roles", role));
        return Caller.From(new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer")));
    }

    private async Task<Account> AddAsync(string owner)
    {
        var account = new Account
        {
            Id = AccountService.NewId(), OwnerId = owner, DisplayName = "d", Email = "e@x.test", Host = "h", Port = 993,
            Security = ImapSecurity.Tls, Username = "u", CredentialStamp = "s",
        };
        await _store.SaveAsync(account, _ct);
        return account;
    }

    private AccountAccess Access(Dictionary<string, string?>? settings = null) =>
        new(_store, new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());

    [Fact]
    public async Task Owners_see_only_their_accounts()
    {
        var alice = CallerOf("alice");
        var bob = CallerOf("bob");
        var aliceAccount = await AddAsync(alice.OwnerId);
        var bobAccount = await AddAsync(bob.OwnerId);
        var access = Access();

        Assert.NotNull(await access.FindAsync(alice, aliceAccount.Id, _ct));
        Assert.Null(await access.FindAsync(bob, aliceAccount.Id, _ct));
        Assert.Equal([bobAccount.Id], (await access.ListAsync(bob, _ct)).Select(a => a.Id));
        Assert.Null(await access.FindAsync(alice, "does-not-exist", _ct));
    }

    [Fact]
    public async Task Admin_sees_every_account()
    {
        await AddAsync("someone");
        await AddAsync("someone-else");
        var admin = CallerOf("ops", role: Caller.AdminRole, scopes: null);
        Assert.Equal(2, (await Access().ListAsync(admin, _ct)).Count);
    }

    [Fact]
    public async Task App_callers_can_be_limited_to_listed_accounts()
    {
        var app = CallerOf("daemon", role: "Mail.Read", scopes: null);
        var allowed = await AddAsync(app.OwnerId);
        var other = await AddAsync(app.OwnerId);
        var access = Access(new()
        {
            ["Authentication:AppAccountAllowList:0:Owner"] = app.OwnerId,
            ["Authentication:AppAccountAllowList:0:AccountIds:0"] = allowed.Id,
        });
        Assert.NotNull(await access.FindAsync(app, allowed.Id, _ct));
        Assert.Null(await access.FindAsync(app, other.Id, _ct));
        Assert.Equal([allowed.Id], (await access.ListAsync(app, _ct)).Select(a => a.Id));
    }
}
