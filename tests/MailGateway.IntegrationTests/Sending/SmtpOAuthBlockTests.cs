using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.IntegrationTests.Security;
using MailGateway.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Issue 13 item 1: an <c>smtp.oauth</c> block of its own, different from the IMAP credentials. Postfix hands the SASL
/// XOAUTH2/OAUTHBEARER login to Dovecot's oauth2 passdb (JWTs signed with the environment's key); refresh tokens go to a real
/// token endpoint on loopback, through the same refresh path as IMAP but their own cache entry. Users user161..user168.</summary>
public sealed class SmtpOAuthBlockTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private LoopbackTokenEndpoint _endpoint = null!;
    private GatewayApp _app = null!;
    private MailEnvironment _env = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await fixture.PostfixAsync();
        _endpoint = await LoopbackTokenEndpoint.StartAsync(Ct);
        _endpoint.Issue = rt => Mint(rt.Split('-')[1], TimeSpan.FromMinutes(10));
        var clientSecret = $"smtp-client-secret-{Guid.NewGuid():N}";
        fixture.Secrets.Add(clientSecret);
        _app = fixture.CreateApp(o =>
        {
            o.Settings["ImapOAuth:Clients:postfix:TokenEndpoint"] = _endpoint.TokenUrl.ToString();
            o.Settings["ImapOAuth:Clients:postfix:ClientId"] = "mailgateway-smtp-tests";
            o.Settings["ImapOAuth:Clients:postfix:ClientSecret"] = clientSecret;
            o.Settings["ImapOAuth:AllowInsecureTokenEndpoint"] = "true"; // plain http on loopback, tests only
            o.Settings["ImapOAuth:RefreshSkew"] = "00:00:01";
            o.Settings["Smtp:IdleTimeout"] = "00:00:01"; // the expiry test must log in again, not reuse the connection
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    private (string, TimeSpan) Mint(string user, TimeSpan lifetime)
    {
        var jwt = _env.MintImapOAuthToken(user, lifetime);
        fixture.Secrets.Add(jwt);
        return (jwt, lifetime);
    }

    private string NewRefreshToken(string user)
    {
        var token = $"rt-{user}-{Guid.NewGuid():N}";
        fixture.Secrets.Add(token);
        return token;
    }

    /// <summary>A JWT signed with a key Dovecot does not know: the server refuses it.</summary>
    private string ForgedToken(string user)
    {
        var token = MailEnvironment.MintImapOAuthToken(RandomNumberGenerator.GetBytes(32), user, TimeSpan.FromMinutes(10));
        fixture.Secrets.Add(token);
        return token;
    }

    private object SmtpBlock(object oauth) => new { host = _env.Host, port = _env.SmtpPort, security = "starttls", oauth };

    private async Task<(HttpResponseMessage Response, string Body)> CreateAsync(HttpClient client, string user, object smtp)
    {
        var response = await client.PostAsJsonAsync("/api/v1/accounts", Sender.Body(_env, user, smtp), Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<Sender> RegisterAsync(string user, object smtp)
    {
        var client = _app.CreateClient($"smtp-oauth-{user}");
        var (response, body) = await CreateAsync(client, user, smtp);
        using (response)
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        var account = JsonDocument.Parse(body).RootElement;
        Assert.Equal("password", account.GetProperty("imap").GetProperty("auth").GetString());
        return new Sender(user, account.GetProperty("id").GetString()!, client, _env);
    }

    private async Task SendAndFindAsync(Sender me, string to)
    {
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf(to), marker));
        await me.WaitForStateAsync(id, "sent");
        Assert.Single(await _env.WaitForMessageAsync(to, "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));
    }

    [Fact]
    public async Task A_password_account_sends_with_an_smtp_oauth_access_token_of_its_own()
    {
        var (token, _) = Mint("user161", TimeSpan.FromMinutes(30));
        var me = await RegisterAsync("user161", SmtpBlock(new { mechanism = "oauthbearer", accessToken = token, expiresAt = DateTimeOffset.UtcNow.AddMinutes(30) }));

        var shown = await me.Client.GetStringAsync(me.Api(""), Ct);
        Assert.Equal("oauthbearer", JsonDocument.Parse(shown).RootElement.GetProperty("smtp").GetProperty("auth").GetString());
        Assert.DoesNotContain(token, shown, StringComparison.Ordinal);
        var stored = await _app.Services.GetRequiredService<IAccountStore>().GetAsync(me.AccountId, Ct);
        Assert.DoesNotContain(token, stored!.Smtp!.ProtectedSecret!, StringComparison.Ordinal);
        Assert.Equal(token, _app.Services.GetRequiredService<CredentialProtector>().Unprotect(stored.Smtp.ProtectedSecret!).AccessToken);

        await SendAndFindAsync(me, "user162");
        Assert.Contains(_env.ReadPostfixLogLines(), l => l.Contains("sasl_method=OAUTHBEARER", StringComparison.Ordinal)
            && l.Contains("sasl_username=user161", StringComparison.Ordinal));
        Assert.DoesNotContain(_env.ReadPostfixLogLines(), l => l.Contains("sasl_method=PLAIN", StringComparison.Ordinal)
            && l.Contains("sasl_username=user161", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_smtp_access_token_is_refreshed_with_its_refresh_token()
    {
        _endpoint.Issue = rt => Mint(rt.Split('-')[1], TimeSpan.FromSeconds(4));
        var refreshToken = NewRefreshToken("user163");
        var me = await RegisterAsync("user163", SmtpBlock(new { mechanism = "xoauth2", client = "postfix", refreshToken }));
        Assert.Single(_endpoint.Requests); // the registration's refresh proved the grant; its token verified the login
        await SendAndFindAsync(me, "user164");
        Assert.Single(_endpoint.Requests);

        await Task.Delay(TimeSpan.FromSeconds(4.5), Ct); // the access token has expired
        var rotated = NewRefreshToken("user163");
        _endpoint.RotateTo = rotated;
        await SendAndFindAsync(me, "user164");
        Assert.Equal(2, _endpoint.Requests.Count);
        Assert.All(_endpoint.Requests, r => Assert.Equal(refreshToken, r.Form["refresh_token"]));

        // The rotated refresh token is saved into the smtp block, encrypted; the IMAP password stays as it was.
        var stored = await _app.Services.GetRequiredService<IAccountStore>().GetAsync(me.AccountId, Ct);
        var protector = _app.Services.GetRequiredService<CredentialProtector>();
        Assert.Equal(rotated, protector.Unprotect(stored!.Smtp!.ProtectedSecret!).RefreshToken);
        Assert.Equal(MailEnvironment.PasswordOf("user163"), protector.Unprotect(stored.ProtectedSecret!).Password);
        Assert.Contains(_env.ReadPostfixLogLines(), l => l.Contains("sasl_method=XOAUTH2", StringComparison.Ordinal)
            && l.Contains("sasl_username=user163", StringComparison.Ordinal));

        // The refresh was the smtp block's own: the IMAP password account still reads its mail, and no IMAP token was asked for.
        using var mailboxes = await me.Client.GetAsync(me.Api("/mailboxes"), Ct);
        Assert.Equal(HttpStatusCode.OK, mailboxes.StatusCode);
        Assert.Equal(2, _endpoint.Requests.Count);
    }

    [Fact]
    public async Task A_bad_smtp_token_is_422_on_create_and_on_patch_over_REST_and_nothing_is_stored()
    {
        var client = _app.CreateClient("smtp-oauth-user165");
        var (created, body) = await CreateAsync(client, "user165", SmtpBlock(new { accessToken = ForgedToken("user165") }));
        using (created)
            await MailUser.AssertProblemAsync(created, HttpStatusCode.UnprocessableEntity, "smtp_auth_failed");
        Assert.Empty(JsonDocument.Parse(await client.GetStringAsync("/api/v1/accounts", Ct)).RootElement.GetProperty("items").EnumerateArray());

        var me = await RegisterAsync("user165", new { host = _env.Host, port = _env.SmtpPort, security = "starttls" });
        using (var patched = await client.PatchAsJsonAsync(me.Api(""), new { smtp = SmtpBlock(new { accessToken = ForgedToken("user165") }) }, Ct))
            await MailUser.AssertProblemAsync(patched, HttpStatusCode.UnprocessableEntity, "smtp_auth_failed");
        var shown = JsonDocument.Parse(await client.GetStringAsync(me.Api(""), Ct)).RootElement;
        Assert.Equal("imap", shown.GetProperty("smtp").GetProperty("auth").GetString());
        await SendAndFindAsync(me, "user166");

        // A refresh token the identity provider refuses is the same 422, before any SMTP login.
        _endpoint.RejectWith = "invalid_grant";
        using (var refused = await client.PatchAsJsonAsync(me.Api(""),
            new { smtp = SmtpBlock(new { client = "postfix", refreshToken = NewRefreshToken("user165") }) }, Ct))
            await MailUser.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "smtp_auth_failed");
    }

    [Fact]
    public async Task A_bad_smtp_token_is_smtp_auth_failed_on_addAccount_and_updateAccount_over_GraphQL()
    {
        var client = _app.CreateClient("smtp-oauth-user167");
        const string add = "mutation($input: AddAccountInput!) { addAccount(input: $input) { id smtp { auth } } }";
        const string update = "mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id smtp { auth } } }";
        object Input(object smtp) => new
        {
            displayName = "user167 (graphql smtp)", email = MailEnvironment.EmailOf("user167"),
            imap = new { host = _env.Host, port = _env.ImapsPort, security = "tls", username = "user167", password = MailEnvironment.PasswordOf("user167") },
            smtp,
        };

        Assert.Equal("smtp_auth_failed", await GraphQLCalls.ErrorCodeAsync(client,
            add, new { input = Input(SmtpBlock(new { mechanism = "xoauth2", accessToken = ForgedToken("user167") })) }, Ct));

        var (token, _) = Mint("user167", TimeSpan.FromMinutes(30));
        var data = await GraphQLCalls.DataAsync(client, add, new { input = Input(SmtpBlock(new { mechanism = "xoauth2", accessToken = token })) }, Ct);
        var id = data.GetProperty("addAccount").GetProperty("id").GetString()!;
        Assert.Equal("xoauth2", data.GetProperty("addAccount").GetProperty("smtp").GetProperty("auth").GetString());

        Assert.Equal("smtp_auth_failed", await GraphQLCalls.ErrorCodeAsync(client,
            update, new { id, input = new { smtp = SmtpBlock(new { mechanism = "oauthbearer", accessToken = ForgedToken("user167") }) } }, Ct));
        await SendAndFindAsync(new Sender("user167", id, client, _env), "user168");
        Assert.Contains(_env.ReadPostfixLogLines(), l => l.Contains("sasl_method=XOAUTH2", StringComparison.Ordinal)
            && l.Contains("sasl_username=user167", StringComparison.Ordinal));
    }
}
