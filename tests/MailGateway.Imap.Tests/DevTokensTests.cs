using MailGateway.Testing;

namespace MailGateway.Imap.Tests;

public sealed class DevTokensTests
{
    private const string Key = "a-development-signing-key-of-at-least-32-chars";

    [Fact]
    public void A_token_carries_subject_scopes_roles_amr_and_extra_claims()
    {
        var token = DevTokens.Create(Key, "user-1", roles: ["MailGateway.Admin", "Other"], amr: ["pwd", "mfa"],
            extraClaims: new Dictionary<string, object> { ["tid"] = "tenant", ["oid"] = "object" });
        var claims = DevTokens.ReadClaims(token);

        Assert.Equal("user-1", claims.Single(c => c.Type == "sub").Value);
        Assert.Equal(DevTokens.AllScopes, claims.Single(c => c.Type == "scp").Value);
        Assert.Equal(["MailGateway.Admin", "Other"], claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(["pwd", "mfa"], claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal("tenant", claims.Single(c => c.Type == "tid").Value);
        Assert.Equal("mailgateway-dev", claims.Single(c => c.Type == "iss").Value);
        Assert.Equal("mailgateway", claims.Single(c => c.Type == "aud").Value);
    }

    [Fact]
    public async Task A_token_validates_with_the_same_key_and_not_with_another()
    {
        var token = DevTokens.Create(Key, "user-1", lifetime: TimeSpan.FromMinutes(1));
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        Microsoft.IdentityModel.Tokens.TokenValidationParameters Parameters(string key) => new()
        {
            ValidIssuer = "mailgateway-dev",
            ValidAudience = "mailgateway",
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)),
        };
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(Key))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, Parameters(Key + "-other"))).IsValid);
    }
}
