using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>
/// The opaque <c>state</c> of a mailbox: UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ, bound to the
/// mailbox path so a token of one mailbox is refused for another (400 <c>invalid_state</c>).
/// </summary>
public static class StateToken
{
    private const byte Version = 1;
    private const int Length = 21;

    public static string Encode(string mailbox, MailboxState state)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[1..], PathHash(mailbox));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[5..], state.UidValidity);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[9..], state.UidNext);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[13..], state.HighestModSeq);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? token, string mailbox, out MailboxState state)
    {
        state = default;
        if (string.IsNullOrEmpty(token) || token.Length > 64 || !Base64Url.IsValid(token)) return false;
        Span<byte> bytes = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(token, bytes) != Length || bytes[0] != Version) return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]) != PathHash(mailbox)) return false;
        state = new MailboxState(
            BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[9..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[13..]));
        return state.UidValidity != 0 && state.UidNext != 0;
    }

    /// <exception cref="MailApiException">invalid_state (400).</exception>
    public static MailboxState Parse(string? token, string mailbox) =>
        TryDecode(token, mailbox, out var state) ? state
            : throw MailApiException.InvalidState("since must be a state token this mailbox's list or changes answered.");

    private static uint PathHash(string mailbox)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(mailbox), hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }
}
