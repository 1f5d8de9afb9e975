using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Hosting;

/// <summary>The key ring that encrypts stored credentials: rotation, certificate protection (users user115-user116).</summary>
public class DataProtectionTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Key_rotation_keeps_older_credentials_readable()
    {
        await using var app = fixture.CreateApp();
        using var client = app.CreateClient("dp-rotation");
        var id = await app.RegisterAccountAsync(client, "user115", _ct);

        var keys = app.Services.GetRequiredService<IKeyManager>();
        var before = keys.GetAllKeys().Count;
        keys.CreateNewKey(DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(90));
        Assert.True(keys.GetAllKeys().Count > before);

        var account = await app.Services.GetRequiredService<IAccountStore>().GetAsync(id, _ct);
        var secret = await app.Services.GetRequiredService<IImapCredentialProvider>().GetSecretAsync(account!.ToImapAccount(), false, _ct);
        Assert.Equal(MailEnvironment.PasswordOf("user115"), secret.Value);
        // New credentials are written with the new key and read back too.
        using var patch = await client.PatchAsJsonAsync($"/api/v1/accounts/{id}", new { password = MailEnvironment.PasswordOf("user115") }, _ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, patch.StatusCode);
    }

    [Fact]
    public async Task Key_ring_in_a_directory_can_be_protected_with_a_certificate()
    {
        var dir = Directory.CreateTempSubdirectory("mailgateway-dp-").FullName;
        try
        {
            var pfx = Path.Combine(dir, "keyring.pfx");
            using (var rsa = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=MailGateway key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
                await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"), _ct);
            }
            var keysDir = Path.Combine(dir, "keys");
            void Configure(GatewayAppOptions o, bool withCertificate)
            {
                o.UseRedis = false;
                o.Settings["DataProtection:KeysDirectory"] = keysDir;
                if (withCertificate)
                {
                    o.Settings["DataProtection:CertificateFile"] = pfx;
                    o.Settings["DataProtection:CertificatePassword"] = "pfx-password";
                }
            }

            Account account;
            await using (var first = fixture.CreateApp(o => Configure(o, withCertificate: true)))
            {
                using var client = first.CreateClient("dp-certificate");
                var id = await first.RegisterAccountAsync(client, "user116", _ct);
                account = (await first.Services.GetRequiredService<IAccountStore>().GetAsync(id, _ct))!;
            }
            var keyXml = string.Concat(Directory.GetFiles(keysDir, "*.xml").Select(File.ReadAllText));
            Assert.Contains("encryptedSecret", keyXml);
            Assert.DoesNotContain("<masterKey", keyXml);

            await using (var second = fixture.CreateApp(o => Configure(o, withCertificate: true)))
            {
                await second.Services.GetRequiredService<IAccountStore>().SaveAsync(account, _ct);
                var secret = await second.Services.GetRequiredService<IImapCredentialProvider>().GetSecretAsync(account.ToImapAccount(), false, _ct);
                Assert.Equal(MailEnvironment.PasswordOf("user116"), secret.Value);
            }

            await using var withoutCertificate = fixture.CreateApp(o => Configure(o, withCertificate: false));
            await withoutCertificate.Services.GetRequiredService<IAccountStore>().SaveAsync(account, _ct);
            await Assert.ThrowsAnyAsync<Exception>(async () =>
                await withoutCertificate.Services.GetRequiredService<IImapCredentialProvider>().GetSecretAsync(account.ToImapAccount(), false, _ct));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
