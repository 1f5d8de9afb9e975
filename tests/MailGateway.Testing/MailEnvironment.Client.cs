using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>
    /// An independent MailKit connection over implicit TLS (trusting only the private CA), logged in as
    /// <paramref name="user"/> with its password. Tests use it to check what the gateway did.
    /// </summary>
    public async Task<ImapClient> ConnectAsync(string user, CancellationToken ct = default)
    {
        var client = CreateClient();
        try
        {
            await client.ConnectAsync(Host, ImapsPort, SecureSocketOptions.SslOnConnect, ct).ConfigureAwait(false);
            await client.AuthenticateAsync(user, CurrentPasswordOf(user), ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A not yet connected MailKit client that trusts the private CA (refusing name mismatches).</summary>
    public ImapClient CreateClient() => new()
    {
        ServerCertificateValidationCallback = TestCertificates.CreateValidator(CaCertificatePath),
        CheckCertificateRevocation = false,
        Timeout = 60_000,
    };

    /// <summary>Appends <paramref name="message"/> to <paramref name="mailbox"/> of <paramref name="user"/> and returns its UID.</summary>
    public async Task<uint> AppendAsync(string user, string mailbox, MimeMessage message, CancellationToken ct = default,
        MessageFlags flags = MessageFlags.None)
    {
        using var client = await ConnectAsync(user, ct).ConfigureAwait(false);
        var folder = await client.GetFolderAsync(mailbox, ct).ConfigureAwait(false);
        var uid = await folder.AppendAsync(message, flags, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The server did not report the UID (no UIDPLUS).");
        await client.DisconnectAsync(true, ct).ConfigureAwait(false);
        return uid.Id;
    }

    /// <summary>
    /// An HS256 JWT that Dovecot's oauth2 passdb accepts for <paramref name="user"/> (SASL OAUTHBEARER / XOAUTH2).
    /// iat/nbf are backdated: Dovecot compares them with a cached whole-second clock.
    /// </summary>
    public string MintImapOAuthToken(string user, TimeSpan lifetime) => MintImapOAuthToken(OAuthSigningKey, user, lifetime);

    /// <summary>The same for an environment's key read from <c>DIR/oauth2/signing.key</c> (base64).</summary>
    public static string MintImapOAuthToken(byte[] signingKey, string user, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = user.ToLowerInvariant(),
            ["iat"] = now - 30,
            ["nbf"] = now - 30,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["jti"] = Guid.NewGuid().ToString("N"),
        }));
        var signingInput = $"{header}.{payload}";
        var signature = HMACSHA256.HashData(signingKey, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
