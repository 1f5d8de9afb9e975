using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Hosting;

/// <summary>Data Protection (encrypts stored IMAP credentials): one application name for every instance, the key ring
/// in Redis when configured (else <c>DataProtection:KeysDirectory</c>), optionally protected with a certificate.</summary>
internal static class DataProtectionExtensions
{
    public const string ApplicationName = "MailGateway";
    /// <summary>The key ring's Redis key: <c>dataprotection:keys</c> after <c>Redis:KeyPrefix</c>.</summary>
    public static RedisKey RedisKeyRing(RedisKeys keys) => keys.Of("dataprotection:keys");

    public static IHostApplicationBuilder AddGatewayDataProtection(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("DataProtection");
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);

        if (builder.Configuration.IsRedisConfigured())
        {
            if (string.IsNullOrEmpty(section["CertificateFile"]))
                builder.Services.AddHostedService<UnprotectedKeyRingWarning>();
            builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
            {
                var redis = sp.GetRequiredService<IConnectionMultiplexer>();
                o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), RedisKeyRing(sp.GetRequiredService<RedisKeys>()));
            });
        }
        else if (section["KeysDirectory"] is { Length: > 0 } directory)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(directory));
        }

        if (section["CertificateFile"] is { Length: > 0 } certificateFile)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(certificateFile, section["CertificatePassword"]);
            var previous = (section.GetSection("PreviousCertificateFiles").Get<string[]>() ?? [])
                .Select(f => X509CertificateLoader.LoadPkcs12FromFile(f, section["CertificatePassword"]));
            dataProtection.ProtectKeysWithCertificate(certificate)
                .UnprotectKeysWithAnyCertificate([certificate, .. previous]);
        }
        return builder;
    }
}

/// <summary>Says at startup, once, that the key ring in Redis is not encrypted at rest.</summary>
internal sealed class UnprotectedKeyRingWarning(RedisKeys keys, ILogger<UnprotectedKeyRingWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        InfraLog.KeyRingUnprotected(logger, DataProtectionExtensions.RedisKeyRing(keys).ToString());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
