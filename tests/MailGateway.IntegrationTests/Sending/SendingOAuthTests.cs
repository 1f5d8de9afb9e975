using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>An OAuth account sends with its IMAP token: the SMTP login is SASL XOAUTH2 / OAUTHBEARER against Postfix,
/// which hands it to Dovecot's oauth2 passdb (a JWT signed with the environment's key); no password is stored anywhere.</summary>
public sealed class SendingOAuthTests(MailEnvFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("xoauth2", "user158")]
    [InlineData("oauthbearer", "user159")]
    public async Task An_oauth_account_is_verified_and_sends_with_its_token(string mechanism, string user)
    {
        var env = await fixture.PostfixAsync();
        var token = env.MintImapOAuthToken(user, TimeSpan.FromMinutes(30));
        fixture.Secrets.Add(token);
        var client = fixture.App.CreateClient($"sending-oauth-{user}");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", new
        {
            displayName = $"{user} (oauth sending)",
            email = MailEnvironment.EmailOf(user),
            imap = new
            {
                host = env.Host, port = env.ImapsPort, security = "tls", username = user,
                oauth = new { mechanism, accessToken = token, expiresAt = DateTimeOffset.UtcNow.AddMinutes(30) },
            },
            smtp = new { host = env.Host, port = env.SmtpPort, security = "starttls" },
        }, Ct);
        var text = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {text}");
        var account = JsonDocument.Parse(text).RootElement;
        Assert.Equal(mechanism, account.GetProperty("smtp").GetProperty("auth").GetString());
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);

        var me = new Sender(user, account.GetProperty("id").GetString()!, client, env);
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user160"), marker));
        await me.WaitForStateAsync(id, "sent");
        Assert.Single(await env.WaitForMessageAsync("user160", "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));
        Assert.Contains(env.ReadPostfixLogLines(), l => l.Contains($"sasl_method={mechanism.ToUpperInvariant()}", StringComparison.Ordinal)
            && l.Contains($"sasl_username={user}", StringComparison.Ordinal));
    }
}
