using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MailGateway.Api.Tests.GraphQL;

/// <summary>The gateway in memory with the Development token provider; no IMAP needed for transport tests.</summary>
public sealed class GraphQLTestApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "graphql-tests-signing-key-0123456789-abcdefghij";
    public const string AllScopes = "Mail.Read Mail.ReadWrite Mail.Send Webhooks.ReadWrite";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Authentication:Provider"] = "Development",
        ["Authentication:Development:SigningKey"] = SigningKey,
        ["Redis:Configuration"] = "",
        ["Http:HttpsRedirection"] = "false",
        ["GraphQL:EnableIntrospection"] = "true",
    };

    public GraphQLTestApp WithSetting(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    public static string Token(string subject, string scopes = AllScopes, string signingKey = SigningKey)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "mailgateway-dev",
            Audience = "mailgateway",
            IssuedAt = DateTime.UtcNow.AddSeconds(-5),
            NotBefore = DateTime.UtcNow.AddSeconds(-5),
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scp"] = scopes },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public HttpClient CreateClient(string subject, string scopes = AllScopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(subject, scopes));
        return client;
    }
}
