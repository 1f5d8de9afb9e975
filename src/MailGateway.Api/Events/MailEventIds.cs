using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MailGateway.Api.Events;

/// <summary>Deterministic event ids: the same change (account, mailbox, UIDVALIDITY, UID, type[, modseq])
/// always gets the same id, on any instance, so a repeat after a restart or failover is recognisable.</summary>
public static class MailEventIds
{
    public static string For(string type, string accountId, params ReadOnlySpan<string> parts)
    {
        var text = new StringBuilder(type).Append('\n').Append(accountId);
        foreach (var part in parts) text.Append('\n').Append(part);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return "evt_" + Base64Url.EncodeToString(hash[..18]);
    }
}
