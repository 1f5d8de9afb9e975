using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailGateway.Imap.Pooling;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Tests.Unit;

public sealed class CertificateValidatorTests
{
    private static readonly ImapAccount Account = new("a", "imap.example.com", 993, ImapSecurity.Tls, "u");

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=imap.example.com", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public void A_name_mismatch_is_refused_even_when_otherwise_trusted()
    {
        var validator = new ImapCertificateValidator(Options.Create(new ImapOptions()));
        using var cert = SelfSigned();
        Assert.False(validator.Validate(Account, cert, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(validator.Validate(Account, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.True(validator.Validate(Account, cert, null, SslPolicyErrors.None));
    }

    [Fact]
    public void Chain_errors_are_refused_without_a_custom_root()
    {
        var validator = new ImapCertificateValidator(Options.Create(new ImapOptions()));
        using var cert = SelfSigned();
        Assert.False(validator.Validate(Account, cert, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_certificate_chaining_to_a_configured_root_is_trusted()
    {
        using var cert = SelfSigned();
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, cert.ExportCertificatePem());
            var validator = new ImapCertificateValidator(Options.Create(new ImapOptions { TrustedCertificateFiles = [file] }));
            Assert.True(validator.Validate(Account, cert, null, SslPolicyErrors.RemoteCertificateChainErrors));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_key_pin_is_the_base64_SHA256_of_the_SubjectPublicKeyInfo()
    {
        using var cert = SelfSigned();
        var pin = Convert.ToBase64String(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo()));
        var validator = new ImapCertificateValidator(Options.Create(new ImapOptions()));
        Assert.True(validator.Validate(Account with { PinnedKeySha256 = pin }, cert, null, SslPolicyErrors.None));
        Assert.False(validator.Validate(Account with { PinnedKeySha256 = Convert.ToBase64String(new byte[32]) }, cert, null, SslPolicyErrors.None));
    }
}
