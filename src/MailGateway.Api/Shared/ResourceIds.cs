using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>
/// Opaque base64url ids: a mailbox id encodes its path; a message id encodes mailbox,
/// UIDVALIDITY and UID, so an id that outlived a UIDVALIDITY change is recognisably stale.
/// </summary>
public static class ResourceIds
{
    public static string Mailbox(string path) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(path));

    public static bool TryParseMailbox(string? id, [NotNullWhen(true)] out string? path)
    {
        path = null;
        if (string.IsNullOrEmpty(id) || id.Length > 2048 || !Base64Url.IsValid(id)) return false;
        try
        {
            path = new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(id));
        }
        catch (Exception e) when (e is FormatException or ArgumentException) { return false; }
        return IsAcceptablePath(path);
    }

    public static string Message(MessageRef message)
    {
        var pathBytes = Encoding.UTF8.GetBytes(message.Mailbox);
        var buffer = new byte[8 + pathBytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, message.UidValidity);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), message.Uid);
        pathBytes.CopyTo(buffer, 8);
        return Base64Url.EncodeToString(buffer);
    }

    public static bool TryParseMessage(string? id, out MessageRef message)
    {
        message = default;
        if (string.IsNullOrEmpty(id) || id.Length > 2048 || !Base64Url.IsValid(id)) return false;
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(id); }
        catch (FormatException) { return false; }
        if (bytes.Length < 9) return false;
        var uidValidity = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var uid = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4));
        string path;
        try { path = new UTF8Encoding(false, true).GetString(bytes, 8, bytes.Length - 8); }
        catch (ArgumentException) { return false; }
        if (uid == 0 || uidValidity == 0 || !IsAcceptablePath(path)) return false;
        message = new MessageRef(path, uidValidity, uid);
        return true;
    }

    /// <summary>An attachment id: the opaque form of the IMAP body part specifier ("2", "1.2").</summary>
    public static string Attachment(string partId) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(partId));

    public static bool TryParseAttachment(string? id, [NotNullWhen(true)] out string? partId)
    {
        partId = null;
        if (string.IsNullOrEmpty(id) || id.Length > 128 || !Base64Url.IsValid(id)) return false;
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(id); }
        catch (FormatException) { return false; }
        if (bytes.Length == 0 || bytes.Any(b => !(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'.'))) return false;
        partId = Encoding.ASCII.GetString(bytes);
        return true;
    }

    /// <summary>Mailbox names never carry control characters (CR/LF would be protocol).</summary>
    public static bool IsAcceptablePath(string path) =>
        path.Length is > 0 and <= 1000 && !path.Any(char.IsControl);
}
