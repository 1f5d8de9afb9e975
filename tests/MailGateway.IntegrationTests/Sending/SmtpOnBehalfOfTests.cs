using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Issue 13 item 1: <c>smtp.oauth: {onBehalfOf: true}</c>, the on-behalf-of source of IMAP (Security/OnBehalfOfGrants)
/// asking for the SMTP submission scope, kept in the smtp block's own slot. As in OnBehalfOfOAuthTests, Microsoft.Identity.Web's
/// token acquisition is replaced at its interface by a fake that records what is asked and returns a JWT Dovecot accepts; the
/// SASL XOAUTH2 login to Postfix (handed to Dovecot) is real. Users user173..user176 of the Postfix environment.</summary>
public sealed class SmtpOnBehalfOfTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string SmtpScope = "https://outlook.office.com/SMTP.Send";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private MailEnvironment _env = null!;
    private OnBehalfOfGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await fixture.PostfixAsync();
        _gateway = new OnBehalfOfGateway(fixture, _env, tokenUser: "");
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    /// <summary>A delegated token of an Entra ID user (tid + oid) whose mailbox is <paramref name="user"/>.</summary>
    private HttpClient EntraUserClient(string user)
    {
        _gateway.TokenUser = user;
        return _gateway.EntraUserClient($"obo-{user}", $"oid-{user}");
    }

    private object SmtpBlock() => new { host = _env.Host, port = _env.SmtpPort, security = "starttls", oauth = new { mechanism = "xoauth2", onBehalfOf = true } };

    /// <summary>Registration started one session for the SMTP scope with the caller's token; the send logged in from the session key alone;
    /// the grant sits in the smtp slot (the IMAP password untouched), is never shown, and Postfix saw XOAUTH2.</summary>
    private async Task AssertSentOnBehalfOfAsync(Sender me, string to, string oid)
    {
        var start = _gateway.Calls.First();
        Assert.Equal([SmtpScope], start.Scopes);
        Assert.Equal(oid, (start.User?.FindFirst("oid") ?? start.User?.FindFirst(ClaimConstants.ObjectId))?.Value);
        Assert.Equal(TokenAcquisitionOptions.LongRunningWebApiSessionKeyAuto, start.SessionKeyIn);

        var shown = await me.Client.GetStringAsync(me.Api(""), Ct);
        Assert.Equal("xoauth2", JsonDocument.Parse(shown).RootElement.GetProperty("smtp").GetProperty("auth").GetString());
        Assert.Equal("password", JsonDocument.Parse(shown).RootElement.GetProperty("imap").GetProperty("auth").GetString());
        Assert.DoesNotContain(start.SessionKeyOut!, shown, StringComparison.Ordinal);
        var stored = await _gateway.App.Services.GetRequiredService<IAccountStore>().GetAsync(me.AccountId, Ct);
        var protector = _gateway.App.Services.GetRequiredService<CredentialProtector>();
        Assert.Equal(start.SessionKeyOut, protector.Unprotect(stored!.Smtp!.ProtectedSecret!).SessionKey);
        Assert.Equal(MailEnvironment.PasswordOf(me.User), protector.Unprotect(stored.ProtectedSecret!).Password);

        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf(to), marker));
        await me.WaitForStateAsync(id, "sent");
        Assert.Single(await _env.WaitForMessageAsync(to, "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));

        var later = _gateway.Calls.Skip(1).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, c =>
        {
            Assert.Equal([SmtpScope], c.Scopes);
            Assert.Equal(start.SessionKeyOut, c.SessionKeyIn);
            Assert.Null(c.User);
            Assert.False(c.HadHttpContext);
        });
        Assert.Contains(_env.ReadPostfixLogLines(), l => l.Contains("sasl_method=XOAUTH2", StringComparison.Ordinal)
            && l.Contains($"sasl_username={me.User}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_Entra_ID_user_registers_smtp_on_behalf_of_over_REST_and_sends_with_the_SMTP_scope()
    {
        var client = EntraUserClient("user173");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Sender.Body(_env, "user173", SmtpBlock()), Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {body}");
        var me = new Sender("user173", JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, client, _env);

        await AssertSentOnBehalfOfAsync(me, "user174", "oid-user173");
    }

    [Fact]
    public async Task An_Entra_ID_user_switches_smtp_to_on_behalf_of_with_updateAccount_over_GraphQL()
    {
        var client = EntraUserClient("user175");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Sender.Body(_env, "user175"), Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {body}");
        var me = new Sender("user175", JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, client, _env);
        Assert.Empty(_gateway.Calls); // a password account: no on-behalf-of grant yet

        const string update = "mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id smtp { auth } } }";
        var data = await GraphQLCalls.DataAsync(client, update, new { id = me.AccountId, input = new { smtp = SmtpBlock() } }, Ct);
        Assert.Equal("xoauth2", data.GetProperty("updateAccount").GetProperty("smtp").GetProperty("auth").GetString());

        await AssertSentOnBehalfOfAsync(me, "user176", "oid-user175");
    }

    [Fact]
    public async Task An_application_token_cannot_register_smtp_on_behalf_of()
    {
        using var client = _gateway.CreateClient();
        var token = _gateway.App.CreateToken("obo-smtp-daemon", scopes: "", roles: ["Mail.Read", "Mail.ReadWrite", "Mail.Send"],
            extraClaims: new Dictionary<string, object> { ["tid"] = "tenant-obo", ["oid"] = "daemon-oid" });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", Sender.Body(_env, "user173", SmtpBlock()), Ct);
        await MailUser.AssertProblemAsync(response, HttpStatusCode.BadRequest, "oauth_on_behalf_of_unavailable");
        Assert.Contains("smtp.oauth.onBehalfOf", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(_gateway.Calls);
    }
}
