using System.Security.Cryptography;
using System.Text;

namespace MailGateway.Api.Webhooks;

/// <summary>Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>.</summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const int SecretBytes = 32;

    /// <summary>A fresh secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
            return false;
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var written) && written >= 24;
    }

    /// <summary>One <c>v1,&lt;base64&gt;</c> signature.</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>The <c>webhook-signature</c> value: one signature per secret, space separated (current first).</summary>
    public static string SignatureHeaderValue(IEnumerable<string> secrets, string id, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, id, timestamp, body)));
}
