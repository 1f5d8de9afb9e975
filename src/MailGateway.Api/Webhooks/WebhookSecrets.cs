using Microsoft.AspNetCore.DataProtection;

namespace MailGateway.Api.Webhooks;

/// <summary>Keeps signing secrets encrypted at rest (Data Protection, keys shared through Redis by the host).</summary>
internal sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("MailGateway.Webhooks.Secret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secrets that sign a delivery now: the current one, then the previous one during its grace period.</summary>
    public IReadOnlyList<string> SigningSecrets(Webhook webhook, DateTimeOffset now)
    {
        var current = _protector.Unprotect(webhook.ProtectedSecret);
        if (webhook.ProtectedPreviousSecret is { } previous && webhook.PreviousSecretExpiresAt > now)
            return [current, _protector.Unprotect(previous)];
        return [current];
    }
}
