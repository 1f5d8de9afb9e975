using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Pooling;

/// <summary>Validates IMAP server certificates: system trust plus the PEM roots in
/// <c>Imap:TrustedCertificateFiles</c>; a name mismatch is always refused; optional per-account key pin.</summary>
internal sealed class ImapCertificateValidator(IOptions<ImapOptions> options)
{
    private readonly Lazy<X509Certificate2Collection> _customRoots = new(() => LoadRoots(options.Value.TrustedCertificateFiles));

    public RemoteCertificateValidationCallback CreateCallback(ImapAccount account) =>
        (_, certificate, chain, errors) => Validate(account, certificate, chain, errors);

    public bool Validate(ImapAccount account, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) ||
            errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return false;
        using var leaf = new X509Certificate2(certificate);
        var trusted = errors == SslPolicyErrors.None || ChainsToCustomRoot(leaf, chain);
        return trusted && MatchesPin(account.PinnedKeySha256, leaf);
    }

    private bool ChainsToCustomRoot(X509Certificate2 leaf, X509Chain? presented)
    {
        var roots = _customRoots.Value;
        if (roots.Count == 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        // Private CAs rarely publish revocation lists, and test/on-premise servers are often offline.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return custom.Build(leaf);
    }

    /// <summary>True when no pin is set, or the base64 SHA-256 of the certificate's SubjectPublicKeyInfo matches.</summary>
    public static bool MatchesPin(string? pin, X509Certificate2 leaf)
    {
        if (string.IsNullOrWhiteSpace(pin)) return true;
        var actual = Convert.ToBase64String(SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo()));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(pin.Trim()));
    }

    private static X509Certificate2Collection LoadRoots(IEnumerable<string> files)
    {
        var roots = new X509Certificate2Collection();
        foreach (var file in files.Where(f => !string.IsNullOrWhiteSpace(f)))
            roots.ImportFromPemFile(file);
        return roots;
    }
}
