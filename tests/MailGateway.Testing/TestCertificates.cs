using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailGateway.Testing;

/// <summary>A private CA and a server certificate for localhost, written as PEM files.</summary>
public static class TestCertificates
{
    /// <summary>Writes ca.crt, ca.key, server.crt, server.key and server-chain.crt into <paramref name="tlsDir"/> unless they exist.</summary>
    public static void EnsureCreated(string tlsDir)
    {
        var caPath = Path.Combine(tlsDir, "ca.crt");
        if (File.Exists(caPath) && File.Exists(Path.Combine(tlsDir, "server-chain.crt")) && File.Exists(Path.Combine(tlsDir, "server.key")))
            return;
        Directory.CreateDirectory(tlsDir);

        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=MailGateway Test CA, O=MailGateway", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notBefore.AddYears(10));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        using var server = request.Create(ca, notBefore, notBefore.AddYears(5), serial);

        var serverPem = server.ExportCertificatePem() + "\n";
        var caPem = ca.ExportCertificatePem() + "\n";
        File.WriteAllText(Path.Combine(tlsDir, "server.crt"), serverPem);
        File.WriteAllText(Path.Combine(tlsDir, "server-chain.crt"), serverPem + caPem);
        File.WriteAllText(Path.Combine(tlsDir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(Path.Combine(tlsDir, "ca.key"), caKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(caPath, caPem);
    }

    /// <summary>
    /// A validation callback that trusts only the CA in <paramref name="caCertificatePath"/> and refuses name mismatches.
    /// </summary>
    public static RemoteCertificateValidationCallback CreateValidator(string caCertificatePath)
    {
        var caPem = File.ReadAllText(caCertificatePath);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                return false;
            using var root = X509Certificate2.CreateFromPem(caPem);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
    }
}
