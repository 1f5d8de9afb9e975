using MailGateway.Imap.Mime;
using MailGateway.Imap.Pooling;
using MailKit;

namespace MailGateway.Imap;

internal sealed partial class WatchSession
{
    /// <summary>Messages whose answer MailKit refused; the watcher keeps it across reconnects.</summary>
    public RefusedMessages Refusals { get; init; } = new();

    /// <summary>
    /// Every summary FETCH of the watch (arrivals, CHANGEDSINCE, re-fetches). Normally one FETCH with the full request,
    /// recording what MailKit parsed: a refusal is remembered in <see cref="Refusals"/> and rethrown (MailKit dropped the
    /// connection; the watcher reconnects). After a refusal, or where a refused message may be among the UIDs, two: the
    /// safe request (UID, flags, dates, size, header fields: always parsable) to list the messages, then the full one for
    /// all but the refused. So only the refused messages are announced unparsable; each new one costs one reconnect.
    /// </summary>
    /// <param name="uids">Named UIDs, or a range (<see cref="UniqueIdRange"/>, never enumerated).</param>
    private async Task<IList<IMessageSummary>> FetchSummariesAsync(IMailFolder folder, IList<UniqueId> uids, ulong changedSince, CancellationToken cancellationToken)
    {
        var path = folder.FullName;
        var uidValidity = folder.UidValidity;
        var range = uids as UniqueIdRange;
        IReadOnlyCollection<uint>? named = range is null ? [.. uids.Select(u => u.Id)] : null;
        var full = SummaryFetch.Request(client.Capabilities);
        var risky = SafeSummaries || (named is null
            ? Refusals.Touches(path, uidValidity, range!.Start.Id)
            : named.Any(u => Refusals.IsRefused(path, uidValidity, u)) || Refusals.Touches(path, uidValidity, uint.MaxValue));
        if (!risky)
        {
            if (changedSince > 0) full.ChangedSince = changedSince;
            using var recorder = new FetchRecorder(folder, path, named);
            try
            {
                return await folder.FetchAsync(uids, full, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ImapErrors.IsUnparsable(ex))
            {
                if (named is null) Refusals.Suspect(path, uidValidity, recorder, range!.Start.Id);
                else Refusals.Blame(path, uidValidity, recorder, named);
                throw;
            }
        }

        var safe = SummaryFetch.SafeRequest(client.Capabilities);
        if (changedSince > 0) safe.ChangedSince = changedSince;
        var basics = await folder.FetchAsync(uids, safe, cancellationToken).ConfigureAwait(false);
        var byUid = new SortedDictionary<uint, IMessageSummary>();
        foreach (var b in basics.Where(b => b.UniqueId.IsValid)) byUid[b.UniqueId.Id] = b;
        Refusals.Resolve(path, uidValidity, range?.Start.Id ?? (named!.Count == 0 ? uint.MaxValue : named.Min()), byUid.Keys);
        List<uint> wanted = Refusals.GiveUp ? [] : [.. byUid.Keys.Where(u => !Refusals.IsRefused(path, uidValidity, u))];
        if (wanted.Count > 0)
        {
            using var recorder = new FetchRecorder(folder, path, wanted);
            try
            {
                foreach (var m in await folder.FetchAsync(wanted.Select(u => new UniqueId(uidValidity, u)).ToList(), full, cancellationToken).ConfigureAwait(false))
                    if (FetchRecorder.IsWhole(m)) byUid[m.UniqueId.Id] = m;
            }
            catch (Exception ex) when (ImapErrors.IsUnparsable(ex))
            {
                Refusals.Blame(path, uidValidity, recorder, wanted);
                throw;
            }
        }
        return [.. byUid.Values];
    }
}
