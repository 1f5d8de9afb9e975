using MailKit;

namespace MailGateway.Imap;

internal sealed partial class WatchSession
{
    private const int FetchAttempts = 3;

    /// <summary>Syncs in a row that stopped before the same arrival; after <see cref="StallRounds"/> it is announced as it
    /// came (unparsable) rather than hold back the mailbox for good.</summary>
    private const int StallRounds = 5;

    private readonly Dictionary<string, (uint Uid, int Rounds)> _stalled = new(StringComparer.Ordinal);

    /// <summary>
    /// The arrivals among <paramref name="fetched"/> (UIDs from <paramref name="fromUid"/> on), in UID order, each once and
    /// complete. A FETCH answer may carry a message without the items asked for (Dovecot under load while another
    /// session renames the maildir file, or an unsolicited FETCH of flags only): announcing that as an empty summary
    /// would spend the message's deterministic event id, so the real one could never follow (seen as lost webhooks in
    /// the scale-out tests). Such messages are fetched again by UID; what is still incomplete after
    /// <see cref="FetchAttempts"/> is left out with everything after it (<c>StoppedAt</c>: the checkpoint must stay
    /// there), and the mailbox is synced again; a message that stays incomplete for <see cref="StallRounds"/> syncs is
    /// announced as it is (marked unparsable), so one broken message cannot stop a mailbox's events.
    /// </summary>
    private async Task<(List<IMessageSummary> Messages, uint? StoppedAt)> CompleteArrivalsAsync(
        IMailFolder folder, uint uidValidity, uint fromUid, IEnumerable<IMessageSummary> fetched, CancellationToken cancellationToken)
    {
        var byUid = new SortedDictionary<uint, IMessageSummary>();
        Merge(byUid, fetched, fromUid);
        for (var attempt = 1; ; attempt++)
        {
            var missing = byUid.Values.Where(m => !IsComplete(m)).Select(m => new UniqueId(uidValidity, m.UniqueId.Id)).ToList();
            if (missing.Count == 0)
            {
                _stalled.Remove(folder.FullName);
                return ([.. byUid.Values], null);
            }
            WatchLog.FetchIncomplete(logger, account.Id, folder.FullName, missing.Count, attempt);
            if (attempt == FetchAttempts)
            {
                var first = missing.Min(u => u.Id);
                var rounds = _stalled.TryGetValue(folder.FullName, out var stall) && stall.Uid == first ? stall.Rounds + 1 : 1;
                if (rounds >= StallRounds)
                {
                    _stalled.Remove(folder.FullName);
                    return ([.. byUid.Values], null);
                }
                _stalled[folder.FullName] = (first, rounds);
                _dirty.Add(folder.FullName);
                return ([.. byUid.Values.TakeWhile(m => m.UniqueId.Id < first)], first);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, cancellationToken).ConfigureAwait(false);
            var again = await FetchSummariesAsync(folder, missing, 0, cancellationToken).ConfigureAwait(false);
            Merge(byUid, again, fromUid);
        }
    }

    /// <summary>Keeps, per UID, a complete answer over an incomplete one.</summary>
    private static void Merge(SortedDictionary<uint, IMessageSummary> byUid, IEnumerable<IMessageSummary> fetched, uint fromUid)
    {
        foreach (var m in fetched)
        {
            if (!m.UniqueId.IsValid || m.UniqueId.Id < fromUid) continue;
            if (!byUid.TryGetValue(m.UniqueId.Id, out var known) || (!IsComplete(known) && IsComplete(m))) byUid[m.UniqueId.Id] = m;
        }
    }

    /// <summary>The header fields and INTERNALDATE were asked for every arrival; a server always has both.</summary>
    private static bool IsComplete(IMessageSummary m) => m.Headers is not null && m.InternalDate is not null;
}
