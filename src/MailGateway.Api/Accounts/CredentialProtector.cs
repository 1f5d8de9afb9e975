using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>The secret material of an account, serialized and encrypted into <see cref="Account.ProtectedSecret"/>.</summary>
/// <param name="Client">OAuth client (<c>ImapOAuth:Clients</c>) whose token endpoint refreshes <paramref name="RefreshToken"/> (Security/RefreshTokenGrants).</param>
/// <param name="SessionKey">Long-running on-behalf-of session of Microsoft.Identity.Web (Security/OnBehalfOfGrants).</param>
internal sealed record StoredSecret(string? Password = null, string? AccessToken = null, string? RefreshToken = null, DateTimeOffset? ExpiresAt = null,
    string? Client = null, string? SessionKey = null)
{
    public override string ToString() => "StoredSecret(***)";
}

/// <summary>Encrypts account credentials with Data Protection (purpose <see cref="Purpose"/>); keys are shared
/// by every instance through the key ring (Redis or a directory).</summary>
internal sealed class CredentialProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "MailGateway.Accounts.Credentials.v1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(StoredSecret secret) => _protector.Protect(JsonSerializer.Serialize(secret, Json));

    /// <exception cref="System.Security.Cryptography.CryptographicException">The key ring lacks the key (another deployment's data).</exception>
    public StoredSecret Unprotect(string protectedSecret) =>
        JsonSerializer.Deserialize<StoredSecret>(_protector.Unprotect(protectedSecret), Json) ?? new StoredSecret();
}
