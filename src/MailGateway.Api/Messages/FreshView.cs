using MailGateway.Imap;

namespace MailGateway.Api.Messages;

/// <summary>
/// A pooled connection keeps its mailbox selected between requests, and an IMAP server only shows it messages
/// that arrived through other clients at its next sync point. When an operation misses a message, sync once
/// (<see cref="IImapSession.GetStateAsync"/> starts with a NOOP) and retry if the UID is below the fresh UIDNEXT:
/// a message that arrived a moment ago is then found, a vanished one still answers 404. Costs nothing on hits.
/// </summary>
internal static class FreshView
{
    public static async Task<T> RetryOnMissAsync<T>(IImapSession session, MessageRef message, Func<Task<T>> operation,
        Func<T, bool> found, CancellationToken cancellationToken)
    {
        T result;
        try
        {
            result = await operation();
            if (found(result)) return result;
        }
        catch (MessageNotFoundException)
        {
            if (!await MayExistAsync(session, message.Mailbox, message.Uid, cancellationToken)) throw;
            return await operation();
        }
        return await MayExistAsync(session, message.Mailbox, message.Uid, cancellationToken) ? await operation() : result;
    }

    /// <summary>The UIDs of <paramref name="missed"/> that the mailbox may hold after a sync (below its UIDNEXT).</summary>
    public static async Task<List<uint>> MayExistAsync(IImapSession session, string mailbox, IReadOnlyCollection<uint> missed,
        CancellationToken cancellationToken)
    {
        if (missed.Count == 0) return [];
        var state = await session.GetStateAsync(mailbox, cancellationToken);
        return [.. missed.Where(uid => uid < state.UidNext)];
    }

    private static async Task<bool> MayExistAsync(IImapSession session, string mailbox, uint uid, CancellationToken cancellationToken) =>
        (await MayExistAsync(session, mailbox, [uid], cancellationToken)).Count > 0;
}
