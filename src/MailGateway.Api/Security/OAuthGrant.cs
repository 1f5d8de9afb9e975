using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailGateway.Imap;
using Microsoft.AspNetCore.DataProtection;

namespace MailGateway.Api.Security;

/// <summary>
/// What an OAuth account keeps in <c>Account.ProtectedSecret</c> (as Data-Protection ciphertext of this JSON).
/// A class, not a record: the compiler-generated ToString of a record would print the tokens.
/// </summary>
internal sealed class OAuthGrant
{
    public const string RefreshTokenKind = "refreshToken";
    public const string OnBehalfOfKind = "onBehalfOf";

    public required string Kind { get; init; }
    /// <summary>Configured client name (refresh-token grants).</summary>
    public string? Client { get; init; }
    public string? RefreshToken { get; init; }
    /// <summary>Access token obtained while the grant was checked, so the first login needs no second refresh.</summary>
    public string? AccessToken { get; init; }
    public DateTimeOffset? AccessTokenObtainedAt { get; init; }
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }
    /// <summary>Long-running on-behalf-of session key (Microsoft.Identity.Web token cache partition).</summary>
    public string? SessionKey { get; init; }
}

/// <summary>Encrypts and decrypts <see cref="OAuthGrant"/> with a purpose of its own.</summary>
internal sealed class OAuthGrantProtector(IDataProtectionProvider provider)
{
    private const string Purpose = "MailGateway.Security.ImapOAuthGrant.v1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(OAuthGrant grant) => _protector.Protect(JsonSerializer.Serialize(grant, Json));

    /// <exception cref="ImapAuthenticationException">Missing, or unreadable with this key ring (never says more).</exception>
    public OAuthGrant Unprotect(string? protectedGrant)
    {
        if (string.IsNullOrEmpty(protectedGrant))
            throw new ImapAuthenticationException("The account has no OAuth grant stored; register it again with an oauth block.");
        try
        {
            return JsonSerializer.Deserialize<OAuthGrant>(_protector.Unprotect(protectedGrant), Json)
                ?? throw new ImapAuthenticationException("The account's OAuth grant is empty.");
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            // No inner exception: Data Protection messages may name key ids, JSON ones may quote content.
            throw new ImapAuthenticationException("The account's OAuth grant cannot be decrypted with this instance's key ring.");
        }
    }
}
