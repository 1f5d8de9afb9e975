using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Api.Security;
using MailGateway.Imap;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailGateway.Api.Tests.Security;

/// <summary>The one OAuth token client: <c>Accounts:OAuth</c> and <c>ImapOAuth:Clients</c> share it, it never follows a
/// redirect, and a refresh never undoes a change made to the account while the token endpoint answered.</summary>
public class TokenClientTests
{
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim("sub", "u1")], "test"));
    private static readonly Dictionary<string, string?> DefaultClient = new()
    {
        ["Accounts:OAuth:TokenEndpoint"] = "https://login.example.test/default/token",
        ["Accounts:OAuth:ClientId"] = "default-client",
        ["Accounts:OAuth:ClientSecret"] = "default-secret-91c2",
    };

    private static async Task<(OAuthTestHost Host, Account Account, TaskCompletionSource Entered, TaskCompletionSource Release)> RefreshingHostAsync()
    {
        var host = new OAuthTestHost(settings: DefaultClient);
        // Registered the Accounts:OAuth way: a refresh token and no client.
        var account = OAuthTestHost.NewAccount(host.Protector.Protect(new StoredSecret(RefreshToken: "rt-original")));
        await host.Accounts.SaveAsync(account, TestContext.Current.CancellationToken);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Endpoint.RotateTo = "rt-rotated";
        host.Endpoint.Gate = async () =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromMinutes(1));
        };
        return (host, account, entered, release);
    }

    [Fact]
    public async Task Accounts_OAuth_is_served_by_the_one_token_client()
    {
        await using var host = new OAuthTestHost(settings: DefaultClient);
        var account = OAuthTestHost.NewAccount(host.Protector.Protect(new StoredSecret(RefreshToken: "rt-original")));
        await host.Accounts.SaveAsync(account, TestContext.Current.CancellationToken);
        Assert.Equal("access-token-1", await host.TokenAsync(account));
        var (url, form, _) = Assert.Single(host.Endpoint.Requests);
        Assert.Equal("https://login.example.test/default/token", url.ToString());
        Assert.Equal("default-client", form["client_id"]);
        Assert.Equal("rt-original", form["refresh_token"]);
    }

    [Fact]
    public async Task A_refresh_does_not_undo_a_disable_made_while_the_endpoint_answered()
    {
        var (host, account, entered, release) = await RefreshingHostAsync();
        await using var _ = host;
        var refresh = host.TokenAsync(account);
        await entered.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        host.Accounts.Items[account.Id] = host.Accounts.Items[account.Id] with { Disabled = true };
        release.SetResult();
        Assert.Equal("access-token-1", await refresh);

        var stored = host.Accounts.Items[account.Id];
        Assert.True(stored.Disabled);
        Assert.Equal("rt-rotated", host.Protector.Unprotect(stored.ProtectedSecret!).RefreshToken); // the rotation is kept too
    }

    [Fact]
    public async Task A_refresh_does_not_bring_back_an_account_deleted_while_the_endpoint_answered()
    {
        var (host, account, entered, release) = await RefreshingHostAsync();
        await using var _ = host;
        var refresh = host.TokenAsync(account);
        await entered.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        await host.Accounts.DeleteAsync(account.Id, TestContext.Current.CancellationToken);
        release.SetResult();
        await refresh;
        Assert.False(host.Accounts.Items.ContainsKey(account.Id));
    }

    [Fact]
    public async Task A_refresh_does_not_overwrite_credentials_changed_while_the_endpoint_answered()
    {
        var (host, account, entered, release) = await RefreshingHostAsync();
        await using var _ = host;
        var refresh = host.TokenAsync(account);
        await entered.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        var replaced = host.Protector.Protect(new StoredSecret(RefreshToken: "rt-new-credentials"));
        host.Accounts.Items[account.Id] = host.Accounts.Items[account.Id] with { CredentialStamp = "s2", ProtectedSecret = replaced };
        release.SetResult();
        await refresh;

        var stored = host.Accounts.Items[account.Id];
        Assert.Equal("s2", stored.CredentialStamp);
        Assert.Equal("rt-new-credentials", host.Protector.Unprotect(stored.ProtectedSecret!).RefreshToken);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_307_from_the_token_endpoint_is_not_followed(bool viaAccountsOAuth)
    {
        var ct = TestContext.Current.CancellationToken;
        var stolen = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var endpoint = builder.Build();
        endpoint.MapPost("/token", () => Results.Redirect("/steal", permanent: false, preserveMethod: true)); // 307
        endpoint.MapPost("/steal", () => { Interlocked.Increment(ref stolen); return Results.Json(new { access_token = "x", expires_in = 60 }); });
        await endpoint.StartAsync(ct);
        var url = endpoint.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/token";

        var settings = new Dictionary<string, string?> { ["ImapOAuth:AllowInsecureTokenEndpoint"] = "true" };
        var section = viaAccountsOAuth ? "Accounts:OAuth" : "ImapOAuth:Clients:corp";
        settings[$"{section}:TokenEndpoint"] = url;
        settings[$"{section}:ClientId"] = "client";
        settings[$"{section}:ClientSecret"] = "secret-that-must-not-travel";
        var app = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        app.Configuration.AddInMemoryCollection(settings);
        app.Services.AddLogging();
        app.Services.AddSingleton<IAccountStore>(new MemoryAccounts());
        app.AddImapOAuth();   // the production registration: its own primary handler
        app.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        await using var services = app.Services.BuildServiceProvider();

        var client = services.GetRequiredService<TokenEndpointClient>();
        await Assert.ThrowsAsync<ImapUnavailableException>(() =>
            client.RefreshAsync(viaAccountsOAuth ? DefaultOAuthClient.Name : "corp", "rt-must-not-travel", ct));
        Assert.Equal(0, stolen);
    }
}
