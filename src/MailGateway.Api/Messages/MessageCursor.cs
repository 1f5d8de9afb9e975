using System.Buffers.Binary;
using System.Buffers.Text;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>
/// The opaque paging cursor: version, UIDVALIDITY, the UID to continue below, and a fingerprint of the
/// filter (and mailbox) it was issued for. A cursor used with other filters or in another mailbox is
/// <c>invalid_cursor</c> (400); one from before a UIDVALIDITY change is <c>cursor_expired</c> (410):
/// the UIDs it points between no longer mean the same messages, so the client must restart from the top.
/// </summary>
public readonly record struct MessageCursor(uint UidValidity, uint BeforeUid, ulong FilterHash)
{
    private const byte Version = 1;
    private const int Length = 17;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[1..], UidValidity);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[5..], BeforeUid);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[9..], FilterHash);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? value, out MessageCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(value) || value.Length > 64 || !Base64Url.IsValid(value)) return false;
        Span<byte> bytes = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(value, bytes) != Length || bytes[0] != Version) return false;
        cursor = new MessageCursor(
            BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[9..]));
        return cursor.UidValidity != 0 && cursor.BeforeUid > 1;
    }

    /// <summary>Decodes and checks a cursor against the filter it must have been issued for.</summary>
    /// <exception cref="MailApiException">invalid_cursor.</exception>
    public static MessageCursor Parse(string value, ulong filterHash)
    {
        if (!TryDecode(value, out var cursor)) throw MailApiException.InvalidCursor("The cursor is malformed.");
        if (cursor.FilterHash != filterHash)
            throw MailApiException.InvalidCursor("The cursor was issued for another mailbox or other filters; repeat the filters it was issued with.");
        return cursor;
    }

    public static MailApiException Expired() =>
        new(410, "cursor_expired", "The mailbox was recreated since this cursor was issued.", "UIDVALIDITY changed: start again without a cursor.");
}
