using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MailGateway.Testing;

/// <summary>Mints tokens for the Development authentication provider (HS256 over the UTF-8 bytes of the signing key).</summary>
public static class DevTokens
{
    public const string AllScopes = "Mail.Read Mail.ReadWrite Mail.Send Webhooks.ReadWrite";

    public static string Create(
        string signingKey,
        string subject,
        string scopes = AllScopes,
        IEnumerable<string>? roles = null,
        IEnumerable<string>? amr = null,
        TimeSpan? lifetime = null,
        string issuer = "mailgateway-dev",
        string audience = "mailgateway",
        IDictionary<string, object>? extraClaims = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingKey);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (!string.IsNullOrWhiteSpace(scopes))
            claims["scp"] = scopes;
        if (roles?.ToArray() is { Length: > 0 } roleArray)
            claims["roles"] = roleArray;
        if (amr?.ToArray() is { Length: > 0 } amrArray)
            claims["amr"] = amrArray;
        foreach (var (name, value) in extraClaims ?? new Dictionary<string, object>())
            claims[name] = value;

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            // Backdated a little so a freshly minted token is never "not yet valid" on a server with a coarse clock.
            IssuedAt = now.AddSeconds(-5),
            NotBefore = now.AddSeconds(-5),
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The claims of <paramref name="token"/> without validating it (for tests of the minting itself).</summary>
    public static IReadOnlyList<Claim> ReadClaims(string token) => [.. new JsonWebToken(token).Claims];
}
