namespace MailGateway.Api.Hosting;

/// <summary>Startup warnings of the infrastructure area (EventIds 3200-3299).</summary>
internal static partial class InfraLog
{
    [LoggerMessage(3201, LogLevel.Warning, "The Data Protection key ring is stored in Redis ({Key}) without encryption at rest: anyone who can read Redis can decrypt the stored IMAP credentials. Set DataProtection:CertificateFile to protect the keys.", EventName = "KeyRingUnprotected")]
    public static partial void KeyRingUnprotected(ILogger logger, string key);
}
